"""Access tokens: short-lived JWTs signed with Ed25519, so any service or the gateway can
verify one with the public key alone. Refresh tokens: random, stored only as a hash,
revocable (logout) and rotated on every use."""
import hashlib
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.common.clock import as_utc
from services.common.settings import env, var_dir

ISSUER = "cpe-identity"
ALGORITHM = "EdDSA"
ACCESS_TTL = timedelta(minutes=int(env("ACCESS_TOKEN_MINUTES", "15")))
REFRESH_TTL = timedelta(days=int(env("REFRESH_TOKEN_DAYS", "7")))


def load_private_key():
    """IDENTITY_JWT_PRIVATE_KEY (PEM, e.g. from a Kubernetes Secret) in production; a key
    generated once under var/keys/ on a developer machine."""
    pem = env("IDENTITY_JWT_PRIVATE_KEY")
    if pem:
        return serialization.load_pem_private_key(pem.encode(), password=None)
    path = Path(env("IDENTITY_JWT_PRIVATE_KEY_FILE", str(var_dir() / "keys" / "jwt_ed25519.pem")))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        tmp.chmod(0o600)
        try:
            tmp.rename(path) if not path.exists() else tmp.unlink()
        except FileExistsError:
            tmp.unlink()
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


class TokenIssuer:
    def __init__(self, private_key=None):
        self._key = private_key or load_private_key()
        public = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.public_pem = public.decode()
        self.kid = hashlib.sha256(public).hexdigest()[:16]

    def public_keys(self):
        return [{"kid": self.kid, "alg": ALGORITHM, "pem": self.public_pem}]

    def access_token(self, claims, now):
        body = dict(claims, iss=ISSUER, iat=int(now.timestamp()),
                    exp=int((now + ACCESS_TTL).timestamp()), jti=uuid.uuid4().hex)
        return jwt.encode(body, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def verify(self, token):
        options = {"require": ["exp", "iat", "sub"]}
        return jwt.decode(token, self._key.public_key(), algorithms=[ALGORITHM],
                          issuer=ISSUER, options=options)


def new_refresh_token():
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def modules_version(changed_at):
    """An admin token's `mv` claim: when its role's modules last changed, in whole
    microseconds (0: never). The gateway refuses a token whose version is no longer the
    role's, so a role's change reaches tokens already issued."""
    if changed_at is None:
        return 0
    return (as_utc(changed_at) - _EPOCH) // timedelta(microseconds=1)
