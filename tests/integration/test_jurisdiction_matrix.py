"""Jurisdiction is enforced by the services from the actor the gateway passes. For every
admin route: an admin of a sibling subtree gets 403/404 and sees nothing; an admin without
the module (or, for admin management, without super status) gets 403; the rightful admin
succeeds."""
import pytest

from services.identity.domain.permissions import MODULES
from tests.builders import citizen_id, new_applicant, org_form, registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, upload_scan

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
            response = call(world, "owner", method, path, body)
            assert response.status_code == 404
            assert response.json["code"] == "archive_not_available"
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
