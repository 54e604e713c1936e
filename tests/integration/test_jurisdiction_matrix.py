"""Jurisdiction is enforced by the services from the actor the gateway passes. For every
admin route: an admin of a sibling subtree gets 403/404 and sees nothing; an admin without
the module (or, for admin management, without super status) gets 403; the rightful admin
succeeds. For every route that touches an account: only accounts the admin governs."""
import pytest
import sqlalchemy as sa

from services.identity.domain.permissions import MODULES
from services.identity.models import admin_grants
from tests.builders import citizen_id, new_applicant, org_form, registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, operator_account, upload_scan

pytestmark = pytest.mark.integration


def login(client, username, password, role):
    response = client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": role})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


@pytest.fixture
def world(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["open"], real_name="辖区学员")
    learner_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
    eventually(lambda: client.post("/api/v1/auth/login", json={
        "username": data["username"], "password": data["password"]}).status_code == 200)
    owner = login(client, *grant_admin(uow, orgs["bureau"], modules=list(MODULES)), "admin")
    sibling = login(client, *grant_admin(uow, orgs["other_bureau"], modules=list(MODULES)),
                    "admin")
    no_module = login(client, *grant_admin(uow, orgs["bureau"], modules=["certificates"],
                                           is_super=False, username="plainadmin"), "admin")
    learner = login(client, data["username"], data["password"], "learner")
    waiting = registration(orgs["reviewing"], real_name="待审学员")
    client.post("/api/v1/auth/register", json=waiting)
    reviews = eventually(lambda: client.get("/api/v1/admin/member-reviews",
                                            headers=owner).json["items"])
    role = client.post("/api/v1/admin/roles", headers=owner,
                       json={"name": "审核员", "modules": ["account_review"]}).json
    department = client.post("/api/v1/admin/departments", headers=owner, json={
        "name": "信息科", "parent_id": orgs["open"]}).json
    extra = client.post("/api/v1/admin/admins", headers=owner, json={
        "login_name": data["username"], "role_id": role["id"]}).json
    scan = upload_scan(client).json["certificate_id"]
    pending_org = client.post("/api/v1/orgs/registrations", json=org_form(
        scan, orgs["bureau"], "employer", "待审核单位", new_applicant("单位申请人", citizen_id()))
    ).json
    unit_admin = login(client, *grant_admin(uow, orgs["open"], modules=["basic_info"],
                                            username="unitadmin"), "admin")
    change = client.post("/api/v1/admin/org/changes", headers=unit_admin,
                         json={"name": "改名单位"}).json
    # after the unit's change: a pending personnel change below would block it
    info_change = client.post("/api/v1/me/info-changes", headers=learner,
                              json={"real_name": "改名学员"}).json
    unit_admins = client.get(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins",
                             headers=owner).json["items"]
    return {"client": client, "learner_id": learner_id, "role_id": role["id"],
            "change_id": change["change_id"], "unit_grant_id": unit_admins[0]["grant_id"],
            "info_change_id": info_change["change_id"],
            "username": data["username"], "open_org": orgs["open"],
            "reviewing_org": orgs["reviewing"], "department_id": department["id"],
            "membership_id": reviews[0]["membership_id"],
            "grant_id": extra["grant_id"], "pending_org_id": pending_org["org_id"],
            "owner": owner, "sibling": sibling,
            "no_module": no_module, "learner": learner}


# (method, path template, json body, module-gated (True) or super-admin-gated (False))
ROUTES = [
    ("GET", "/api/v1/admin/learners", None, True),
    ("POST", "/api/v1/admin/learners", "new_person", True),
    ("GET", "/api/v1/admin/learners/export", None, True),
    ("POST", "/api/v1/admin/learners/batch-query",
     {"by": "username", "values": ["{username}"]}, True),
    ("GET", "/api/v1/admin/learners/{learner_id}", None, True),
    ("GET", "/api/v1/admin/learners/{learner_id}/archive", None, True),
    ("POST", "/api/v1/admin/learners/{learner_id}/password-reset", None, True),
    ("GET", "/api/v1/admin/member-reviews", None, True),
    ("POST", "/api/v1/admin/member-reviews/decisions",
     {"membership_ids": ["{membership_id}"], "decision": "approve"}, True),
    ("GET", "/api/v1/admin/audit-log", None, True),
    ("GET", "/api/v1/admin/org-registrations", None, True),
    ("GET", "/api/v1/admin/org/changes?org_id={open_org}", None, True),
    ("GET", "/api/v1/admin/org-change-reviews", None, True),
    ("GET", "/api/v1/admin/person-change-reviews", None, True),
    ("POST", "/api/v1/admin/person-change-reviews/decisions",
     {"change_ids": ["{info_change_id}"], "decision": "approve"}, True),
    ("GET", "/api/v1/admin/subordinate-units", None, True),
    ("GET", "/api/v1/admin/training-institutions", None, True),
    ("GET", "/api/v1/admin/subordinate-units/{open_org}/admins", None, True),
    ("DELETE", "/api/v1/admin/subordinate-units/{open_org}/admins/{unit_grant_id}", None, True),
    ("POST", "/api/v1/admin/org-change-reviews/decisions",
     {"change_ids": ["{change_id}"], "decision": "approve"}, True),
    ("POST", "/api/v1/admin/org-registrations/decisions",
     {"org_ids": ["{pending_org_id}"], "decision": "approve"}, True),
    ("GET", "/api/v1/admin/transfers?direction=out", None, True),
    ("POST", "/api/v1/admin/learners/moves",
     {"user_ids": ["{learner_id}"], "to_org_id": "{reviewing_org}"}, True),
    ("POST", "/api/v1/admin/transfers",
     {"user_id": "{learner_id}", "to_org_id": "{open_org}"}, True),
    ("GET", "/api/v1/admin/departments?parent_id={open_org}", None, True),
    ("POST", "/api/v1/admin/departments", {"name": "新部门", "parent_id": "{open_org}"}, True),
    ("PATCH", "/api/v1/admin/departments/{department_id}", {"status": "disabled"}, True),
    ("GET", "/api/v1/admin/roles", None, False),
    ("POST", "/api/v1/admin/roles", {"name": "新角色", "modules": ["statistics"]}, False),
    ("PATCH", "/api/v1/admin/roles/{role_id}", {"name": "改名"}, False),
    ("DELETE", "/api/v1/admin/roles/{role_id}", None, False),
    ("GET", "/api/v1/admin/admins", None, False),
    ("POST", "/api/v1/admin/admins", {"login_name": "{username}", "role_id": "{role_id}"},
     False),
    ("POST", "/api/v1/admin/admins/{grant_id}/status", {"status": "disabled"}, False),
    ("POST", "/api/v1/admin/admins/{grant_id}/password-reset", None, False),
    ("POST", "/api/v1/admin/admins/{grant_id}/super", None, False),
    ("DELETE", "/api/v1/admin/admins/{grant_id}", None, False),
]


def call(world, who, method, path, body):
    ids = {k: world[k] for k in ("learner_id", "role_id", "grant_id", "username",
                                 "membership_id", "reviewing_org", "open_org",
                                 "department_id", "pending_org_id", "change_id",
                                 "unit_grant_id", "info_change_id")}
    path = path.format(**ids)
    if body == "new_person":  # a fresh person for the owner's employer
        body = registration(world["open_org"])
        body.pop("password"), body.pop("password_confirm")
    elif body:
        body = {k: _fill(v, ids) for k, v in body.items()}
    return world["client"].open(path, method=method, json=body, headers=world[who])


def _fill(value, ids):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if not (isinstance(value, str) and value.startswith("{")):
        return value
    filled = value.format(**ids)
    return int(filled) if filled.isdigit() else filled


def names_in(response):
    body = response.json
    items = body.get("items", body) if isinstance(body, dict) else body
    return [str(item) for item in items]


@pytest.mark.parametrize("method,path,body,module_gated", ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_sibling_subtree_admin_sees_and_changes_nothing(world, method, path, body,
                                                        module_gated):
    response = call(world, "sibling", method, path, body)
    if path.endswith("/export"):
        assert response.status_code == 200 and response.json["rows"] == 0
    elif method == "GET" and "{" not in path:
        assert response.status_code == 200
        listed = " ".join(names_in(response))
        assert "辖区学员" not in listed and "审核员" not in listed
        assert str(world["learner_id"]) not in [str(i.get("user_id")) for i in
                                               (response.json.get("items", response.json)
                                                if isinstance(response.json, dict)
                                                else response.json)]
    elif path.endswith("/person-change-reviews/decisions"):
        assert response.status_code == 200
        assert response.json == {"decided": [], "skipped": [
            {"change_id": world["info_change_id"], "reason": "不在您的审核范围内"}]}
    elif path.endswith("/org-change-reviews/decisions"):
        assert response.status_code == 200
        assert response.json == {"decided": [], "skipped": [
            {"change_id": world["change_id"], "reason": "不在您的审核范围内"}]}
    elif path.endswith(("/org-change-reviews", "/org-registrations", "/subordinate-units",
                        "/training-institutions", "/person-change-reviews")):
        assert response.status_code == 200 and response.json["total"] == 0
    elif path.endswith("/org-registrations/decisions"):
        assert response.status_code == 200
        assert response.json == {"decided": [], "skipped": [
            {"org_id": world["pending_org_id"], "reason": "不在您的审核范围内"}]}
        pending = call(world, "owner", "GET", "/api/v1/admin/org-registrations", None).json
        assert [i["org_id"] for i in pending["items"]] == [world["pending_org_id"]]
    elif path.endswith("/decisions"):
        assert response.status_code == 200
        assert response.json == {"decided": [], "skipped": [
            {"membership_id": world["membership_id"], "reason": "不在您的审核范围内"}]}
        pending = call(world, "owner", "GET", "/api/v1/admin/member-reviews", None).json
        assert [i["membership_id"] for i in pending["items"]] == [world["membership_id"]]
    elif "/transfers?" in path:
        assert response.status_code == 200 and response.json["total"] == 0
    elif path.endswith("/audit-log"):
        assert response.status_code == 200 and response.json["total"] == 0
    elif path.endswith("/batch-query"):
        assert response.status_code == 200
        assert response.json["items"] == []
        assert response.json["not_found"] == [world["username"]]
    elif method == "POST" and path.endswith("/roles"):
        assert response.status_code == 201  # creates a role in its own org only
        owner_roles = call(world, "owner", "GET", "/api/v1/admin/roles", None).json
        assert "新角色" not in [r["name"] for r in owner_roles]
    else:
        assert response.status_code in (403, 404), (response.status_code, response.json)
        assert response.mimetype == "application/problem+json"
    # whatever the sibling did, the owner's world is intact
    roles = call(world, "owner", "GET", "/api/v1/admin/roles", None).json
    assert "审核员" in [r["name"] for r in roles]
    admins = call(world, "owner", "GET", "/api/v1/admin/admins", None).json
    grant = [a for a in admins if a["grant_id"] == world["grant_id"]]
    assert grant and grant[0]["status"] == "active" and not grant[0]["is_super"]


@pytest.mark.parametrize("method,path,body,module_gated", ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_admin_without_the_module_or_super_status_is_refused(world, method, path, body,
                                                             module_gated):
    response = call(world, "no_module", method, path, body)
    assert response.status_code == 403, response.json
    assert response.json["code"] == ("module_required" if module_gated
                                     else "super_admin_required")


@pytest.mark.parametrize("method,path,body,module_gated", ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_a_learner_is_refused_every_admin_route(world, method, path, body, module_gated):
    response = call(world, "learner", method, path, body)
    assert response.status_code == 403
    assert response.json["code"] == "role_forbidden"


def test_the_rightful_admin_uses_every_route(world):
    expected = {"GET": 200, "PATCH": 200, "DELETE": 204, "POST": 200}
    for method, path, body, _ in ROUTES:
        if path.endswith("/archive"):
            # learning answers it from its own copy of the learner, kept from events
            def archive(method=method, path=path, body=body):
                answer = call(world, "owner", method, path, body)
                return answer if answer.status_code == 200 else None
            response = eventually(archive, timeout=15)
            assert response.json["user_id"] == world["learner_id"]
            assert response.json["current"] == [] and response.json["offline"] == []
            continue
        if method == "DELETE" and "/roles/" in path:
            # a role in use cannot go; a fresh one can
            assert call(world, "owner", method, path, body).status_code == 409
            fresh = call(world, "owner", "POST", "/api/v1/admin/roles",
                         {"name": "临时", "modules": []}).json
            response = world["client"].delete(f"/api/v1/admin/roles/{fresh['id']}",
                                              headers=world["owner"])
            assert response.status_code == 204
            continue
        if method == "POST" and path == "/api/v1/admin/admins":
            assert call(world, "owner", method, path, body).status_code == 409  # already
            continue
        response = call(world, "owner", method, path, body)
        creates = method == "POST" and path.endswith(("/roles", "/learners", "/transfers",
                                                      "/departments"))
        want = 201 if creates else expected[method]
        if path.endswith("/super") or "/subordinate-units/" in path:
            want = 200
        assert response.status_code == want, (method, path, response.json)
        if path.endswith("/decisions"):
            assert len(response.json["decided"]) == 1, (path, response.json)
        if path.endswith("/status"):
            call(world, "owner", "POST", path, {"status": "active"})
        if path.endswith("/super"):
            break  # the owner handed super status on; the next route needs it


# --- account-level actions: whose account an admin may touch ----------------------------
# The super admin of the unit `open` acts on the admins of `open`: the super admin of the
# unit above (the bureau) and an admin of a sibling unit, both in through an accepted
# invitation; the operator account (with a grant of `open` as the old code could give);
# a person of `open` who is also an admin elsewhere; and the rightful admin, a person of
# `open`. Resets, disabling, enabling and promoting reach the rightful admin only; revoking
# (and removal from above) ends what the unit gave, so it reaches every admin of the unit.

TARGETS = ("above", "sibling", "operator", "elsewhere", "rightful")  # rightful last: it
# may be promoted, handing the super admin's role on
NOT_GOVERNED = (403, "account_not_governed")
OPERATOR = (403, "operator_account_protected")
ACCOUNT_ROUTES = {
    # route: expected (status, code or status of the grant) per target
    "admin password reset": dict(above=NOT_GOVERNED, sibling=NOT_GOVERNED, operator=OPERATOR,
                                 elsewhere=NOT_GOVERNED, rightful=(200, None)),
    "admin disable": dict(above=NOT_GOVERNED, sibling=NOT_GOVERNED, operator=OPERATOR,
                          elsewhere=NOT_GOVERNED, rightful=(200, "disabled")),
    "admin enable": dict(above=NOT_GOVERNED, sibling=NOT_GOVERNED, operator=OPERATOR,
                         elsewhere=NOT_GOVERNED, rightful=(200, "active")),
    "make super admin": dict(above=NOT_GOVERNED, sibling=NOT_GOVERNED, operator=OPERATOR,
                             elsewhere=NOT_GOVERNED, rightful=(200, "active")),
    "admin revoke": dict(above=(204, None), sibling=(204, None), operator=(204, None),
                         elsewhere=(204, None), rightful=(204, None)),
    "add admin by login name": dict(above=(201, "invited"), sibling=(201, "invited"),
                                    operator=OPERATOR, elsewhere=(201, "active"),
                                    rightful=(201, "active")),
    "learner password reset": dict(above=(404, "learner_not_found"),
                                   sibling=(404, "learner_not_found"),
                                   operator=(404, "learner_not_found"),
                                   elsewhere=NOT_GOVERNED, rightful=(200, None)),
    "subordinate admin removal": dict(above=(200, "revoked"), sibling=(200, "revoked"),
                                      operator=(200, "revoked"), elsewhere=(200, "revoked"),
                                      rightful=(200, "revoked")),
}


@pytest.fixture
def accounts(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    boss = login(client, *grant_admin(uow, orgs["open"], modules=list(MODULES),
                                      username="openboss", person_org=orgs["open"]), "admin")
    remover = login(client, *grant_admin(uow, orgs["bureau"], modules=["direct_accounts"],
                                         is_super=False, username="remover"), "admin")
    other_boss = login(client, *grant_admin(uow, orgs["other"], modules=list(MODULES),
                                            username="otherboss"), "admin")
    role_id = client.get("/api/v1/admin/roles", headers=boss).json[0]["id"]

    def invite(headers, username):
        other_role = client.get("/api/v1/admin/roles", headers=headers).json[0]["id"]
        return client.post("/api/v1/admin/admins", headers=headers, json={
            "login_name": username, "role_id": other_role}).json

    def learner_of_open(name):
        data = registration(orgs["open"], real_name=name)
        user_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
        eventually(lambda: client.post("/api/v1/auth/login", json={
            "username": data["username"], "password": data["password"]}).status_code == 200)
        return user_id, data["username"], data["password"]

    targets = {}
    for name, org, username in (("above", "bureau", "aboveboss"),
                                ("sibling", "reviewing", "siblingadmin")):
        credentials = grant_admin(uow, orgs[org], modules=list(MODULES), username=username,
                                  person_org=orgs[org])
        invited = invite(boss, username)
        assert invited["status"] == "invited"
        assert client.post(f"/api/v1/me/admin-invitations/{invited['grant_id']}/accept",
                           headers=login(client, *credentials, "admin")).status_code == 200
        targets[name] = {"user_id": invited["user_id"], "grant_id": invited["grant_id"],
                         "login": (*credentials, "admin")}

    operator_id = operator_account(uow)
    with uow("identity")() as work:
        grant_id = work.session.execute(sa.insert(admin_grants).values(
            user_id=operator_id, org_id=orgs["open"], role_id=role_id, is_super=False,
            status="active", granted_at=work.clock.now())).inserted_primary_key[0]
        work.commit()
    targets["operator"] = {"user_id": operator_id, "grant_id": grant_id,
                           "login": ("operator", "Operator@2026", "operator")}

    user_id, username, password = learner_of_open("外单位管理员")
    elsewhere = invite(other_boss, username)
    assert client.post(f"/api/v1/me/admin-invitations/{elsewhere['grant_id']}/accept",
                       headers=login(client, username, password, "learner")).status_code == 200
    added = client.post("/api/v1/admin/admins", headers=boss, json={
        "login_name": username, "role_id": role_id}).json
    assert added["status"] == "active"  # a person of the unit: at once
    targets["elsewhere"] = {"user_id": user_id, "grant_id": added["grant_id"],
                            "login": (username, password, "learner")}

    user_id, username, password = learner_of_open("本单位管理员")
    added = client.post("/api/v1/admin/admins", headers=boss, json={
        "user_id": user_id, "role_id": role_id}).json
    targets["rightful"] = {"user_id": user_id, "grant_id": added["grant_id"],
                           "login": (username, password, "learner")}
    return {"client": client, "boss": boss, "remover": remover, "role_id": role_id,
            "open_org": orgs["open"], "targets": targets}


def act(world, route, target):
    client, boss = world["client"], world["boss"]
    grant = f"/api/v1/admin/admins/{target['grant_id']}"
    if route == "admin password reset":
        return client.post(f"{grant}/password-reset", headers=boss)
    if route in ("admin disable", "admin enable"):
        status = "disabled" if route == "admin disable" else "active"
        return client.post(f"{grant}/status", headers=boss, json={"status": status})
    if route == "make super admin":
        return client.post(f"{grant}/super", headers=boss)
    if route == "admin revoke":
        return client.delete(grant, headers=boss)
    if route == "add admin by login name":  # as if for the first time
        assert client.delete(grant, headers=boss).status_code == 204
        return client.post("/api/v1/admin/admins", headers=boss, json={
            "login_name": target["login"][0], "role_id": world["role_id"]})
    if route == "learner password reset":
        return client.post(f"/api/v1/admin/learners/{target['user_id']}/password-reset",
                           headers=boss)
    assert route == "subordinate admin removal"
    return client.delete(f"/api/v1/admin/subordinate-units/{world['open_org']}/admins/"
                         f"{target['grant_id']}", headers=world["remover"])


@pytest.mark.parametrize("route", ACCOUNT_ROUTES)
def test_account_level_actions_reach_only_governed_accounts(accounts, route):
    client = accounts["client"]
    for name in TARGETS:
        target = accounts["targets"][name]
        status, detail = ACCOUNT_ROUTES[route][name]
        response = act(accounts, route, target)
        assert response.status_code == status, (route, name, response.json)
        username, password, role = target["login"]
        if status >= 400:
            assert response.mimetype == "application/problem+json"
            assert response.json["code"] == detail, (route, name, response.json)
            # nothing changed: the password still works, the grant is as it was
            relogin = client.post("/api/v1/auth/login", json={
                "username": username, "password": password, "role": role})
            assert relogin.status_code == 200, (route, name, relogin.json)
            listed = {a["grant_id"]: a["status"] for a in
                      client.get("/api/v1/admin/admins", headers=accounts["boss"]).json}
            if route != "add admin by login name":
                assert listed[target["grant_id"]] == "active", (route, name)
        elif route == "add admin by login name":
            assert response.json["status"] == detail, (route, name)
        elif route == "subordinate admin removal":
            assert response.json["status"] == detail
        elif detail is not None:
            assert response.json["status"] == detail
        elif "password reset" in route:
            assert response.json["must_change_password"] is True
