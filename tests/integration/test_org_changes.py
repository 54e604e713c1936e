"""修改单位信息 / 更换上级部门 / 变更记录 through the gateway, and the subtree moves that
follow: paths rewritten in orgtree and in identity's copy, jurisdiction following them."""
import pytest
import sqlalchemy as sa

from services.identity.domain.passwords import Hasher
from services.identity.models import accounts

from tests.builders import registration, uscc
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, upload_scan
from tests.integration.test_gateway_flow import bearer, login, wait_until_active

pytestmark = pytest.mark.integration


def admin(client, uow, org_id, modules, username):
    return bearer(login(client, *grant_admin(uow, org_id, modules=modules, username=username),
                        role="admin").json)


def test_info_change_blocks_a_second_one_can_be_withdrawn_and_is_approved_above(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    unit = admin(client, uow, orgs["open"], ["basic_info"], "unitadmin")
    above = admin(client, uow, orgs["bureau"], ["account_review"], "aboveadmin")

    first = client.post("/api/v1/admin/org/changes", headers=unit, json={"name": "改名医院"})
    assert first.status_code == 201, first.json
    second = client.post("/api/v1/admin/org/changes", headers=unit, json={"name": "又改名"})
    assert second.status_code == 409 and second.json["detail"] == "已有修改单位信息在审核流程中"
    # the unit's own admin cannot approve it
    own = client.post("/api/v1/admin/org-change-reviews/decisions", headers=unit,
                      json={"change_ids": [first.json["change_id"]], "decision": "approve"})
    assert own.status_code == 403
    withdrawn = client.post(f"/api/v1/admin/org/changes/{first.json['change_id']}/withdrawal",
                            headers=unit)
    assert withdrawn.json["status"] == "withdrawn"

    scan = upload_scan(client).json["certificate_id"]
    code = uscc()
    again = client.post("/api/v1/admin/org/changes", headers=unit, json={
        "name": "天津改名医院", "uscc": code, "certificate_id": scan})
    assert again.status_code == 201, again.json
    reviews = client.get("/api/v1/admin/org-change-reviews", headers=above).json
    assert [r["change_id"] for r in reviews["items"]] == [again.json["change_id"]]
    assert client.get("/api/v1/admin/org-change-reviews", headers=above,
                      query_string={"q": "直接通过"}).json["total"] == 1
    assert client.get("/api/v1/admin/org-change-reviews", headers=above,
                      query_string={"q": "别的单位"}).json["total"] == 0
    diff = {d["field"]: (d["before"], d["after"]) for d in reviews["items"][0]["diff"]}
    assert diff["name"] == ("直接通过医院", "天津改名医院") and diff["uscc"] == (None, code)
    decided = client.post("/api/v1/admin/org-change-reviews/decisions", headers=above, json={
        "change_ids": [again.json["change_id"]], "decision": "approve"}).json
    assert decided["decided"] == [again.json["change_id"]]

    mine = client.get("/api/v1/admin/org", headers=unit).json
    assert (mine["name"], mine["uscc"]) == ("天津改名医院", code)
    records = client.get("/api/v1/admin/org/changes", headers=unit).json
    assert [r["status"] for r in records["items"]] == ["approved", "withdrawn"]
    # identity's copy of the tree follows by org_updated (learner lists show the new name)
    person = registration(orgs["open"], real_name="看新名字")
    client.post("/api/v1/auth/register", json=person)
    tokens = wait_until_active(client, person["username"], person["password"]).json
    assert eventually(lambda: client.get("/api/v1/me/profile", headers=bearer(tokens))
                      .json["org_name"] == "天津改名医院")


def test_no_change_while_people_await_review_below(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    unit = admin(client, uow, orgs["reviewing"], ["basic_info", "account_review"], "revunit")
    client.post("/api/v1/auth/register", json=registration(orgs["reviewing"]))
    eventually(lambda: client.get("/api/v1/admin/member-reviews", headers=unit).json["total"])
    response = client.post("/api/v1/admin/org/changes", headers=unit, json={"name": "新名字"})
    assert response.status_code == 409 and response.json["code"] == "reviews_pending_below"
    response = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                           json={"parent_id": orgs["other_bureau"]})
    assert response.status_code == 409 and response.json["code"] == "reviews_pending_below"


def test_parent_change_needs_both_parents_and_moves_the_subtree_everywhere(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    person = registration(orgs["open"], real_name="随单位调整")
    user_id = client.post("/api/v1/auth/register", json=person).json["user_id"]
    wait_until_active(client, person["username"], person["password"])
    unit = admin(client, uow, orgs["open"], ["basic_info", "learner_management"], "moveunit")
    department = client.post("/api/v1/admin/departments", headers=unit,
                             json={"name": "内科", "parent_id": orgs["open"]})
    old_side = admin(client, uow, orgs["bureau"], ["account_review", "learner_management"],
                     "oldside")
    new_side = admin(client, uow, orgs["other_bureau"], ["account_review",
                                                         "learner_management"], "newside")

    cycle = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                        json={"parent_id": department.json["id"]})
    assert cycle.status_code == 422 and cycle.json["code"] == "parent_in_own_subtree"
    forged = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                         json={"parent_id": 987654})
    assert forged.status_code == 404
    same = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                       json={"parent_id": orgs["bureau"]})
    assert same.status_code == 422 and same.json["code"] == "same_parent"

    change = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                         json={"parent_id": orgs["other_bureau"]}).json
    change_id = change["change_id"]
    for side in (old_side, new_side):
        listed = client.get("/api/v1/admin/org-change-reviews", headers=side).json
        assert [r["change_id"] for r in listed["items"]] == [change_id]
    first = client.post("/api/v1/admin/org-change-reviews/decisions", headers=old_side,
                        json={"change_ids": [change_id], "decision": "approve"}).json
    assert first["decided"] == [change_id]
    records = client.get("/api/v1/admin/org/changes", headers=unit).json["items"]
    assert (records[0]["status"], records[0]["old_parent_decision"],
            records[0]["new_parent_decision"]) == ("pending", "approved", None)
    # the old side cannot decide twice; still in jurisdiction of the old bureau until the end
    again = client.post("/api/v1/admin/org-change-reviews/decisions", headers=old_side,
                        json={"change_ids": [change_id], "decision": "approve"}).json
    assert again["skipped"] == [{"change_id": change_id,
                                 "reason": "您已审核过该申请，等待另一方审核"}]
    found = client.get("/api/v1/admin/learners", headers=old_side,
                       query_string={"real_name": "随单位调整"}).json
    assert found["total"] == 1

    last = client.post("/api/v1/admin/org-change-reviews/decisions", headers=new_side,
                       json={"change_ids": [change_id], "decision": "approve"}).json
    assert last["decided"] == [change_id]

    # The unit's admin signs in again; identity learns of the move from orgtree's event,
    # so a token made before it has arrived still names the old path: wait for it.
    def changes_as_unit_admin():
        answer = client.get("/api/v1/admin/org/changes", headers=bearer(login(
            client, "moveunit", "Admin@2026", role="admin").json))
        return answer.json["items"] if answer.status_code == 200 else None
    records = eventually(changes_as_unit_admin, timeout=15)
    assert records[0]["status"] == "approved"

    # identity's copy moved too: the new bureau's admin finds the person, the old does not
    def moved():
        new = client.get("/api/v1/admin/learners", headers=new_side,
                         query_string={"real_name": "随单位调整"}).json
        return new["total"] == 1 and new["items"][0]["user_id"] == user_id
    assert eventually(moved, timeout=10)
    old = client.get("/api/v1/admin/learners", headers=old_side,
                     query_string={"real_name": "随单位调整"}).json
    assert old["total"] == 0
    # the department moved with its unit: searchable in the picker under the new path
    picked = client.get("/api/v1/orgs/tree", query_string={"q": "内科"}).json["items"]
    assert picked[0]["path_names"] == ["外市人社局", "直接通过医院", "内科"]


def test_a_rejection_by_either_parent_ends_the_parent_change(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    unit = admin(client, uow, orgs["open"], ["basic_info"], "rejunit")
    new_side = admin(client, uow, orgs["other_bureau"], ["account_review"], "rejnew")
    change_id = client.post("/api/v1/admin/org/parent-changes", headers=unit,
                            json={"parent_id": orgs["other_bureau"]}).json["change_id"]
    refused = client.post("/api/v1/admin/org-change-reviews/decisions", headers=new_side,
                          json={"change_ids": [change_id], "decision": "reject",
                                "reason": "不属于本局管理"}).json
    assert refused["decided"] == [change_id]
    record = client.get("/api/v1/admin/org/changes", headers=unit).json["items"][0]
    assert (record["status"], record["reason"]) == ("rejected", "不属于本局管理")
    picked = client.get("/api/v1/orgs/tree", query_string={"q": "直接通过医院"}).json["items"]
    assert picked[0]["path_names"] == ["测试人社局", "直接通过医院"]


def test_the_operator_moves_a_subtree_directly_and_only_the_operator(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    with uow("identity")() as u:
        now = u.clock.now()
        u.session.execute(sa.insert(accounts).values(
            username="opuser", password_hash=Hasher(time_cost=1, memory_cost=1024).hash(
                "Operator@2026"), status="active", is_learner=False, is_operator=True,
            must_change_password=False, failed_logins=0, created_at=now, updated_at=now))
        u.commit()
    operator = bearer(login(client, "opuser", "Operator@2026", role="operator").json)
    bureau_admin = admin(client, uow, orgs["bureau"], ["basic_info"], "notoperator")
    refused = client.post(f"/api/v1/admin/orgs/{orgs['reviewing']}/move", headers=bureau_admin,
                          json={"parent_id": orgs["other_bureau"]})
    assert refused.status_code == 403
    cycle = client.post(f"/api/v1/admin/orgs/{orgs['bureau']}/move", headers=operator,
                        json={"parent_id": orgs["bureau"]})
    assert cycle.status_code == 422 and cycle.json["code"] == "parent_in_own_subtree"
    moved = client.post(f"/api/v1/admin/orgs/{orgs['reviewing']}/move", headers=operator,
                        json={"parent_id": orgs["other_bureau"]})
    assert moved.status_code == 200 and moved.json["units_moved"] == 1
    picked = client.get("/api/v1/orgs/tree", query_string={"q": "需要审核集团"}).json["items"]
    assert picked[0]["path_names"] == ["外市人社局", "需要审核集团"]


def test_no_change_while_a_personnel_change_awaits_review_below(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    person = registration(orgs["open"], real_name="待改名")
    client.post("/api/v1/auth/register", json=person)
    me = bearer(wait_until_active(client, person["username"], person["password"]).json)
    asked = client.post("/api/v1/me/info-changes", headers=me, json={"real_name": "已改名"})
    assert asked.status_code == 201
    unit = admin(client, uow, orgs["open"], ["basic_info"], "blockedunit")
    refused = client.post("/api/v1/admin/org/changes", headers=unit, json={"name": "新名字"})
    assert refused.status_code == 409 and "人员信息变更1条" in refused.json["detail"]
    client.post(f"/api/v1/me/info-changes/{asked.json['change_id']}/withdrawal", headers=me)
    allowed = client.post("/api/v1/admin/org/changes", headers=unit, json={"name": "新名字"})
    assert allowed.status_code == 201, allowed.json
