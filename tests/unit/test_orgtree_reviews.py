"""审核注册人员 in orgtree: scoped to the admin's subtree, decided once, audited."""
import datetime as dt
import json

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.common.errors import Forbidden, InvalidInput
from services.orgtree import models, tree
from services.orgtree.service import OrgTreeService
from tests.builders import envelope


@pytest.fixture
def db(uow_factory):
    return uow_factory("orgtree")


@pytest.fixture
def orgs(db):
    with db() as uow:
        bureau = tree.add_org(uow, "人社局", "hr_bureau")
        reviewing = tree.add_org(uow, "建工集团", "employer", bureau, review_members=True)
        other = tree.add_org(uow, "外市集团", "employer", review_members=True)
        uow.commit()
    return {"bureau": bureau, "reviewing": reviewing, "other": other}


@pytest.fixture
def orgtree(db, orgs):
    return worker_factory(OrgTreeService, db=db)


def register(orgtree, user_id, org_id, name="张三"):
    orgtree.on_user_registered(envelope("identity", "user_registered", {
        "user_id": user_id, "username": f"u{user_id}", "org_id": org_id, "real_name": name,
        "id_type": "id_card", "id_number_masked": "1201****1028", "gender": "male",
        "birth_date": dt.date(1990, 1, 1), "title_level": None,
        "registered_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}))


def admin(org_id, path, modules=("account_review", "statistics"), user_id=900):
    return {"user_id": user_id, "role": "admin", "org_id": org_id, "org_path": path,
            "modules": list(modules)}


def events(db, event_type):
    with db() as uow:
        return [json.loads(e)["payload"] for e in uow.session.execute(
            select(models.outbox.c.envelope).where(models.outbox.c.event_type == event_type)
        ).scalars()]


def test_pending_people_are_listed_within_the_subtree_only(orgtree, orgs):
    register(orgtree, 1, orgs["reviewing"], "李雷")
    register(orgtree, 2, orgs["other"], "韩梅梅")
    page = orgtree.member_reviews(admin(orgs["bureau"], f"/{orgs['bureau']}/"), {})
    assert [i["real_name"] for i in page["items"]] == ["李雷"]
    assert page["items"][0]["org_name"] == "建工集团"
    with pytest.raises(Forbidden):
        orgtree.member_reviews(admin(orgs["bureau"], "/1/", modules=("statistics",)), {})


def test_batch_approval_decides_each_once_and_skips_what_it_may_not(orgtree, orgs, db):
    for user_id, org in ((1, "reviewing"), (2, "reviewing"), (3, "other"), (900, "reviewing")):
        register(orgtree, user_id, orgs[org])
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/")
    with db() as uow:
        ids = dict(uow.session.execute(select(models.memberships.c.user_id,
                                              models.memberships.c.id)).all())
    missing = max(ids.values()) + 100
    result = orgtree.decide_members(boss, [ids[1], ids[2], ids[3], ids[900], missing], "approve")
    assert result == {"decided": [ids[1], ids[2]], "skipped": [
        {"membership_id": ids[3], "reason": "不在您的审核范围内"},
        {"membership_id": ids[900], "reason": "不能审核本人的申请"},
        {"membership_id": missing, "reason": "不在您的审核范围内"}]}
    again = orgtree.decide_members(boss, [ids[1]], "approve")
    assert again == {"decided": [], "skipped": [
        {"membership_id": ids[1], "reason": "该申请已处理"}]}
    assert sorted(e["user_id"] for e in events(db, "member_approved")) == [1, 2]
    assert all(e["approved_by"] == 900 for e in events(db, "member_approved"))


def test_rejection_needs_a_reason_and_tells_it(orgtree, orgs, db):
    register(orgtree, 5, orgs["reviewing"])
    with db() as uow:
        membership_id = uow.session.execute(select(models.memberships.c.id)).scalar()
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/")
    with pytest.raises(InvalidInput) as err:
        orgtree.decide_members(boss, [membership_id], "reject", "  ")
    assert "reason" in err.value.fields
    orgtree.decide_members(boss, [membership_id], "reject", "非本单位人员")
    assert events(db, "member_rejected")[0]["reason"] == "非本单位人员"


def test_audit_log_is_read_by_the_level_above_not_by_siblings(orgtree, orgs, db):
    register(orgtree, 6, orgs["reviewing"])
    with db() as uow:
        membership_id = uow.session.execute(select(models.memberships.c.id)).scalar()
    employer_admin = admin(orgs["reviewing"], f"/{orgs['bureau']}/{orgs['reviewing']}/")
    orgtree.decide_members(employer_admin, [membership_id], "approve")
    above = orgtree.audit_log(admin(orgs["bureau"], f"/{orgs['bureau']}/"))
    assert [(i["action"], i["target_id"]) for i in above["items"]] == [
        ("member_approved", membership_id)]
    assert above["items"][0]["before"] == {"status": "pending"}
    assert orgtree.audit_log(admin(orgs["other"], f"/{orgs['other']}/"))["total"] == 0


def test_transfer_rules(orgtree, orgs, db):
    from services.common.errors import Conflict, NotFound
    register(orgtree, 8, orgs["reviewing"])
    with db() as uow:
        membership_id = uow.session.execute(select(models.memberships.c.id)).scalar()
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/", modules=("account_review",
                                                                  "learner_management"))
    with pytest.raises(NotFound):  # not approved yet: nobody to transfer
        orgtree.transfer_out(boss, 8, orgs["other"])
    orgtree.decide_members(boss, [membership_id], "approve")
    with pytest.raises(InvalidInput):
        orgtree.transfer_out(boss, 8, orgs["reviewing"])  # same org
    with pytest.raises(NotFound):
        orgtree.transfer_out(boss, 8, orgs["bureau"])  # an HR bureau takes no people
    transfer = orgtree.transfer_out(boss, 8, orgs["other"], "借调")
    receiver = admin(orgs["other"], f"/{orgs['other']}/", modules=("learner_management",))
    with pytest.raises(InvalidInput):
        orgtree.decide_transfer(receiver, transfer["transfer_id"], "reject", "")
    done = orgtree.decide_transfer(receiver, transfer["transfer_id"], "reject", "编制已满")
    assert done["status"] == "rejected" and done["reason"] == "编制已满"
    with pytest.raises(Conflict):
        orgtree.decide_transfer(receiver, transfer["transfer_id"], "accept")
    assert events(db, "member_transferred") == []


def test_internal_departments(orgtree, orgs, db):
    boss = admin(orgs["reviewing"], f"/{orgs['bureau']}/{orgs['reviewing']}/",
                 modules=("basic_info",))
    dept = orgtree.add_department(boss, "技术部", orgs["reviewing"])
    assert dept["type"] == "internal_dept" and dept["review_members"] is True
    sub = orgtree.add_department(boss, "一组", dept["id"])
    assert sub["path"].startswith(dept["path"])
    with pytest.raises(InvalidInput):
        orgtree.add_department(boss, "技术部", orgs["reviewing"])  # same name, same parent
    from services.common.errors import NotFound
    with pytest.raises(NotFound):
        orgtree.add_department(boss, "越权部", orgs["other"])
    with pytest.raises(NotFound):
        orgtree.change_department(boss, orgs["reviewing"], name="改单位名")  # not a department
    changed = orgtree.change_department(boss, dept["id"], status="disabled")
    assert changed["status"] == "disabled"
    assert events(db, "org_updated")[-1] == {
        "org_id": dept["id"], "name": "技术部", "status": "disabled", "review_members": True,
        "parent_id": orgs["reviewing"], "path": dept["path"], "type": "internal_dept"}


def test_identity_admin_actions_join_the_audit_log(orgtree, orgs):
    path = f"/{orgs['bureau']}/"
    orgtree.on_admin_action_recorded(envelope("identity", "admin_action_recorded", {
        "actor_user_id": 5, "actor_org_path": path, "action": "role_created",
        "target_type": "role", "target_id": 9, "before": None,
        "after": {"name": "审核员"}, "at": dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)}))
    log = orgtree.audit_log(admin(orgs["bureau"], path))
    assert [(i["action"], i["after"]) for i in log["items"]] == [
        ("role_created", {"name": "审核员"})]


def test_admin_moves_people_within_the_subtree_at_once(orgtree, orgs, db):
    from services.common.errors import NotFound
    with db() as uow:
        third = tree.add_org(uow, "三公司", "employer", orgs["bureau"])
        uow.commit()
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/",
                 modules=("account_review", "learner_management"))
    for user_id in (21, 22):
        register(orgtree, user_id, orgs["reviewing"])
    register(orgtree, 23, orgs["other"])
    with db() as uow:
        ids = uow.session.execute(select(models.memberships.c.id).where(
            models.memberships.c.user_id.in_([21, 22]))).scalars().all()
    orgtree.decide_members(boss, ids, "approve")
    result = orgtree.move_members(boss, [21, 22, 23, 99], third)
    assert result == {"moved": [21, 22], "skipped": [{"user_id": 23, "reason": "不在您的管辖范围内"},
                                                     {"user_id": 99, "reason": "不在您的管辖范围内"}]}
    again = orgtree.move_members(boss, [21], third)
    assert again == {"moved": [], "skipped": [{"user_id": 21, "reason": "已在该单位"}]}
    assert [e["to_org_id"] for e in events(db, "member_transferred")] == [third, third]
    with pytest.raises(NotFound):
        orgtree.move_members(boss, [21], orgs["other"])  # target outside the subtree


# --- lists: one pager -----------------------------------------------------------

def test_every_list_answers_the_same_wrapper(orgtree, orgs):
    register(orgtree, 1, orgs["reviewing"])
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/", modules=(
        "account_review", "statistics", "learner_management", "direct_accounts"))
    lists = [orgtree.member_reviews(boss, {}), orgtree.audit_log(boss),
             orgtree.transfer_records(boss, "in"), orgtree.org_registrations(boss, {}),
             orgtree.org_change_reviews(boss, {}), orgtree.subordinate_units(boss, {})]
    for answer in lists:
        assert set(answer) == {"items", "total", "page", "page_size"}, answer
    assert orgtree.audit_log(boss)["page_size"] == 50


@pytest.mark.parametrize("call", [
    lambda o, a: o.transfer_records(a, "in", None, 0),
    lambda o, a: o.audit_log(a, 1, 500),
    lambda o, a: o.member_reviews(a, {"page_size": 1000}),
    lambda o, a: o.org_change_reviews(a, {"page": -1}),
])
def test_every_list_refuses_a_page_out_of_range(orgtree, orgs, call):
    boss = admin(orgs["bureau"], f"/{orgs['bureau']}/", modules=(
        "account_review", "statistics", "learner_management"))
    with pytest.raises(InvalidInput):
        call(orgtree, boss)
