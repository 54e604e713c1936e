"""No admin takes over an account they do not govern (issue 6 §1), through the gateway
against the real services: a lower unit's super admin who adds the unit above's super admin
by login name only invites them, and resets, disables or promotes nobody from outside; the
invited person accepts or declines after logging in; a role's change of modules reaches
tokens already issued within seconds."""
import pytest
import sqlalchemy as sa

from gateway.app import create_app
from gateway.rpc import RpcPool
from services.identity.domain.permissions import MODULES
from services.identity.models import outbox
from tests.builders import citizen_id, registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, operator_account
from tests.integration.test_gateway_flow import bearer, wait_until_active

pytestmark = pytest.mark.integration


def login(client, username, password, role="admin", org_id=None):
    body = {"username": username, "password": password, "role": role}
    if org_id is not None:
        body["org_id"] = org_id
    return client.post("/api/v1/auth/login", json=body)


def signed_in(client, credentials, role="admin", org_id=None):
    response = login(client, *credentials, role=role, org_id=org_id)
    assert response.status_code == 200, response.json
    return bearer(response.json)


def own_role(client, headers):
    """The unit's first role (the one its super admin was given)."""
    return client.get("/api/v1/admin/roles", headers=headers).json[0]["id"]


def learner_of(client, org_id, name):
    """A person registered (and admitted) in `org_id`: (user id, (username, password))."""
    data = registration(org_id, real_name=name)
    user_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
    wait_until_active(client, data["username"], data["password"])
    return user_id, (data["username"], data["password"])


def add_by_login_name(client, headers, login_name):
    return client.post("/api/v1/admin/admins", headers=headers, json={
        "login_name": login_name, "role_id": own_role(client, headers)})


def status_in_list(client, headers, grant_id):
    found = [a["status"] for a in client.get("/api/v1/admin/admins", headers=headers).json
             if a["grant_id"] == grant_id]
    return found[0] if found else None


@pytest.fixture
def units(platform):
    """The bureau's super admin (`upper`) and the super admin of a unit below it
    (`lower`), each with their person record in their own unit, as the demo admins."""
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    upper = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="upperboss",
                        person_org=orgs["bureau"])
    lower_login = grant_admin(uow, orgs["open"], modules=list(MODULES), username="lowerboss",
                              person_org=orgs["open"])
    return platform | {"upper": upper, "lower_login": lower_login,
                       "lower": signed_in(client, lower_login)}


def test_a_lower_unit_cannot_take_over_the_super_admin_above(units):
    client, lower, upper = units["client"], units["lower"], units["upper"]
    added = add_by_login_name(client, lower, "upperboss")
    assert added.status_code == 201, added.json
    grant_id = added.json["grant_id"]
    reset = client.post(f"/api/v1/admin/admins/{grant_id}/password-reset", headers=lower)
    assert reset.status_code == 403, reset.json
    assert reset.json["code"] == "account_not_governed"
    assert added.json["status"] == "invited"
    for action in (client.post(f"/api/v1/admin/admins/{grant_id}/status", headers=lower,
                               json={"status": "disabled"}),
                   client.post(f"/api/v1/admin/admins/{grant_id}/super", headers=lower)):
        assert action.status_code == 409, action.json  # an invitation is only withdrawn
    assert login(client, *upper).status_code == 200  # the password is unchanged


def test_an_accepted_invitation_still_leaves_the_account_to_its_own_unit(units):
    client, lower, upper = units["client"], units["lower"], units["upper"]
    grant_id = add_by_login_name(client, lower, "upperboss").json["grant_id"]
    upper_headers = signed_in(client, upper)
    assert client.post(f"/api/v1/me/admin-invitations/{grant_id}/accept",
                       headers=upper_headers).status_code == 200
    assert status_in_list(client, lower, grant_id) == "active"
    for path, body in ((f"/api/v1/admin/admins/{grant_id}/password-reset", None),
                       (f"/api/v1/admin/admins/{grant_id}/status", {"status": "disabled"}),
                       (f"/api/v1/admin/admins/{grant_id}/super", None)):
        response = client.post(path, headers=lower, json=body)
        assert response.status_code == 403, (path, response.json)
        assert response.json["code"] == "account_not_governed"
        assert response.mimetype == "application/problem+json"
    assert status_in_list(client, lower, grant_id) == "active"
    assert login(client, *upper).status_code == 200
    # what the unit gave it can take back: the grant in its own unit, nothing else
    assert client.delete(f"/api/v1/admin/admins/{grant_id}", headers=lower).status_code == 204
    assert login(client, *upper, org_id=units["orgs"]["open"]).status_code == 403
    assert login(client, *upper, org_id=units["orgs"]["bureau"]).status_code == 200


def test_an_invitation_grants_nothing_until_accepted(units):
    client, lower, orgs = units["client"], units["lower"], units["orgs"]
    added = add_by_login_name(client, lower, "upperboss").json
    upper = signed_in(client, units["upper"])
    # not an admin of the inviting unit: no login there, not in the token, not counted
    refused = login(client, *units["upper"], org_id=orgs["open"])
    assert refused.status_code == 403 and refused.json["code"] == "role_not_registered"
    assert client.get("/api/v1/me", headers=upper).json["org_id"] == orgs["bureau"]
    assert [a["username"] for a in client.get(
        f"/api/v1/admin/subordinate-units/{orgs['open']}/admins",
        headers=upper).json["items"] if a["status"] == "active"] == ["lowerboss"]
    again = add_by_login_name(client, lower, "upperboss")
    assert again.status_code == 409 and again.json["code"] == "already_invited"
    assert added["id_number_masked"] == ""  # the unit learns nothing of the invitee's ID

    invitations = client.get("/api/v1/me/admin-invitations", headers=upper).json["items"]
    assert [(i["grant_id"], i["org_name"], i["invited_by_name"]) for i in invitations] == [
        (added["grant_id"], "直接通过医院", "管理员lowerboss")]
    assert "基本信息" in invitations[0]["module_labels"]
    stranger = signed_in(client, grant_admin(units["uow"], orgs["other"], username="stranger"))
    stolen = client.post(f"/api/v1/me/admin-invitations/{added['grant_id']}/accept",
                         headers=stranger)
    assert stolen.status_code == 404 and stolen.json["code"] == "invitation_not_found"

    accepted = client.post(f"/api/v1/me/admin-invitations/{added['grant_id']}/accept",
                           headers=upper)
    assert accepted.status_code == 200 and accepted.json["status"] == "active"
    assert client.get("/api/v1/me/admin-invitations", headers=upper).json["items"] == []
    token = login(client, *units["upper"], org_id=orgs["open"])
    assert token.status_code == 200, token.json
    assert client.get("/api/v1/me", headers=bearer(token.json)).json["org_id"] == orgs["open"]
    with units["uow"]("identity")() as uow:
        announced = [e for e in uow.session.execute(sa.select(outbox.c.envelope)).scalars()
                     if '"admin_granted"' in e and f'"grant_id": {added["grant_id"]}' in e]
    assert len(announced) == 1  # on acceptance, through the outbox


def test_a_learner_declines_and_an_inviter_withdraws(units):
    client, orgs = units["client"], units["orgs"]
    _, learner_login = learner_of(client, orgs["other"], "外单位学员")
    invited = add_by_login_name(client, units["lower"], learner_login[0]).json
    assert invited["status"] == "invited"
    assert status_in_list(client, units["lower"], invited["grant_id"]) == "invited"
    as_admin = login(client, *learner_login)
    assert as_admin.status_code == 403
    assert as_admin.json["registered_roles"] == ["learner"]  # the invitation counts not
    learner = signed_in(client, learner_login, role="learner")
    [shown] = client.get("/api/v1/me/admin-invitations", headers=learner).json["items"]
    declined = client.post(f"/api/v1/me/admin-invitations/{shown['grant_id']}/decline",
                           headers=learner)
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    assert status_in_list(client, units["lower"], invited["grant_id"]) is None
    late = client.post(f"/api/v1/me/admin-invitations/{shown['grant_id']}/accept",
                       headers=learner)
    assert late.status_code == 404
    assert login(client, *learner_login).status_code == 403

    again = add_by_login_name(client, units["lower"], learner_login[0]).json  # asked again
    assert again["status"] == "invited"
    assert client.delete(f"/api/v1/admin/admins/{again['grant_id']}",
                         headers=units["lower"]).status_code == 204  # 撤回邀请
    assert client.get("/api/v1/me/admin-invitations", headers=learner).json["items"] == []
    gone = client.post(f"/api/v1/me/admin-invitations/{again['grant_id']}/accept",
                       headers=learner)
    assert gone.status_code == 404 and gone.json["code"] == "invitation_not_found"


def test_the_operator_account_is_never_made_an_admin(units):
    client = units["client"]
    operator_account(units["uow"])
    response = add_by_login_name(client, units["lower"], "operator")
    assert response.status_code == 403 and response.json["code"] == "operator_account_protected"


def test_rightful_flows_stay_immediate(units):
    """A person of the unit (by login name or from its people) and a brand-new person
    become admins at once, and the unit's super admin resets, disables and promotes them."""
    client, lower, orgs = units["client"], units["lower"], units["orgs"]
    member_id, member_login = learner_of(client, orgs["open"], "本单位人员")
    by_name_id, by_name_login = learner_of(client, orgs["open"], "本单位用户")
    role_id = own_role(client, lower)
    member = client.post("/api/v1/admin/admins", headers=lower,
                         json={"user_id": member_id, "role_id": role_id}).json
    by_name = add_by_login_name(client, lower, by_name_login[0]).json
    fresh = client.post("/api/v1/admin/admins", headers=lower, json={
        "role_id": role_id, "new_person": {"real_name": "新管理员",
                                           "id_number": citizen_id(),
                                           "mobile": "13700001111"}}).json
    assert [member["status"], by_name["status"], fresh["status"]] == ["active"] * 3
    assert login(client, *by_name_login, org_id=orgs["open"]).status_code == 200

    reset = client.post(f"/api/v1/admin/admins/{member['grant_id']}/password-reset",
                        headers=lower)
    assert reset.status_code == 200 and reset.json["must_change_password"] is True
    assert login(client, *member_login, role="learner").status_code == 401  # reset
    for status in ("disabled", "active"):
        changed = client.post(f"/api/v1/admin/admins/{by_name['grant_id']}/status",
                              headers=lower, json={"status": status})
        assert changed.status_code == 200 and changed.json["status"] == status
    promoted = client.post(f"/api/v1/admin/admins/{by_name['grant_id']}/super", headers=lower)
    assert promoted.status_code == 200 and promoted.json["is_super"] is True


def test_learner_password_reset_reaches_only_governed_accounts(units):
    """From the learner list: not a person who is an admin outside the jurisdiction, nor
    an admin of the resetter's own unit unless the resetter is its super admin."""
    client, uow, orgs = units["client"], units["uow"], units["orgs"]
    manager = signed_in(client, grant_admin(uow, orgs["bureau"], is_super=False,
                                            username="learnermgr"))
    plain_id, _ = learner_of(client, orgs["open"], "普通学员")
    elsewhere_id, elsewhere_login = learner_of(client, orgs["open"], "外单位管理员")
    other_boss = signed_in(client, grant_admin(uow, orgs["other"], modules=list(MODULES),
                                               username="otherboss"))
    invitation = add_by_login_name(client, other_boss, elsewhere_login[0]).json
    path = f"/api/v1/admin/learners/{elsewhere_id}/password-reset"
    # an invitation outside already counts: accepting it would hand the rights over
    refused = client.post(path, headers=manager)
    assert refused.status_code == 403 and refused.json["code"] == "account_not_governed"
    assert invitation["status"] == "invited"
    assert login(client, *elsewhere_login, role="learner").status_code == 200
    assert client.post(f"/api/v1/admin/learners/{plain_id}/password-reset",
                       headers=manager).status_code == 200

    upper = signed_in(client, units["upper"])
    colleague_id, colleague_login = learner_of(client, orgs["open"], "人社局管理员")
    client.post("/api/v1/admin/admins", headers=upper, json={
        "login_name": colleague_login[0], "role_id": own_role(client, upper)})
    colleague_path = f"/api/v1/admin/learners/{colleague_id}/password-reset"
    not_yours = client.post(colleague_path, headers=manager)
    assert not_yours.status_code == 403 and not_yours.json["code"] == "account_not_governed"
    assert client.post(colleague_path, headers=upper).status_code == 200  # its super admin

    operator_id = operator_account(uow)
    missing = client.post(f"/api/v1/admin/learners/{operator_id}/password-reset",
                          headers=upper)
    assert missing.status_code == 404
    assert login(client, "operator", "Operator@2026", role="operator").status_code == 200


def test_a_role_change_reaches_tokens_already_issued(units, amqp_uri, monkeypatch):
    monkeypatch.setenv("GATEWAY_GRANT_CHECK_SECONDS", "0.2")
    app = create_app(RpcPool(uri=amqp_uri, timeout=10))
    app.testing = True
    client, orgs = app.test_client(), units["orgs"]
    upper = signed_in(client, units["upper"])
    role = client.post("/api/v1/admin/roles", headers=upper, json={
        "name": "统计员", "modules": ["learner_management", "statistics"]}).json
    staff_id, staff_login = learner_of(client, orgs["open"], "统计人员")
    assert client.post("/api/v1/admin/admins", headers=upper, json={
        "login_name": staff_login[0], "role_id": role["id"]}
    ).json["status"] == "active"
    tokens = login(client, *staff_login, org_id=orgs["bureau"]).json
    assert client.get("/api/v1/admin/learners", headers=bearer(tokens)).status_code == 200
    bystander = signed_in(client, units["lower_login"])

    changed = client.patch(f"/api/v1/admin/roles/{role['id']}", headers=upper,
                           json={"modules": ["statistics"]})
    assert changed.status_code == 200

    def refused():
        response = client.get("/api/v1/admin/learners", headers=bearer(tokens))
        return response if response.status_code == 401 else None
    assert eventually(refused, timeout=5).json["code"] == "admin_role_changed"
    assert client.get("/api/v1/admin/learners", headers=bystander).status_code == 200
    refreshed = client.post("/api/v1/auth/refresh",
                            json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    again = client.get("/api/v1/admin/learners", headers=bearer(refreshed.json))
    assert again.status_code == 403 and again.json["code"] == "module_required"
    assert client.get("/api/v1/admin/audit-log",
                      headers=bearer(refreshed.json)).status_code == 200
    # renaming alone states nothing new about the modules: the new token stays good
    client.patch(f"/api/v1/admin/roles/{role['id']}", headers=upper, json={"name": "统计"})
    assert client.get("/api/v1/admin/audit-log",
                      headers=bearer(refreshed.json)).status_code == 200
