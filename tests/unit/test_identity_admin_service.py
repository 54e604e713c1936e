"""Learner management and admin management in identity: jurisdiction and modules are
enforced by the service itself, from the actor the gateway passes."""
import datetime as dt

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from sqlalchemy import select, update

from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.identity import models
from services.identity.domain.permissions import require_governed
from services.identity.service import IdentityService
from services.identity.tokens import modules_version
from tests.builders import envelope, org_payload, registration

BUREAU, HOSPITAL, WARD, OTHER = 1, 3, 4, 9


@pytest.fixture
def db(uow_factory):
    return uow_factory("identity")


@pytest.fixture
def identity(db):
    service = worker_factory(IdentityService, db=db, captcha_required=False)
    for payload in (org_payload(BUREAU, "人社局", "hr_bureau", path="/1/"),
                    org_payload(HOSPITAL, "中心医院", parent_id=1, path="/1/3/"),
                    org_payload(WARD, "心内科", "internal_dept", parent_id=3, path="/1/3/4/"),
                    org_payload(OTHER, "外市单位", path="/9/")):
        service.on_org_registered(envelope("orgtree", "org_registered", payload))
    return service


def admin(org_id, path, modules=("learner_management",), super_=True, user_id=999):
    return {"user_id": user_id, "role": "admin", "org_id": org_id, "org_path": path,
            "modules": list(modules), "super": super_}


def people(identity, *specs):
    ids = []
    for org_id, name in specs:
        result = identity.register(registration(org_id, real_name=name))
        ids.append(result["user_id"])
    return ids


def test_learner_query_is_limited_to_the_subtree_and_masks_pii(identity):
    people(identity, (HOSPITAL, "张三"), (WARD, "李四"), (OTHER, "王五"))
    page = identity.search_learners(admin(BUREAU, "/1/"), {})
    assert page["total"] == 2
    assert {i["real_name"] for i in page["items"]} == {"张三", "李四"}
    assert all("*" in i["id_number_masked"] and "*" in i["mobile_masked"] for i in page["items"])
    assert "id_number" not in page["items"][0] and "mobile" not in page["items"][0]
    page = identity.search_learners(admin(OTHER, "/9/"), {})
    assert [i["real_name"] for i in page["items"]] == ["王五"]


def test_org_filter_includes_descendants_and_refuses_orgs_outside(identity):
    people(identity, (HOSPITAL, "张三"), (WARD, "李四"))
    page = identity.search_learners(admin(BUREAU, "/1/"), {"org_id": HOSPITAL})
    assert page["total"] == 2
    page = identity.search_learners(admin(BUREAU, "/1/"), {"org_id": WARD})
    assert [i["real_name"] for i in page["items"]] == ["李四"]
    with pytest.raises(NotFound):
        identity.search_learners(admin(BUREAU, "/1/"), {"org_id": OTHER})


def test_filters_paging_and_sorting(identity, db):
    ids = people(identity, *[(HOSPITAL, f"测试{chr(0x4e00 + i)}") for i in range(25)])
    with db() as uow:  # spread the registrations over Beijing calendar days
        for n, user_id in enumerate(ids):
            uow.session.execute(update(models.people).where(models.people.c.user_id == user_id)
                                .values(registered_at=dt.datetime(2026, 3, 1, 16, 30,
                                                                  tzinfo=dt.timezone.utc)
                                        + dt.timedelta(days=n)))
        uow.commit()
    actor = admin(BUREAU, "/1/")
    page = identity.search_learners(actor, {"page": 2, "page_size": 10, "sort": "registered_at",
                                            "order": "asc"})
    assert page["total"] == 25 and len(page["items"]) == 10
    assert page["items"][0]["user_id"] == ids[10]
    # 2026-03-01 16:30 UTC is 2026-03-02 00:30 in Beijing
    page = identity.search_learners(actor, {"registered_from": "2026-03-02",
                                            "registered_to": "2026-03-02"})
    assert [i["user_id"] for i in page["items"]] == [ids[0]]
    with db() as uow:
        number = uow.session.execute(select(models.people.c.id_number).where(
            models.people.c.user_id == ids[3])).scalar()
    page = identity.search_learners(actor, {"id_number": number.lower()})
    assert [i["user_id"] for i in page["items"]] == [ids[3]]
    with pytest.raises(InvalidInput) as err:
        identity.search_learners(actor, {"page_size": 1000, "sort": "password_hash"})
    assert set(err.value.fields) == {"page_size", "sort"}


def test_learner_management_needs_the_module(identity):
    people(identity, (HOSPITAL, "张三"))
    with pytest.raises(Forbidden) as err:
        identity.search_learners(admin(BUREAU, "/1/", modules=("statistics",)), {})
    assert err.value.code == "module_required"
    with pytest.raises(Forbidden):
        identity.search_learners({"user_id": 5, "role": "learner", "org_path": "/1/3/"}, {})


def test_one_learner_outside_the_jurisdiction_is_not_found(identity):
    [inside, outside] = people(identity, (HOSPITAL, "张三"), (OTHER, "王五"))
    assert identity.get_learner(admin(BUREAU, "/1/"), inside)["real_name"] == "张三"
    with pytest.raises(NotFound):
        identity.get_learner(admin(BUREAU, "/1/"), outside)


def test_roles_are_per_org_and_only_super_admins_manage_them(identity, db):
    boss, _, _ = seed_super_admin(identity, db, HOSPITAL, "/1/3/")
    other_boss, _, _ = seed_super_admin(identity, db, OTHER, "/9/")
    role = identity.create_role(boss, {"name": "审核员", "modules": ["account_review",
                                                                  "account_review"]})
    assert role["modules"] == ["account_review"] and role["module_labels"] == ["账号审核"]
    with pytest.raises(Conflict):
        identity.create_role(boss, {"name": "审核员", "modules": []})
    with pytest.raises(InvalidInput) as err:
        identity.create_role(boss, {"name": "x", "modules": ["root"]})
    assert "modules" in err.value.fields
    assert [r["name"] for r in identity.list_roles(other_boss)] == ["超级管理员"]
    with pytest.raises(NotFound):
        identity.update_role(other_boss, role["id"], {"name": "抢来的"})
    with pytest.raises(Forbidden):  # not super
        identity.create_role(boss | {"super": False}, {"name": "y", "modules": []})
    with pytest.raises(Forbidden):  # a token claiming super without a live super grant
        identity.create_role(admin(HOSPITAL, "/1/3/"), {"name": "y", "modules": []})
    updated = identity.update_role(boss, role["id"], {"modules": ["statistics"]})
    assert updated["modules"] == ["statistics"]


def seed_super_admin(identity, db, org_id, path):
    """The org's super admin, as the seed creates one."""
    [user_id] = people(identity, (org_id, "超级管理员"))
    with db() as uow:
        role_id = uow.session.execute(models.roles.insert().values(
            org_id=org_id, name="超级管理员", modules=["learner_management"])
        ).inserted_primary_key[0]
        grant_id = uow.session.execute(models.admin_grants.insert().values(
            user_id=user_id, org_id=org_id, role_id=role_id, is_super=True, status="active",
            granted_at=dt.datetime.now(dt.timezone.utc))).inserted_primary_key[0]
        uow.commit()
    return admin(org_id, path, user_id=user_id) | {"grant_id": grant_id}, grant_id, role_id


def test_admin_lifecycle(identity, db):
    boss, boss_grant, role_id = seed_super_admin(identity, db, HOSPITAL, "/1/3/")
    [person, stranger] = people(identity, (HOSPITAL, "赵六"), (OTHER, "外人"))
    added = identity.add_admin(boss, {"user_id": person, "role_id": role_id})
    assert added["is_super"] is False and added["status"] == "active"
    with pytest.raises(Conflict):
        identity.add_admin(boss, {"user_id": person, "role_id": role_id})
    with pytest.raises(NotFound):  # one of the org's people: a stranger is not
        identity.add_admin(boss, {"user_id": stranger, "role_id": role_id})
    disabled = identity.set_admin_status(boss, added["grant_id"], "disabled")
    assert disabled["status"] == "disabled"
    with pytest.raises(Conflict):
        identity.set_admin_status(boss, boss_grant, "disabled")  # not oneself
    identity.set_admin_status(boss, added["grant_id"], "active")
    promoted = identity.make_super_admin(boss, added["grant_id"])
    assert promoted["is_super"] is True
    with pytest.raises(Forbidden):  # the old super admin's token still says super: refused
        identity.list_admins(boss)
    new_boss = admin(HOSPITAL, "/1/3/", user_id=person) | {"grant_id": added["grant_id"]}
    listed = {a["grant_id"]: a["is_super"] for a in identity.list_admins(new_boss)}
    assert listed == {boss_grant: False, added["grant_id"]: True}
    other_boss, _, _ = seed_super_admin(identity, db, OTHER, "/9/")
    assert all(a["grant_id"] != added["grant_id"] for a in identity.list_admins(other_boss))
    with pytest.raises(NotFound):
        identity.set_admin_status(other_boss, added["grant_id"], "disabled")
    with pytest.raises(Conflict):  # a role still in use cannot be deleted
        identity.delete_role(new_boss, role_id)
    identity.set_admin_status(new_boss, boss_grant, "revoked")
    assert [a["grant_id"] for a in identity.list_admins(new_boss)] == [added["grant_id"]]
    done = identity.reset_admin_password(new_boss, added["grant_id"])
    assert done["must_change_password"] is True


def test_a_role_only_ended_grants_name_is_deleted_and_its_name_is_free(identity, db):
    boss, _, _ = seed_super_admin(identity, db, HOSPITAL, "/1/3/")
    [person] = people(identity, (HOSPITAL, "钱七"))
    role = identity.create_role(boss, {"name": "审核员", "modules": ["account_review"]})
    grant = identity.add_admin(boss, {"user_id": person, "role_id": role["id"]})
    identity.set_admin_status(boss, grant["grant_id"], "revoked")
    identity.delete_role(boss, role["id"])  # was a foreign-key failure (a 500)
    assert "审核员" not in [r["name"] for r in identity.list_roles(boss)]
    with pytest.raises(NotFound):
        identity.update_role(boss, role["id"], {"name": "复活"})
    with db() as uow:  # the ended grant still names its role
        assert uow.session.execute(sa.select(models.admin_grants.c.role_id).where(
            models.admin_grants.c.id == grant["grant_id"])).scalar() == role["id"]
    again = identity.create_role(boss, {"name": "审核员", "modules": ["statistics"]})
    assert again["id"] != role["id"]
    unused = identity.create_role(boss, {"name": "临时", "modules": []})
    identity.delete_role(boss, unused["id"])
    with db() as uow:  # nothing names it: gone for good
        assert uow.session.execute(sa.select(models.roles.c.id).where(
            models.roles.c.id == unused["id"])).first() is None


def test_admin_adds_a_learner_with_the_initial_password(identity, db):
    data = registration(HOSPITAL)
    for key in ("password", "password_confirm"):
        data.pop(key)
    added = identity.add_learner(admin(BUREAU, "/1/"), data)
    with db() as uow:
        account = uow.session.execute(select(models.accounts).where(
            models.accounts.c.id == added["user_id"])).mappings().first()
        [event] = [e for e in uow.session.execute(select(models.outbox.c.envelope)).scalars()
                   if '"user_registered"' in e]
    assert account["must_change_password"] is True
    assert identity.hasher.verify(account["password_hash"], data["id_number"][-6:])
    assert f'"added_by": {999}' in event
    outsider = registration(HOSPITAL)
    for key in ("password", "password_confirm"):
        outsider.pop(key)
    with pytest.raises(NotFound) as err:
        identity.add_learner(admin(OTHER, "/9/"), outsider)
    assert err.value.code == "org_not_in_jurisdiction"


def test_batch_query_finds_only_the_jurisdiction(identity, db):
    [inside, outside] = people(identity, (HOSPITAL, "张三"), (OTHER, "王五"))
    with db() as uow:
        names = dict(uow.session.execute(select(models.accounts.c.id,
                                                models.accounts.c.username)).all())
    result = identity.batch_query_learners(admin(BUREAU, "/1/"), "username",
                                           [names[inside].upper(), names[outside], "nobody"])
    assert [i["user_id"] for i in result["items"]] == [inside]
    assert result["not_found"] == [names[outside], "nobody"]
    with pytest.raises(InvalidInput):
        identity.batch_query_learners(admin(BUREAU, "/1/"), "mobile", ["1"])
    with pytest.raises(InvalidInput):
        identity.batch_query_learners(admin(BUREAU, "/1/"), "username", ["x"] * 1001)


def test_export_writes_a_chinese_xlsx_masked_unless_the_role_may_see(identity, tmp_path):
    import io

    from openpyxl import load_workbook

    from services.common.storage import FileStorage
    identity.storage = FileStorage(root=tmp_path, secret="s")
    people(identity, (HOSPITAL, "张三"), (OTHER, "王五"))
    with pytest.raises(Forbidden):
        identity.export_learners(admin(BUREAU, "/1/", modules=("statistics",)), {})

    def sheet(link):
        key = link["download_url"].split("/api/v1/files/")[1].split("?")[0]
        with identity.storage.open(key) as fh:
            return list(load_workbook(io.BytesIO(fh.read())).active.values)

    link = identity.export_learners(admin(BUREAU, "/1/"), {"real_name": "张"})
    assert link["rows"] == 1 and link["filename"].endswith(".xlsx")
    rows = sheet(link)
    assert rows[0][:5] == ("用户名", "姓名", "证件类型", "证件号码", "手机号")
    assert rows[1][1] == "张三" and rows[1][2] == "居民身份证" and "*" in rows[1][3]
    full = sheet(identity.export_learners(
        admin(BUREAU, "/1/", modules=("learner_management", "pii_full")), {}))
    assert "*" not in full[1][3] and len(full) == 2


def test_export_cells_never_become_formulas():
    from services.identity.learner_export import cell_value
    assert cell_value("real_name", "=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell_value("professional_title", "+1") == "'+1"
    assert cell_value("gender", "female") == "女"


def test_name_search_matches_from_the_first_character(identity):
    people(identity, (HOSPITAL, "王伟"), (HOSPITAL, "王伟东"), (HOSPITAL, "张伟"))
    names = lambda q: sorted(i["real_name"] for i in identity.search_learners(  # noqa: E731
        admin(BUREAU, "/1/"), {"real_name": q})["items"])
    assert names("王伟") == ["王伟", "王伟东"]
    assert names("王") == ["王伟", "王伟东"]
    assert names("伟") == []


def test_counts_are_exact_up_to_the_limit_then_say_more(identity, monkeypatch):
    from services.identity import directory
    people(identity, (HOSPITAL, "张三"), (WARD, "李四"), (HOSPITAL, "王五"))
    monkeypatch.setattr(directory, "COUNT_LIMIT", 2)
    page = identity.search_learners(admin(BUREAU, "/1/"), {"page_size": 1})
    assert (page["total"], page["total_exact"], len(page["items"])) == (2, False, 1)
    monkeypatch.setattr(directory, "COUNT_LIMIT", 3)
    page = identity.search_learners(admin(BUREAU, "/1/"), {})
    assert (page["total"], page["total_exact"]) == (3, True)


@pytest.mark.parametrize("scope,target,refusal", [
    ("/1/3/", dict(is_operator=True, person_path=None, grant_paths=[]),
     "operator_account_protected"),
    (None, dict(is_operator=True, person_path=None, grant_paths=[]),
     "operator_account_protected"),  # not even by the operator
    ("/1/3/", dict(is_operator=False, person_path="/1/", grant_paths=["/1/"]),
     "account_not_governed"),  # the unit above
    ("/1/3/", dict(is_operator=False, person_path="/1/5/", grant_paths=["/1/3/"]),
     "account_not_governed"),  # a sibling's person, though an admin here
    ("/1/3/", dict(is_operator=False, person_path=None, grant_paths=["/1/3/"]),
     "account_not_governed"),  # no person record: belongs nowhere
    ("/1/3/", dict(is_operator=False, person_path="/1/3/", grant_paths=["/1/3/", "/9/"]),
     "account_not_governed"),  # an admin elsewhere too
    ("/1/3/", dict(is_operator=False, person_path="/1/3/", grant_paths=["/1/3/", None]),
     "account_not_governed"),  # a grant of a unit identity does not know: elsewhere
    ("/1/3/", dict(is_operator=False, person_path="/1/3/4/", grant_paths=["/1/3/"],
                   own_org_grants=False), "account_not_governed"),
    ("/1/3/", dict(is_operator=False, person_path="/1/3/4/", grant_paths=["/1/3/", "/1/3/4/"]),
     None),
    ("/1/3/", dict(is_operator=False, person_path="/1/3/4/", grant_paths=["/1/3/4/"],
                   own_org_grants=False), None),
    (None, dict(is_operator=False, person_path=None, grant_paths=["/9/"]), None),
])
def test_who_governs_an_account(scope, target, refusal):
    if refusal is None:
        require_governed(scope, **target)
        return
    with pytest.raises(Forbidden) as err:
        require_governed(scope, **target)
    assert err.value.code == refusal


def test_a_role_change_is_listed_for_the_gateway_with_the_version_tokens_state(identity, db):
    boss, boss_grant, role_id = seed_super_admin(identity, db, HOSPITAL, "/1/3/")
    assert identity.grant_changes() == {"ended": [], "changed": []}
    identity.update_role(boss, role_id, {"name": "改名"})  # the modules are the same
    assert identity.grant_changes()["changed"] == []
    identity.update_role(boss, role_id, {"modules": ["statistics"]})
    with db() as uow:
        changed_at = uow.session.execute(select(models.roles.c.modules_changed_at).where(
            models.roles.c.id == role_id)).scalar()
    assert identity.grant_changes()["changed"] == [[boss_grant, modules_version(changed_at)]]
