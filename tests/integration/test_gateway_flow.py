"""A person's whole first visit through the gateway, against the real services and broker."""
import pytest
import sqlalchemy as sa

from services.identity.models import captchas
from tests.builders import registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, make_platform

pytestmark = pytest.mark.integration


def solve_captcha(client, uow_factory):
    """Reads the expected answer from identity's own store, as a person reads the image."""
    response = client.get("/api/v1/auth/captcha")
    assert response.status_code == 200
    captcha_id = response.json["captcha_id"]
    assert response.json["image"].startswith("data:image/png;base64,")
    with uow_factory("identity")() as uow:
        answer = uow.session.execute(sa.select(captchas.c.answer)
                                     .where(captchas.c.id == captcha_id)).scalar()
    return {"captcha_id": captcha_id, "captcha_answer": answer.lower()}


def login(client, username, password, role="learner", captcha=None):
    return client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": role, **(captcha or {})})


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def wait_until_active(client, username, password):
    """Membership approval travels identity -> orgtree -> identity by events."""
    def attempt():
        response = login(client, username, password)
        return response if response.status_code == 200 else None
    return eventually(attempt, timeout=10, interval=0.1)


@pytest.fixture
def platform_with_captcha(start_services, uow_factory, amqp_uri):
    return make_platform(start_services, uow_factory, amqp_uri, captcha="on")


def test_register_login_profile_password_logout_with_captcha_on(platform_with_captcha):
    p = platform_with_captcha
    client, uow = p["client"], p["uow"]

    picker = client.get("/api/v1/orgs/tree").json["items"]
    assert {o["name"] for o in picker} == {"测试人社局", "外市人社局"}
    found = client.get("/api/v1/orgs/tree", query_string={"q": "直接通过"}).json["items"]
    assert found[0]["path_names"] == ["测试人社局", "直接通过医院"]

    data = registration(found[0]["id"])
    response = client.post("/api/v1/auth/register", json=data)
    assert response.status_code == 201, response.json
    assert response.json["org"]["review_members"] is False

    # Without a captcha, login is refused.
    response = login(client, data["username"], data["password"])
    assert response.status_code == 422
    assert response.json["code"] == "captcha_expired"

    def attempt():
        r = login(client, data["username"], data["password"], captcha=solve_captcha(client, uow))
        return r if r.status_code == 200 else None
    tokens = eventually(attempt, timeout=10, interval=0.1).json

    me = client.get("/api/v1/me", headers=bearer(tokens))
    assert me.status_code == 200
    assert me.json["username"] == data["username"] and me.json["role"] == "learner"

    profile = client.get("/api/v1/me/profile", headers=bearer(tokens)).json
    assert profile["real_name"] == data["real_name"]
    assert profile["org_name"] == "直接通过医院"

    response = client.patch("/api/v1/me", json={"mobile": "13700001111", "education": "硕士研究生"},
                            headers=bearer(tokens))
    assert response.status_code == 200, response.json
    assert response.json["mobile"] == "13700001111"

    response = client.patch("/api/v1/me", json={"org_id": p["orgs"]["reviewing"]},
                            headers=bearer(tokens))
    assert response.status_code == 422
    assert response.json["code"] == "org_change_needs_transfer"

    response = client.post("/api/v1/me/password", headers=bearer(tokens), json={
        "old_password": data["password"], "new_password": "Another-pass1",
        "new_password_confirm": "Another-pass1"})
    assert response.status_code == 200, response.json
    tokens = response.json

    response = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200
    tokens = response.json
    assert client.post("/api/v1/auth/logout",
                       json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 401
    assert response.json["code"] == "refresh_token_reused"


def test_person_under_a_reviewing_employer_is_told_who_reviews(platform):
    client = platform["client"]
    data = registration(platform["orgs"]["reviewing"])
    assert client.post("/api/v1/auth/register", json=data).status_code == 201

    def pending():
        r = login(client, data["username"], data["password"])
        return r if r.json.get("code") == "account_pending_review" else None
    response = eventually(pending, timeout=10)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["reviewing_org"]["name"] == "需要审核集团"
    assert "需要审核集团" in response.json["detail"]


def test_admin_resets_a_learner_password_within_jurisdiction_only(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["open"])
    user_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
    wait_until_active(client, data["username"], data["password"])

    outsider = login(client, *grant_admin(uow, orgs["other_bureau"]), role="admin").json
    response = client.post(f"/api/v1/admin/learners/{user_id}/password-reset",
                           headers=bearer(outsider))
    assert response.status_code == 404
    assert response.json["code"] == "learner_not_found"

    learner = login(client, data["username"], data["password"]).json
    response = client.post(f"/api/v1/admin/learners/{user_id}/password-reset",
                           headers=bearer(learner))
    assert response.status_code == 403

    admin = login(client, *grant_admin(uow, orgs["bureau"]), role="admin").json
    response = client.post(f"/api/v1/admin/learners/{user_id}/password-reset",
                           headers=bearer(admin))
    assert response.status_code == 200, response.json

    response = login(client, data["username"], data["password"])
    assert response.json["code"] == "wrong_password"
    tokens = login(client, data["username"], data["id_number"][-6:]).json
    assert tokens["must_change_password"] is True
    # Until the password is changed, only the password route is open.
    response = client.get("/api/v1/me/profile", headers=bearer(tokens))
    assert response.status_code == 403
    assert response.json["code"] == "password_change_required"
    response = client.post("/api/v1/me/password", headers=bearer(tokens), json={
        "old_password": data["id_number"][-6:], "new_password": "Fresh-start1",
        "new_password_confirm": "Fresh-start1"})
    assert response.status_code == 200
    assert client.get("/api/v1/me/profile", headers=bearer(response.json)).status_code == 200


def test_tampered_or_missing_tokens_are_refused(platform):
    client = platform["client"]
    assert client.get("/api/v1/me").json["code"] == "token_missing"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert response.status_code == 401 and response.json["code"] == "token_invalid"
    data = registration(platform["orgs"]["open"])
    client.post("/api/v1/auth/register", json=data)
    token = wait_until_active(client, data["username"], data["password"]).json["access_token"]
    head, body, sig = token.split(".")
    forged = ".".join([head, body, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")])
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_readiness_follows_the_broker_and_names_each_service_for_ops(platform):
    client = platform["client"]
    assert client.get("/readyz").json == {"status": "ready", "broker": True}
    verbose = client.get("/readyz?verbose")
    assert verbose.json["services"] == {"identity": True, "orgtree": True, "learning": True}

    # One service down does not take the gateway out of service (its routes answer
    # 503 instead); the verbose view says which one.
    platform["containers"]["orgtree"].stop()
    verbose = client.get("/readyz?verbose")
    assert verbose.status_code == 200
    assert verbose.json == {"status": "ready", "broker": True,
                            "services": {"identity": True, "orgtree": False,
                                         "learning": True}}


def test_admin_exports_learners_and_downloads_the_file_by_its_signed_link(platform):
    import io

    from openpyxl import load_workbook
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["open"], real_name="导出对象")
    client.post("/api/v1/auth/register", json=data)
    admin = login(client, *grant_admin(uow, orgs["bureau"]), role="admin").json
    link = client.get("/api/v1/admin/learners/export", headers=bearer(admin),
                      query_string={"real_name": "导出"}).json
    assert link["rows"] == 1
    response = client.get(link["download_url"])
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[1][1] == "导出对象" and "*" in rows[1][3]
    partial = client.get(link["download_url"], headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100
    forged = link["download_url"].replace("sig=", "sig=0")
    response = client.get(forged)
    assert response.status_code == 403 and response.json["code"] == "link_invalid"


def test_reviewing_employer_admin_approves_and_the_person_logs_in(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["reviewing"], real_name="待审核人")
    client.post("/api/v1/auth/register", json=data)
    admin = login(client, *grant_admin(uow, orgs["reviewing"], modules=["account_review"]),
                  role="admin").json
    items = eventually(lambda: client.get("/api/v1/admin/member-reviews",
                                          headers=bearer(admin)).json["items"])
    assert [i["real_name"] for i in items] == ["待审核人"]
    response = client.post("/api/v1/admin/member-reviews/decisions", headers=bearer(admin),
                           json={"membership_ids": [items[0]["membership_id"]],
                                 "decision": "approve"})
    assert response.json["decided"] == [items[0]["membership_id"]]
    tokens = wait_until_active(client, data["username"], data["password"]).json
    assert tokens["user"]["real_name"] == "待审核人"


def test_person_is_transferred_out_and_confirmed_in_and_their_org_follows(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["open"], real_name="调动人")
    user_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
    wait_until_active(client, data["username"], data["password"])
    sender = login(client, *grant_admin(uow, orgs["open"], username="sender"), role="admin").json
    receiver = login(client, *grant_admin(uow, orgs["reviewing"], username="receiver"),
                     role="admin").json
    outsider = login(client, *grant_admin(uow, orgs["other"], username="outsider"),
                     role="admin").json

    response = client.post("/api/v1/admin/transfers", headers=bearer(sender), json={
        "user_id": user_id, "to_org_id": orgs["reviewing"], "note": "工作调动"})
    assert response.status_code == 201, response.json
    transfer_id = response.json["transfer_id"]
    again = client.post("/api/v1/admin/transfers", headers=bearer(sender), json={
        "user_id": user_id, "to_org_id": orgs["reviewing"]})
    assert again.status_code == 409 and again.json["code"] == "transfer_pending"

    # Only the receiving org confirms; the sender and strangers cannot.
    for stranger in (sender, outsider):
        response = client.post(f"/api/v1/admin/transfers/{transfer_id}/decision",
                               headers=bearer(stranger), json={"decision": "accept"})
        assert response.status_code == 404
    incoming = client.get("/api/v1/admin/transfers", headers=bearer(receiver),
                          query_string={"direction": "in", "status": "pending"}).json
    assert [t["real_name"] for t in incoming["items"]] == ["调动人"]
    response = client.post(f"/api/v1/admin/transfers/{transfer_id}/decision",
                           headers=bearer(receiver), json={"decision": "accept"})
    assert response.status_code == 200 and response.json["status"] == "accepted"

    def moved():
        tokens = login(client, data["username"], data["password"]).json
        profile = client.get("/api/v1/me/profile", headers=bearer(tokens)).json
        return profile if profile["org_name"] == "需要审核集团" else None
    assert eventually(moved, timeout=10)
    outgoing = client.get("/api/v1/admin/transfers", headers=bearer(sender),
                          query_string={"direction": "out"}).json
    assert outgoing["items"][0]["status"] == "accepted"


def test_registration_progress_query_and_withdrawal(platform):
    client, orgs = platform["client"], platform["orgs"]
    data = registration(orgs["reviewing"], real_name="想撤回")
    client.post("/api/v1/auth/register", json=data)
    lookup = {"real_name": "想撤回", "id_number": data["id_number"]}
    status = client.post("/api/v1/auth/registration-status", json=lookup).json
    assert status["status"] == "pending_review" and status["reviewing_org"] == "需要审核集团"
    assert status["can_withdraw"] is True
    wrong = client.post("/api/v1/auth/registration-status",
                        json=lookup | {"real_name": "别人"})
    assert wrong.status_code == 404
    refused = client.post("/api/v1/auth/registration-withdrawal",
                          json=lookup | {"password": "Wrong-pass1"})
    assert refused.status_code == 422 and refused.json["code"] == "password_wrong"
    done = client.post("/api/v1/auth/registration-withdrawal",
                       json=lookup | {"password": data["password"]})
    assert done.status_code == 200
    assert client.post("/api/v1/auth/registration-status", json=lookup).status_code == 404
    # the same person registers again, this time under the right employer
    again = registration(orgs["open"], real_name="想撤回", id_number=data["id_number"],
                         username=data["username"])
    assert client.post("/api/v1/auth/register", json=again).status_code == 201
    wait_until_active(client, again["username"], again["password"])


def test_identity_admin_actions_reach_the_audit_log_read_from_above(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    data = registration(orgs["open"])
    user_id = client.post("/api/v1/auth/register", json=data).json["user_id"]
    wait_until_active(client, data["username"], data["password"])
    employer_admin = login(client, *grant_admin(uow, orgs["open"], username="emp"),
                           role="admin").json
    client.post(f"/api/v1/admin/learners/{user_id}/password-reset",
                headers=bearer(employer_admin))
    above = login(client, *grant_admin(uow, orgs["bureau"], modules=["statistics"],
                                       username="above"), role="admin").json
    sibling = login(client, *grant_admin(uow, orgs["other_bureau"], modules=["statistics"],
                                         username="beside"), role="admin").json

    def logged():
        items = client.get("/api/v1/admin/audit-log", headers=bearer(above)).json["items"]
        return [i for i in items if i["action"] == "learner_password_reset"]
    [entry] = eventually(logged, timeout=10)
    assert entry["target_id"] == user_id
    assert client.get("/api/v1/admin/audit-log", headers=bearer(sibling)).json["total"] == 0
