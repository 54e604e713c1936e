import datetime as dt
import json

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.orgtree import models, tree
from services.orgtree.service import OrgTreeService
from tests.builders import envelope


@pytest.fixture
def db(uow_factory):
    return uow_factory("orgtree")


@pytest.fixture
def orgtree(db):
    with db() as uow:
        bureau = tree.add_org(uow, "天津市人社局", "hr_bureau")
        dept = tree.add_org(uow, "卫健委", "supervising_dept", bureau)
        tree.add_org(uow, "第一中心医院", "employer", dept, review_members=False)
        tree.add_org(uow, "医科大学总医院", "employer", dept, review_members=True)
        tree.add_org(uow, "待审单位", "employer", dept, status="pending")
        uow.commit()
    return worker_factory(OrgTreeService, db=db)


def by_name(orgtree, name):
    return next(i for i in orgtree.picker(None, name)["items"] if i["name"] == name)


def outbox_types(db):
    with db() as uow:
        return [json.loads(e)["type"] for e in uow.session.execute(
            select(models.outbox.c.envelope).order_by(models.outbox.c.id)).scalars()]


def test_paths_are_materialized(orgtree):
    org = orgtree.get_org(by_name(orgtree, "第一中心医院")["id"])
    assert org["path"] == "/1/2/3/"
    assert org["type_label"] == "用人单位"


def test_picker_walks_one_level_at_a_time_and_hides_pending_units(orgtree):
    [root] = orgtree.picker()["items"]
    assert root["has_children"] and not root["accepts_members"]
    [dept] = orgtree.picker(root["id"])["items"]
    names = [i["name"] for i in orgtree.picker(dept["id"])["items"]]
    assert names == sorted(["第一中心医院", "医科大学总医院"])


def test_search_names_the_path(orgtree):
    [hit] = orgtree.picker(None, "中心")["items"]
    assert hit["path_names"] == ["天津市人社局", "卫健委", "第一中心医院"]
    assert orgtree.picker(None, "%")["items"] == []  # LIKE wildcards are literal


def registered(user_id, org_id):
    return envelope("identity", "user_registered", {
        "user_id": user_id, "username": f"u{user_id}", "org_id": org_id, "real_name": "张三",
        "id_type": "id_card", "id_number_masked": "1201**********1028", "gender": "male",
        "birth_date": dt.date(1990, 1, 1), "title_level": None,
        "registered_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)})


def test_org_without_review_approves_members_at_once(orgtree, db):
    orgtree.on_user_registered(registered(10, by_name(orgtree, "第一中心医院")["id"]))
    assert outbox_types(db)[-1] == "member_approved"


def test_reviewing_org_leaves_members_pending(orgtree, db):
    orgtree.on_user_registered(registered(11, by_name(orgtree, "医科大学总医院")["id"]))
    assert outbox_types(db)[-1] == "member_review_requested"


def test_the_same_registration_twice_makes_one_membership(orgtree, db):
    event = registered(12, by_name(orgtree, "第一中心医院")["id"])
    orgtree.on_user_registered(event)
    orgtree.on_user_registered(event)
    assert outbox_types(db).count("member_approved") == 1
    with db() as uow:
        assert len(uow.session.execute(select(models.memberships)).all()) == 1
