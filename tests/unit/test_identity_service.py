"""identity's entrypoints with Nameko's worker_factory: real SQLite database, frozen
clock, no broker (events stay in the outbox, where these tests read them)."""
import json

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import func, select

from services.common.errors import (Conflict, Forbidden, InvalidInput, Locked, NotFound,
                                    Unauthenticated)
from services.identity import models
from services.identity.service import IdentityService
from tests.builders import envelope, org_payload, registration

OPEN_ORG, REVIEWING_ORG, BUREAU, OTHER_ORG = 3, 7, 1, 9


@pytest.fixture
def db(uow_factory):
    return uow_factory("identity")


@pytest.fixture
def identity(db, clock):
    service = worker_factory(IdentityService, db=db, captcha_required=False)
    for payload in (org_payload(BUREAU, "人社局", "hr_bureau", path="/1/"),
                    org_payload(OPEN_ORG, "第一中心医院", parent_id=1, path="/1/3/"),
                    org_payload(REVIEWING_ORG, "建工集团", review=True, parent_id=1, path="/1/7/"),
                    org_payload(OTHER_ORG, "另一单位", path="/9/")):
        service.on_org_registered(envelope("orgtree", "org_registered", payload))
    return service


def events(db, event_type):
    with db() as uow:
        rows = uow.session.execute(select(models.outbox.c.envelope).where(
            models.outbox.c.event_type == event_type)).scalars().all()
    return [json.loads(r) for r in rows]


def approve(identity, user_id, org_id):
    identity.on_member_approved(envelope("orgtree", "member_approved", {
        "membership_id": 1, "user_id": user_id, "org_id": org_id, "approved_by": None}))


def register_active(identity, org_id=OPEN_ORG, **overrides):
    data = registration(org_id, **overrides)
    result = identity.register(data)
    approve(identity, result["user_id"], org_id)
    return data, result


def login(identity, username, password, role="learner", **extra):
    return identity.login({"username": username, "password": password, "role": role, **extra},
                          {"ip": "127.0.0.1", "user_agent": "pytest"})


def test_registration_writes_account_person_and_event_in_one_transaction(identity, db):
    data = registration(OPEN_ORG)
    result = identity.register(data)
    assert result["status"] == "pending_review"
    [event] = events(db, "user_registered")
    assert event["payload"]["user_id"] == result["user_id"]
    assert event["payload"]["id_number_masked"] != data["id_number"]
    assert "*" in event["payload"]["id_number_masked"]


def test_registration_bad_value_writes_nothing(identity, db):
    with pytest.raises(InvalidInput):
        identity.register(registration(OPEN_ORG, mobile="123"))
    with db() as uow:
        assert uow.session.execute(select(func.count()).select_from(models.accounts)).scalar() == 0
    assert events(db, "user_registered") == []


def test_username_and_id_number_are_unique(identity):
    data = registration(OPEN_ORG)
    identity.register(data)
    with pytest.raises(Conflict) as err:
        identity.register(registration(OPEN_ORG, username=data["username"].upper()))
    assert err.value.code == "username_taken"
    with pytest.raises(Conflict) as err:
        identity.register(registration(OPEN_ORG, id_number=data["id_number"]))
    assert err.value.code == "id_number_registered"


def test_people_register_only_under_employers(identity):
    with pytest.raises(InvalidInput) as err:
        identity.register(registration(BUREAU))
    assert err.value.code == "org_not_registrable"
    with pytest.raises(InvalidInput) as err:
        identity.register(registration(12345))
    assert err.value.code == "org_not_found"


def test_login_before_approval_names_the_reviewing_org(identity):
    data = registration(REVIEWING_ORG)
    identity.register(data)
    with pytest.raises(Forbidden) as err:
        login(identity, data["username"], data["password"])
    assert err.value.code == "account_pending_review"
    assert err.value.extra["reviewing_org"]["name"] == "建工集团"
    assert "建工集团" in err.value.detail


def test_login_by_username_or_id_number_after_approval(identity):
    data, result = register_active(identity)
    tokens = login(identity, data["username"], data["password"])
    claims = identity.issuer.verify(tokens["access_token"])
    assert claims["sub"] == str(result["user_id"])
    assert claims["role"] == "learner" and claims["org_path"] == "/1/3/"
    tokens = login(identity, data["id_number"].lower(), data["password"])
    assert tokens["user"]["user_id"] == result["user_id"]


def test_unknown_account_says_how_to_register(identity):
    with pytest.raises(Unauthenticated) as err:
        login(identity, "nobody", "Passw0rd!")
    assert err.value.code == "account_not_found"
    assert err.value.extra["register_url"]


def test_wrong_role_is_told_apart(identity):
    data, _ = register_active(identity)
    with pytest.raises(Forbidden) as err:
        login(identity, data["username"], data["password"], role="admin")
    assert err.value.code == "role_not_registered"
    assert err.value.extra["registered_roles"] == ["learner"]


def test_five_wrong_passwords_lock_for_fifteen_minutes(identity, db, clock):
    data, _ = register_active(identity)
    for attempt in range(4):
        with pytest.raises(Unauthenticated) as err:
            login(identity, data["username"], "Wrong123!")
        assert err.value.code == "wrong_password"
        assert str(4 - attempt) in err.value.detail
    with pytest.raises(Locked):
        login(identity, data["username"], "Wrong123!")
    # Even the right password is refused while locked.
    with pytest.raises(Locked) as err:
        login(identity, data["username"], data["password"])
    assert err.value.extra["locked_until"]
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(Locked):
        login(identity, data["username"], data["password"])
    clock.advance(seconds=2)
    assert login(identity, data["username"], data["password"])["access_token"]
    with db() as uow:
        outcomes = uow.session.execute(select(models.login_audit.c.outcome)
                                       .order_by(models.login_audit.c.id)).scalars().all()
    assert outcomes == ["wrong_password"] * 4 + ["account_locked"] * 3 + ["success"]


def test_captcha_is_single_use_and_expires(db, clock):
    service = worker_factory(IdentityService, db=db, captcha_required=True)
    captcha = service.new_captcha()
    assert captcha["image"].startswith("data:image/png;base64,")
    with db() as uow:
        answer = uow.session.execute(select(models.captchas.c.answer)).scalar()
    with pytest.raises(Unauthenticated):  # right captcha, no such account: captcha consumed
        login(service, "nobody", "x", captcha_id=captcha["captcha_id"], captcha_answer=answer)
    with pytest.raises(InvalidInput) as err:  # the same captcha again
        login(service, "nobody", "x", captcha_id=captcha["captcha_id"], captcha_answer=answer)
    assert err.value.code == "captcha_expired"
    captcha = service.new_captcha()
    with pytest.raises(InvalidInput) as err:
        login(service, "nobody", "x", captcha_id=captcha["captcha_id"], captcha_answer="????")
    assert err.value.code == "captcha_wrong"
    captcha = service.new_captcha()
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(InvalidInput) as err:
        login(service, "nobody", "x", captcha_id=captcha["captcha_id"], captcha_answer="AAAA")
    assert err.value.code == "captcha_expired"
    with db() as uow:  # every attempt is audited, captcha failures included
        outcomes = uow.session.execute(select(models.login_audit.c.outcome)
                                       .order_by(models.login_audit.c.id)).scalars().all()
    assert outcomes == ["account_not_found", "captcha_expired", "captcha_wrong",
                        "captcha_expired"]


def test_refresh_rotates_and_a_reused_token_ends_every_session(identity):
    data, _ = register_active(identity)
    first = login(identity, data["username"], data["password"])
    second = identity.refresh(first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    with pytest.raises(Unauthenticated) as err:
        identity.refresh(first["refresh_token"])
    assert err.value.code == "refresh_token_reused"
    with pytest.raises(Unauthenticated):  # the thief's use revoked the live one too
        identity.refresh(second["refresh_token"])


def test_logout_revokes_the_refresh_token(identity):
    data, _ = register_active(identity)
    tokens = login(identity, data["username"], data["password"])
    identity.logout(tokens["refresh_token"])
    with pytest.raises(Unauthenticated):
        identity.refresh(tokens["refresh_token"])


def actor_of(identity, tokens):
    claims = identity.issuer.verify(tokens["access_token"])
    return {"user_id": int(claims["sub"]), "role": claims["role"], "org_id": claims["org_id"],
            "org_path": claims["org_path"], "modules": claims["modules"]}


def test_profile_view_and_direct_edit(identity, db):
    data, result = register_active(identity)
    actor = actor_of(identity, login(identity, data["username"], data["password"]))
    profile = identity.get_profile(actor)
    assert profile["org_name"] == "第一中心医院"
    assert profile["id_number"] == data["id_number"]
    updated = identity.update_profile(actor, {"mobile": "13911112222", "title_level": "副高级"})
    assert updated["mobile"] == "13911112222" and updated["title_level"] == "副高级"
    [event] = events(db, "user_updated")
    assert event["payload"]["changes"] == {"title_level": "副高级"}  # no PII on the bus
    with pytest.raises(InvalidInput) as err:
        identity.update_profile(actor, {"real_name": "李四"})
    assert err.value.code == "change_needs_review"


def test_change_password_needs_the_old_one_and_ends_other_sessions(identity):
    data, _ = register_active(identity)
    tokens = login(identity, data["username"], data["password"])
    actor = actor_of(identity, tokens)
    with pytest.raises(InvalidInput) as err:
        identity.change_password(actor, {"old_password": "Nope1234", "new_password": "N3w-pass!",
                                         "new_password_confirm": "N3w-pass!"})
    assert err.value.code == "old_password_wrong"
    with pytest.raises(InvalidInput) as err:
        identity.change_password(actor, {"old_password": data["password"],
                                         "new_password": "N3w-pass!",
                                         "new_password_confirm": "N3w-pass?"})
    assert err.value.code == "password_mismatch"
    new_tokens = identity.change_password(actor, {
        "old_password": data["password"], "new_password": "N3w-pass!",
        "new_password_confirm": "N3w-pass!"})
    assert new_tokens["access_token"]
    with pytest.raises(Unauthenticated):
        identity.refresh(tokens["refresh_token"])
    with pytest.raises(Unauthenticated):
        login(identity, data["username"], data["password"])
    assert login(identity, data["username"], "N3w-pass!")["access_token"]


def admin_actor(org_id, path, modules=("learner_management",)):
    return {"user_id": 999, "role": "admin", "org_id": org_id, "org_path": path,
            "modules": list(modules)}


def test_admin_resets_a_learner_in_jurisdiction_to_the_id_suffix(identity, db):
    data, result = register_active(identity)
    done = identity.reset_learner_password(admin_actor(BUREAU, "/1/"), result["user_id"])
    assert done["must_change_password"] is True
    tokens = login(identity, data["username"], data["id_number"][-6:])
    assert tokens["must_change_password"] is True
    assert identity.issuer.verify(tokens["access_token"])["mcp"] is True
    [event] = events(db, "password_reset")
    assert event["payload"] == {"user_id": result["user_id"], "by_user_id": 999}


def test_admin_outside_the_jurisdiction_sees_nothing(identity):
    _, result = register_active(identity)
    with pytest.raises(NotFound):
        identity.reset_learner_password(admin_actor(OTHER_ORG, "/9/"), result["user_id"])
    with pytest.raises(Forbidden):
        identity.reset_learner_password(admin_actor(BUREAU, "/1/", modules=()),
                                        result["user_id"])


def test_duplicate_event_is_applied_once(identity, db):
    data = registration(OPEN_ORG)
    result = identity.register(data)
    approved = envelope("orgtree", "member_approved", {
        "membership_id": 1, "user_id": result["user_id"], "org_id": OPEN_ORG,
        "approved_by": None})
    identity.on_member_approved(approved)
    identity.on_member_approved(approved)
    assert len(events(db, "user_activated")) == 1


def test_org_move_rewrites_the_subtree_paths(identity, db):
    identity.on_org_moved(envelope("orgtree", "org_moved", org_payload(
        1, parent_id=9, path="/9/1/") | {"old_path": "/1/", "new_path": "/9/1/",
                                         "new_parent_id": 9}, version=2))
    with db() as uow:
        paths = dict(uow.session.execute(select(models.orgs.c.id, models.orgs.c.path)).all())
    assert paths == {1: "/9/1/", 3: "/9/1/3/", 7: "/9/1/7/", 9: "/9/"}


def test_withdrawal_cannot_be_used_to_guess_a_password(identity, clock):
    """Wrong passwords at 撤回申请 count towards the login lock."""
    data = registration(REVIEWING_ORG, real_name="猜密码")
    identity.register(data)
    for _ in range(5):
        with pytest.raises(InvalidInput):
            identity.withdraw_registration("猜密码", data["id_number"], "Wrong@2026")
    with pytest.raises(Locked):
        identity.withdraw_registration("猜密码", data["id_number"], data["password"])
    clock.advance(minutes=16)
    assert identity.withdraw_registration("猜密码", data["id_number"], data["password"]) == {
        "withdrawn": True}
