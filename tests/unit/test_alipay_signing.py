"""billing's RSA2 signatures agree with Alipay's official Python SDK both ways: a
notification signed as Alipay signs it verifies here, and a request signed here verifies
with the SDK — and anything tampered, foreign or not RSA2 does not."""
import json

import pytest
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.billing import alipay_signing


def key_pair():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private, private.public_key()


def pem_body(pem):
    """What the SDK takes: the base64 lines of a PEM, without its markers."""
    return "\n".join(line for line in pem.decode().splitlines() if not line.startswith("-----"))


@pytest.fixture(scope="module")
def alipay_keys():
    private, public = key_pair()
    sdk_private = pem_body(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    sdk_public = pem_body(public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return {"private": private, "public": public, "sdk_private": sdk_private,
            "sdk_public": sdk_public}


def notification(keys, **changes):
    """A TRADE_SUCCESS notification signed as Alipay signs it (official SDK)."""
    params = {"notify_time": "2026-12-01 14:10:49", "notify_type": "trade_status_sync",
              "notify_id": "ac05099524730693a8b330c5ecf72da9786", "app_id": "2021000000000001",
              "charset": "utf-8", "version": "1.0", "trade_no": "2026120122001403030500001234",
              "out_trade_no": "CE20261201000123", "seller_id": "2088102119685838",
              "total_amount": "150.00", "receipt_amount": "150.00", "buyer_pay_amount": "150.00",
              "subject": "2018年公需科目 选修课程", "body": "", "trade_status": "TRADE_SUCCESS",
              "gmt_create": "2026-12-01 14:10:44", "gmt_payment": "2026-12-01 14:10:47"}
    signed = {k: v for k, v in params.items() if v != ""}  # Alipay signs what has a value
    params["sign"] = sign_with_rsa2(keys["sdk_private"], get_sign_content(signed), "utf-8")
    params["sign_type"] = "RSA2"
    params.update(changes)
    return params


def test_a_notification_signed_by_alipay_is_genuine(alipay_keys):
    assert alipay_signing.notification_is_genuine(notification(alipay_keys),
                                                  alipay_keys["public"])


@pytest.mark.parametrize("changes", [
    {"total_amount": "1.50"}, {"out_trade_no": "CE20261201000124"},
    {"trade_status": "TRADE_FINISHED"}, {"seller_id": "2088000000000000"},
    {"extra": "added"}, {"sign_type": "RSA"}, {"sign_type": "MD5"}, {"sign": ""},
    {"sign": "not base64 at all!"}, {"sign": "QUJD"}])
def test_a_tampered_or_unsupported_notification_is_not(alipay_keys, changes):
    assert not alipay_signing.notification_is_genuine(notification(alipay_keys, **changes),
                                                      alipay_keys["public"])


def test_a_notification_signed_with_another_key_is_not(alipay_keys):
    other, _ = key_pair()
    params = notification(alipay_keys)
    params["sign"] = alipay_signing.sign(alipay_signing.notification_content(params), other)
    assert not alipay_signing.notification_is_genuine(params, alipay_keys["public"])


def test_a_request_signed_here_verifies_with_the_official_sdk(alipay_keys):
    params = {"app_id": "2021000000000001", "method": "alipay.trade.page.pay",
              "charset": "utf-8", "timestamp": "2026-12-01 14:10:00", "version": "1.0",
              "notify_url": "https://cpe.example.cn/api/v1/payments/alipay/notify",
              "biz_content": json.dumps({"out_trade_no": "CE20261201000123",
                                         "total_amount": "150.00", "subject": "选修课程",
                                         "product_code": "FAST_INSTANT_TRADE_PAY"},
                                        ensure_ascii=False, separators=(",", ":"))}
    signed = alipay_signing.signed_request(params, alipay_keys["private"])
    assert signed["sign_type"] == "RSA2"
    content = get_sign_content({k: v for k, v in signed.items() if k != "sign"})
    assert content == alipay_signing.request_content(signed)
    assert verify_with_rsa(alipay_keys["sdk_public"], content.encode("utf-8"), signed["sign"])
