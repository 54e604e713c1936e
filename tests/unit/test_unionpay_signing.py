"""UnionPay's ACP 5.1.0 signatures (signMethod 01) as services.billing.unionpay_signing
makes and checks them: SHA256withRSA over the lowercase SHA-256 hex of the sorted
name=value content; a notification is believed only when its signPubKeyCert chains to the
configured root through the middle certificate, is valid now and names UnionPay in its
CN — a tampered field, a certificate from another root, an expired one or one of another
owner are all refused."""
import base64
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from sandbox.keys import make_merchant_certificate, make_unionpay_chain, new_key, pem_of
from services.billing import unionpay_signing as signing

NOTIFICATION = {
    "version": "5.1.0", "encoding": "UTF-8", "bizType": "000201", "txnType": "01",
    "txnSubType": "01", "accessType": "0", "merId": "777290058110048",
    "orderId": "CE20261201101000123456", "txnTime": "20261201101000", "txnAmt": "15000",
    "currencyCode": "156", "queryId": "772612011012345678901", "respCode": "00",
    "respMsg": "成功[0000000]", "settleAmt": "15000", "settleCurrencyCode": "156",
    "settleDate": "1201", "traceNo": "123456", "traceTime": "1201101230",
    "accNo": "621226*********0011", "reqReserved": "{bank=ICBC&note=继续教育}"}


@pytest.fixture(scope="module")
def chain():
    return make_unionpay_chain()


@pytest.fixture(scope="module")
def trust(chain):
    return signing.Trust(root=chain["root"], middle=chain["middle"])


def from_unionpay(chain, **changes):
    fields = {**NOTIFICATION, **changes}
    return signing.sign_as_unionpay(fields, chain["sign_key"], pem_of(chain["sign_cert"]).decode())


def test_the_content_is_every_field_with_a_value_but_the_signature_sorted_by_name():
    assert signing.content({"txnAmt": "1", "accessType": "0", "signature": "x", "empty": "",
                            "none": None, "bizType": "000201"}) == \
        "accessType=0&bizType=000201&txnAmt=1"


def test_a_notification_signed_by_unionpays_key_verifies(chain, trust):
    fields = from_unionpay(chain)
    assert fields["signMethod"] == "01" and fields["signPubKeyCert"].startswith(
        "-----BEGIN CERTIFICATE-----")
    assert signing.verify_from_unionpay(fields, trust) == (True, None)
    # Exactly ACP's algorithm, checked without the module: SHA256withRSA over the
    # lowercase hex of the content's SHA-256.
    digest = hashlib.sha256(signing.content(fields).encode("utf-8")).hexdigest()
    chain["sign_cert"].public_key().verify(base64.b64decode(fields["signature"]),
                                           digest.encode("ascii"), padding.PKCS1v15(),
                                           hashes.SHA256())


def test_a_merchant_request_round_trips_with_its_certificate():
    key = new_key()
    certificate = make_merchant_certificate(key)
    cert_id = signing.cert_id(certificate)
    assert cert_id.isdigit() and len(cert_id) == 11
    fields = signing.sign_request({"version": "5.1.0", "txnAmt": "1000", "orderId": "CE12345678",
                                   "reqReserved": ""}, key, cert_id)
    assert fields["certId"] == cert_id and fields["signMethod"] == "01"
    assert "reqReserved" not in fields  # blanks are not sent
    assert signing.signature_matches(fields, certificate.public_key())
    assert not signing.signature_matches({**fields, "txnAmt": "1"}, certificate.public_key())
    assert not signing.signature_matches(fields, new_key().public_key())


@pytest.mark.parametrize("change", [
    {"txnAmt": "1"}, {"merId": "777290058110049"}, {"orderId": "CE20261201101000999999"},
    {"respCode": "00 "}, {"respMsg": "成功"}, {"extra": "added"}])
def test_a_tampered_field_fails(chain, trust, change):
    fields = {**from_unionpay(chain), **change}
    assert signing.verify_from_unionpay(fields, trust) == (False, "签名无效")


@pytest.mark.parametrize("signature", ["", "QUJD", "not base64!", "A" * 344])
def test_a_forged_signature_fails(chain, trust, signature):
    assert not signing.is_from_unionpay({**from_unionpay(chain), "signature": signature}, trust)


def test_a_certificate_not_chaining_to_the_root_fails(chain, trust):
    other = make_unionpay_chain()  # same names, another root: a look-alike
    fields = from_unionpay(other)
    assert signing.signature_matches(fields, other["sign_cert"].public_key())
    assert signing.verify_from_unionpay(fields, trust) == (False, "签名证书不是由银联根证书签发")
    # Nor when the look-alike's middle is passed off as ours.
    assert not signing.is_from_unionpay(fields, signing.Trust(chain["root"], other["middle"]))
    # A signing certificate is not a CA: configured as the middle, it is refused.
    assert not signing.is_from_unionpay(fields, signing.Trust(other["root"], other["sign_cert"]))


def test_an_expired_or_not_yet_valid_certificate_fails():
    expired = make_unionpay_chain(signing_days=(-400, -1))
    trust = signing.Trust(expired["root"], expired["middle"])
    assert signing.verify_from_unionpay(from_unionpay(expired), trust) == (
        False, "签名证书不在有效期内")
    future = make_unionpay_chain(signing_days=(2, 400))
    assert not signing.is_from_unionpay(from_unionpay(future),
                                        signing.Trust(future["root"], future["middle"]))
    # Valid today, checked as of a moment after it ran out.
    later = datetime.now(timezone.utc) + timedelta(days=2000)
    assert not signing.is_from_unionpay(from_unionpay(future),
                                        signing.Trust(future["root"], future["middle"]), later)


def test_a_certificate_of_another_owner_fails_and_the_owner_is_configurable():
    foreign = make_unionpay_chain(owner="某某科技有限公司")
    trust = signing.Trust(foreign["root"], foreign["middle"])
    assert signing.owner_of(foreign["sign_cert"]) == "某某科技有限公司"
    assert signing.verify_from_unionpay(from_unionpay(foreign), trust) == (
        False, "签名证书不属于银联")
    # UnionPay's test environment names "00040000:SIGN": configured, it is accepted.
    test_env = make_unionpay_chain(owner="00040000:SIGN")
    assert signing.is_from_unionpay(from_unionpay(test_env), signing.Trust(
        test_env["root"], test_env["middle"], owner="00040000:SIGN"))


@pytest.mark.parametrize("change, reason", [
    ({"signMethod": "11"}, "签名方法不是 01（RSA）"), ({"version": "5.0.0"}, "版本号不是 5.1.0"),
    ({"signPubKeyCert": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
     "签名证书无法解析"), ({"signPubKeyCert": ""}, "签名证书无法解析")])
def test_other_sign_methods_versions_and_broken_certificates_fail(chain, trust, change, reason):
    assert signing.verify_from_unionpay({**from_unionpay(chain), **change}, trust) == (
        False, reason)


def test_answers_are_read_as_unionpay_writes_them(chain, trust):
    fields = from_unionpay(chain)
    text = signing.answer_text(fields)
    assert "%" not in text  # not URL-encoded
    parsed = signing.parse_answer(text)
    assert parsed == fields and parsed["reqReserved"] == "{bank=ICBC&note=继续教育}"
    assert signing.is_from_unionpay(parsed, trust)
    assert signing.parse_answer("") == {}
    with pytest.raises(ValueError):
        signing.parse_answer("=value")
