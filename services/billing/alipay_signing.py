"""Alipay's open-platform signatures as Alipay defines them: RSA2 is SHA256withRSA
(PKCS #1 v1.5) over the "content to sign", base64-encoded in `sign`.

The content to sign is every parameter with a value, sorted by name (byte order), as
`name=value` joined by `&`, values as they are (URL-decoded, never re-encoded):
- of a request we send, every parameter but `sign` (so `sign_type` is covered);
- of a notification Alipay sends us, every parameter but `sign` and `sign_type`.
Only RSA2 is accepted: new Alipay applications cannot use RSA (SHA1) at all."""
import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SIGN_TYPE = "RSA2"


def _content(params, excluded):
    return "&".join(f"{name}={value}" for name, value in sorted(params.items())
                    if name not in excluded and value not in (None, ""))


def request_content(params):
    return _content(params, ("sign",))


def notification_content(params):
    return _content(params, ("sign", "sign_type"))


def load_private_key(pem):
    """The merchant's key (PKCS #1 or PKCS #8 PEM, as Alipay's key tool writes either)."""
    return serialization.load_pem_private_key(pem, password=None)


def load_public_key(pem):
    """Alipay's public key (a PEM "PUBLIC KEY")."""
    return serialization.load_pem_public_key(pem)


def sign(content, private_key):
    signature = private_key.sign(content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(content, signature, public_key):
    """Whether `signature` (base64) is Alipay's RSA2 signature of `content`."""
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def signed_request(params, private_key):
    """`params` with `sign_type` and their `sign` added."""
    params = {**params, "sign_type": SIGN_TYPE}
    return {**params, "sign": sign(request_content(params), private_key)}


def notification_is_genuine(params, public_key):
    """Whether a notification's parameters carry a valid RSA2 signature by `public_key`."""
    return params.get("sign_type") == SIGN_TYPE and bool(params.get("sign")) and verify(
        notification_content(params), params["sign"], public_key)
