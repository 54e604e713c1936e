"""UnionPay's online-gateway (ACP, 全渠道) signatures as version 5.1.0 defines them, for
signMethod 01 (RSA): the "content to sign" is every field with a value but `signature`,
sorted by name, as `name=value` joined by `&` (values as they are, never re-encoded); its
SHA-256 digest is written as lowercase hex, and that hex text is signed with
SHA256withRSA (PKCS #1 v1.5), base64-encoded in `signature`.

- A merchant's request carries `certId`: the serial number (decimal) of the certificate
  UnionPay holds for the merchant's key.
- What UnionPay sends (the back and front notifications, the answers to queries) carries
  its signing certificate in `signPubKeyCert`. It is believed only when it chains to the
  configured UnionPay root through the configured middle certificate, signature by
  signature, every link valid now, and its subject CN names UnionPay — ACP's CN is
  `<type>@<id>@<owner>@<serial>`, the owner `中国银联股份有限公司` in production.

UnionPay's answers to server-to-server calls are `name=value&…` text that is not
URL-encoded (a value may hold `&` inside `{…}` or `[…]`): `parse_answer` reads it and
`answer_text` writes it. Pure functions: nothing here reads files or the clock."""
import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

VERSION = "5.1.0"
SIGN_METHOD = "01"  # RSA: SHA256withRSA over the SHA-256 hex of the content, in 5.1.0
UNIONPAY_NAME = "中国银联股份有限公司"
ENCODING = "UTF-8"


@dataclass(frozen=True)
class Trust:
    """What a UnionPay signature is checked against: the root and middle certificates
    UnionPay publishes (acp_prod_root.cer / acp_prod_middle.cer), and the owner its
    signing certificate's CN must name."""
    root: x509.Certificate
    middle: x509.Certificate
    owner: str = UNIONPAY_NAME


def content(params):
    """The content to sign: every field with a value but `signature`, sorted by name."""
    return "&".join(f"{name}={value}" for name, value in sorted(params.items())
                    if name != "signature" and value not in (None, ""))


def _digest_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest().encode("ascii")


def load_private_key(pem):
    """An RSA private key in PEM (PKCS #1 or PKCS #8, as exported from the .pfx)."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("银联签名私钥须为 RSA 密钥")
    return key


def load_certificate(pem):
    """An X.509 certificate in PEM (bytes or text) or DER; ValueError if it is not one."""
    data = pem.encode("latin-1") if isinstance(pem, str) else pem
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def cert_id(certificate):
    """ACP's certId: the certificate's serial number, in decimal."""
    return str(certificate.serial_number)


def signature_of(text, private_key):
    signature = private_key.sign(_digest_hex(text), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def signature_matches(params, public_key):
    """Whether `params["signature"]` is an RSA signature of `params`' content by
    `public_key` (signMethod 01, version 5.1.0)."""
    try:
        raw = base64.b64decode(params.get("signature") or "", validate=True)
        public_key.verify(raw, _digest_hex(content(params)), padding.PKCS1v15(),
                          hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return bool(raw)


def sign_request(params, private_key, certificate_id):
    """A merchant's request: `params` without blanks, with signMethod, certId and their
    signature added."""
    params = {name: str(value) for name, value in params.items()
              if value not in (None, "") and name != "signature"}
    params.update(version=params.get("version", VERSION), signMethod=SIGN_METHOD,
                  certId=str(certificate_id))
    return {**params, "signature": signature_of(content(params), private_key)}


def sign_as_unionpay(params, private_key, certificate_pem):
    """What UnionPay sends (a notification, an answer): signed with its signing key, the
    signing certificate (PEM text) in signPubKeyCert."""
    params = {name: str(value) for name, value in params.items()
              if value not in (None, "") and name != "signature"}
    params.update(signMethod=SIGN_METHOD, signPubKeyCert=certificate_pem)
    return {**params, "signature": signature_of(content(params), private_key)}


def _utc(moment):
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _valid_at(certificate, now):
    return certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc


def _is_ca(certificate):
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _issued_by(certificate, issuer):
    try:
        certificate.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def owner_of(certificate):
    """The owner named in an ACP signing certificate's CN (`041@…@<owner>@…`), or ""."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    parts = str(names[0].value).split("@") if names else []
    return parts[2] if len(parts) > 2 else ""


def check_signing_certificate(pem, trust, now=None):
    """(certificate, None) when `pem` is UnionPay's signing certificate by `trust` at
    `now`; else (None, the reason in Chinese)."""
    try:
        certificate = load_certificate(pem)
    except (ValueError, TypeError, UnicodeEncodeError):
        return None, "签名证书无法解析"
    now = _utc(now)
    if not _valid_at(certificate, now):
        return None, "签名证书不在有效期内"
    if not (_valid_at(trust.middle, now) and _valid_at(trust.root, now)):
        return None, "银联中级证书或根证书不在有效期内"
    if not (_is_ca(trust.middle) and _is_ca(trust.root)):
        return None, "配置的银联中级证书或根证书不是 CA 证书"
    if not (_issued_by(certificate, trust.middle) and _issued_by(trust.middle, trust.root)):
        return None, "签名证书不是由银联根证书签发"
    if owner_of(certificate) != trust.owner:
        return None, "签名证书不属于银联"
    return certificate, None


def verify_from_unionpay(params, trust, now=None):
    """(genuine, reason): whether UnionPay signed `params` — version 5.1.0, signMethod 01,
    a trusted signPubKeyCert and a signature by its key."""
    if params.get("version") != VERSION:
        return False, "版本号不是 5.1.0"
    if params.get("signMethod") != SIGN_METHOD:
        return False, "签名方法不是 01（RSA）"
    if not params.get("signature"):
        return False, "缺少签名"
    certificate, reason = check_signing_certificate(params.get("signPubKeyCert") or "",
                                                    trust, now)
    if certificate is None:
        return False, reason
    if not signature_matches(params, certificate.public_key()):
        return False, "签名无效"
    return True, None


def is_from_unionpay(params, trust, now=None):
    return verify_from_unionpay(params, trust, now)[0]


def answer_text(params):
    """A server-to-server answer as UnionPay writes it: name=value joined by &, as is."""
    return "&".join(f"{name}={value}" for name, value in params.items())


def parse_answer(text):
    """UnionPay's answer text back into fields: split at `&` except inside `{…}` or
    `[…]`, each part at its first `=`. ValueError for a part without a name."""
    fields, part, closing = {}, [], None
    for ch in text + "&":
        if closing is None and ch == "&":
            name, sep, value = "".join(part).partition("=")
            if not name:
                if not sep and not value:
                    part = []
                    continue
                raise ValueError("银联应答格式不正确")
            fields[name] = value
            part = []
            continue
        if closing is None and ch in "{[" and "=" in "".join(part):
            closing = "}" if ch == "{" else "]"
        elif ch == closing:
            closing = None
        part.append(ch)
    return fields
