"""Access tokens are verified here, locally, with identity's public key (no RPC per
request); the verified claims become the `actor` passed to every user-facing RPC."""
import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict

import jwt
from cryptography.hazmat.primitives import serialization
from flask import g, request

from services.common.errors import Forbidden, Unauthenticated
from services.common.settings import env

ISSUER = "cpe-identity"
# Routes a person who must change their password may still use.
PASSWORD_CHANGE_ROUTES = {"identity_me.me", "identity_me.password", "identity_public.logout"}

log = logging.getLogger(__name__)


class PublicKeys:
    """identity's verification keys by `kid`, fetched by RPC once and again only when a
    token names a key not seen yet (key rotation), at most every 30 s."""

    def __init__(self, rpc):
        self._rpc = rpc
        self._keys = {}
        self._fetched_at = None
        self._lock = threading.Lock()

    def get(self, kid):
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:  # concurrent first requests wait for one fetch, then re-check
            key = self._keys.get(kid)
            stale = self._fetched_at is None or time.monotonic() - self._fetched_at > 30
            if key is None and stale:
                keys = self._rpc.identity.public_keys()
                self._keys = {k["kid"]: serialization.load_pem_public_key(k["pem"].encode())
                              for k in keys}
                self._fetched_at = time.monotonic()
                key = self._keys.get(kid)
        return key


class GrantChanges:
    """What changed in admin grants within an access token's lifetime, from identity,
    refreshed at most every `max_age` seconds: grants disabled or removed, and grants whose
    role's modules changed (with the modules' version now). An admin whose rights end or
    change is refused at once, not when their token expires. If identity cannot be asked,
    the last answer stays (and the failure is logged) rather than every admin request
    failing."""

    def __init__(self, rpc, max_age=5.0):
        self._rpc = rpc
        self._max_age = max_age
        self._ended = frozenset()
        self._versions = {}
        self._fetched_at = None
        self._lock = threading.Lock()

    def _fresh(self):
        if self._fetched_at is None or time.monotonic() - self._fetched_at > self._max_age:
            with self._lock:
                if self._fetched_at is None or time.monotonic() - self._fetched_at > self._max_age:
                    try:
                        changes = self._rpc.identity.grant_changes()
                        self._ended = frozenset(changes["ended"])
                        self._versions = {grant: version for grant, version in changes["changed"]}
                    except Exception:  # noqa: BLE001 — availability over a 5-second window
                        log.exception("could not refresh the admin grant changes")
                    self._fetched_at = time.monotonic()

    def check(self, claims):
        """Raises Unauthenticated when an admin token no longer states its grant."""
        self._fresh()
        grant_id = claims.get("grant_id")
        if grant_id in self._ended:
            raise Unauthenticated("admin_grant_ended", "您的管理员权限已被停用或删除，请重新登录")
        version = self._versions.get(grant_id)
        if version is not None and claims.get("mv", 0) != version:
            # The client refreshes (as for an expired token) and gets the new modules.
            raise Unauthenticated("admin_role_changed", "您的角色权限已调整，请刷新登录凭证后重试")


class VerifiedTokens:
    """Tokens already verified, by a SHA-256 of their exact text, until they expire: a
    client sends the same access token with every request, and PyJWT's decoding plus the
    Ed25519 check cost about 0.4 ms — 40% of a route served from the claims. A changed
    token is a different key, so nothing unverified is ever taken from here.

    Sized for every learner a worker serves within a token's life (15 minutes): when more
    tokens than that circulate, a least-recently-used cache misses on every request
    (tokens come round in turn), so GATEWAY_TOKEN_CACHE must exceed the active learners
    per gateway worker. About 1 KB per entry."""

    def __init__(self, size=None):
        self._size = int(size or env("GATEWAY_TOKEN_CACHE", "50000"))
        self._claims = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(token):
        return hashlib.sha256(token.encode()).digest()

    def get(self, token):
        key = self._key(token)
        with self._lock:
            claims = self._claims.get(key)
            if claims is not None:
                self._claims.move_to_end(key)
        if claims is not None and claims["exp"] > time.time():
            return claims
        return None

    def put(self, token, claims):
        with self._lock:
            self._claims[self._key(token)] = claims
            if len(self._claims) > self._size:
                self._claims.popitem(last=False)


_verified = VerifiedTokens()


def already_verified(token):
    """The claims of a token verified before and not expired, or None (no I/O: an event
    loop may call it)."""
    return _verified.get(token)


def verify(keys, token):
    claims = _verified.get(token)
    if claims is not None:
        return claims
    claims = _verify(keys, token)
    _verified.put(token, claims)
    return claims


def _verify(keys, token):
    try:
        header = jwt.get_unverified_header(token)
        key = keys.get(header.get("kid"))
        if key is None:
            raise Unauthenticated("token_invalid", "登录凭证无效，请重新登录")
        return jwt.decode(token, key, algorithms=["EdDSA"], issuer=ISSUER,
                          options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("token_expired", "登录已过期，请刷新或重新登录") from None
    except jwt.PyJWTError:
        raise Unauthenticated("token_invalid", "登录凭证无效，请重新登录") from None


def actor_from_claims(claims):
    return {"user_id": int(claims["sub"]), "role": claims["role"],
            "username": claims.get("username"), "real_name": claims.get("real_name"),
            "org_id": claims.get("org_id"), "org_path": claims.get("org_path"),
            "modules": claims.get("modules") or [], "grant_id": claims.get("grant_id"),
            "super": bool(claims.get("super"))}


def bearer_token(authorization):
    """The token of an `Authorization: Bearer …` header, or Unauthenticated."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("token_missing", "请先登录")
    return token.strip()


def admit(claims, roles, endpoint, grant_changes):
    """Whether verified claims may use `endpoint`: a password to change first, the role,
    and for an admin a grant that still stands."""
    if claims.get("mcp") and endpoint not in PASSWORD_CHANGE_ROUTES:
        raise Forbidden("password_change_required", "密码已被重置，请先修改密码")
    if roles and claims.get("role") not in roles:
        raise Forbidden("role_forbidden", "当前登录角色无权进行此操作")
    if claims.get("role") == "admin":
        grant_changes.check(claims)


def login_required(*roles):
    """Verify the bearer token; optionally require one of `roles`."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from flask import current_app
            token = bearer_token(request.headers.get("Authorization"))
            claims = verify(current_app.extensions["public_keys"], token)
            admit(claims, roles, request.endpoint, current_app.extensions["grant_changes"])
            g.claims = claims
            g.actor = actor_from_claims(claims)
            return view(*args, **kwargs)
        return wrapper
    return decorator
