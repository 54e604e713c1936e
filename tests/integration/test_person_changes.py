"""人员信息变更: a learner asks to change name and ID number, their org's admin sees the
field-by-field difference and approves; one request at a time, withdrawable, refused
outside the jurisdiction, and the new name reaches orgtree's lists."""
import pytest
import sqlalchemy as sa

from services.orgtree.models import memberships

from tests.builders import citizen_id, registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin
from tests.integration.test_gateway_flow import bearer, login, wait_until_active

pytestmark = pytest.mark.integration


def test_name_and_id_change_is_reviewed_then_applied_everywhere(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    person = registration(orgs["open"], real_name="原名字", birth_date="1990-01-01")
    client.post("/api/v1/auth/register", json=person)
    me = bearer(wait_until_active(client, person["username"], person["password"]).json)
    reviewer = bearer(login(client, *grant_admin(uow, orgs["bureau"], modules=[
        "account_review", "learner_management"]), role="admin").json)
    outsider = bearer(login(client, *grant_admin(uow, orgs["other_bureau"], username="out",
                                                 modules=["account_review"]), role="admin").json)

    # the direct profile edit still refuses the reviewed fields
    direct = client.patch("/api/v1/me", headers=me, json={"real_name": "新名字"})
    assert direct.status_code == 422 and direct.json["code"] == "change_needs_review"
    mismatch = client.post("/api/v1/me/info-changes", headers=me, json={
        "id_number": citizen_id(birth="19850505")})
    assert mismatch.status_code == 422 and mismatch.json["code"] == "birth_date_mismatch"
    new_id = citizen_id(birth="19900101")
    asked = client.post("/api/v1/me/info-changes", headers=me, json={
        "real_name": "新名字", "id_number": new_id})
    assert asked.status_code == 201, asked.json
    twice = client.post("/api/v1/me/info-changes", headers=me, json={"real_name": "第三个"})
    assert twice.status_code == 409 and twice.json["code"] == "change_pending"

    assert client.get("/api/v1/admin/person-change-reviews", headers=outsider).json["total"] == 0
    refused = client.post("/api/v1/admin/person-change-reviews/decisions", headers=outsider,
                          json={"change_ids": [asked.json["change_id"]], "decision": "approve"})
    assert refused.json["skipped"][0]["reason"] == "不在您的审核范围内"

    listed = client.get("/api/v1/admin/person-change-reviews", headers=reviewer).json
    diff = {d["field"]: (d["before"], d["after"]) for d in listed["items"][0]["diff"]}
    assert diff["real_name"] == ("原名字", "新名字")
    assert "*" in diff["id_number"][1]  # masked: the reviewer's role has no pii_full
    done = client.post("/api/v1/admin/person-change-reviews/decisions", headers=reviewer,
                       json={"change_ids": [asked.json["change_id"]], "decision": "approve"})
    assert done.json["decided"] == [asked.json["change_id"]]

    profile = client.get("/api/v1/me/profile", headers=me).json
    assert (profile["real_name"], profile["id_number"]) == ("新名字", new_id)
    assert login(client, new_id, person["password"]).status_code == 200  # logs in by new ID
    mine = client.get("/api/v1/me/info-changes", headers=me).json["items"]
    assert mine[0]["status"] == "approved"

    # orgtree's lists (reviews, transfers) follow by user_updated
    def orgtree_name():
        with uow("orgtree")() as u:
            return u.session.execute(sa.select(memberships.c.real_name).where(
                memberships.c.user_id == profile["user_id"])).scalar() == "新名字"
    assert eventually(orgtree_name, timeout=10)


def test_withdrawn_and_rejected_changes_change_nothing(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    person = registration(orgs["open"], real_name="不变名")
    client.post("/api/v1/auth/register", json=person)
    me = bearer(wait_until_active(client, person["username"], person["password"]).json)
    reviewer = bearer(login(client, *grant_admin(uow, orgs["open"], modules=["account_review"]),
                            role="admin").json)
    first = client.post("/api/v1/me/info-changes", headers=me, json={"real_name": "想改名"}).json
    withdrawn = client.post(f"/api/v1/me/info-changes/{first['change_id']}/withdrawal",
                            headers=me)
    assert withdrawn.json["status"] == "withdrawn"
    late = client.post("/api/v1/admin/person-change-reviews/decisions", headers=reviewer,
                       json={"change_ids": [first["change_id"]], "decision": "approve"}).json
    assert late["skipped"][0]["reason"] == "该申请已处理"
    second = client.post("/api/v1/me/info-changes", headers=me, json={"real_name": "再改名"}).json
    no_reason = client.post("/api/v1/admin/person-change-reviews/decisions", headers=reviewer,
                            json={"change_ids": [second["change_id"]], "decision": "reject"})
    assert no_reason.status_code == 422
    client.post("/api/v1/admin/person-change-reviews/decisions", headers=reviewer, json={
        "change_ids": [second["change_id"]], "decision": "reject", "reason": "请提供证明材料"})
    assert client.get("/api/v1/me/profile", headers=me).json["real_name"] == "不变名"
    mine = client.get("/api/v1/me/info-changes", headers=me).json["items"]
    assert [(c["status"], c["reason"]) for c in mine] == [("rejected", "请提供证明材料"),
                                                          ("withdrawn", None)]
