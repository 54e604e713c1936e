"""Access tokens at the gateway: verified locally, cached only by their exact text and
only until they expire."""
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway import auth
from gateway.app import create_app
from services.common.errors import Unauthenticated
from services.identity.tokens import TokenIssuer

ISSUER = TokenIssuer(Ed25519PrivateKey.generate())
CLAIMS = {"sub": "1", "role": "learner", "username": "u", "real_name": "张三", "org_id": 3,
          "org_path": "/1/3/", "modules": [], "mcp": False}


class KeysOnly:
    config = {"AMQP_URI": "amqp://stub/"}

    class identity:  # noqa: N801 - stands for the RPC proxy's attribute
        @staticmethod
        def public_keys():
            return ISSUER.public_keys()


def client():
    return create_app(KeysOnly()).test_client()


def get_me(c, token):
    return c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_valid_token_is_served_twice_and_a_tampered_copy_never():
    c = client()
    token = ISSUER.access_token(CLAIMS, datetime.now(timezone.utc))
    assert get_me(c, token).json["real_name"] == "张三"
    assert get_me(c, token).status_code == 200  # from the cache
    head, body, sig = token.split(".")
    forged = ".".join([head, body, ("A" if sig[0] != "A" else "B") + sig[1:]])
    assert get_me(c, forged).status_code == 401


def test_a_cached_token_stops_working_when_it_expires():
    c = client()
    issued = datetime.now(timezone.utc) - timedelta(minutes=16)
    token = ISSUER.access_token(CLAIMS, issued)  # expired a minute ago
    # as if it had been verified while it was still valid
    auth._verified.put(token, dict(CLAIMS, exp=int((issued + timedelta(minutes=15)).timestamp())))
    response = get_me(c, token)
    assert response.status_code == 401 and response.json["code"] == "token_expired"


class Changes:
    class identity:  # noqa: N801 - stands for the RPC proxy's attribute
        @staticmethod
        def grant_changes():
            return {"ended": [1], "changed": [[2, 5]]}


def test_tokens_of_ended_or_changed_grants_are_refused():
    changes = auth.GrantChanges(Changes())
    for claims, code in (({"grant_id": 1, "mv": 0}, "admin_grant_ended"),
                         ({"grant_id": 2, "mv": 4}, "admin_role_changed"),
                         ({"grant_id": 2}, "admin_role_changed")):
        with pytest.raises(Unauthenticated) as err:
            changes.check(claims)
        assert err.value.code == code
    changes.check({"grant_id": 2, "mv": 5})  # issued after the change
    changes.check({"grant_id": 3})
