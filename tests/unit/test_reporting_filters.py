"""The report screens' shared filters without a broker: Beijing date ranges as UTC instants
(both ends included, a reversed range refused), the sort whitelist, the plan picker
(newest year first) with the admin's jurisdiction as the default org node, and the
money export's sheet rows."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from services.common.errors import Forbidden, InvalidInput
from services.reporting import exports, filters, plan_list
from services.reporting.models import orgs, plans

ADMIN = {"role": "admin", "user_id": 9, "org_path": "/1/2/", "modules": ["statistics"]}
OPERATOR = {"role": "operator", "user_id": 1}


def test_a_beijing_date_range_is_the_utc_instants_of_its_days():
    start, until = filters.date_window({"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert start == datetime(2026, 2, 28, 16, tzinfo=timezone.utc)
    assert until == datetime(2026, 3, 1, 16, tzinfo=timezone.utc)
    assert filters.date_window({}) == (None, None)
    assert filters.date_window({"date_to": "2026-03-01"})[0] is None
    with pytest.raises(InvalidInput) as reversed_range:
        filters.date_window({"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert reversed_range.value.code == "date_range_invalid"
    with pytest.raises(InvalidInput):
        filters.date_window({"date_from": "03/01/2026"})
    assert filters.beijing_minute(datetime(2026, 2, 28, 16, 5)) == "2026-03-01 00:05"


def test_only_the_listed_columns_sort():
    assert filters.check_sort({}, ("username",)) == (None, "asc")
    assert filters.check_sort({"sort": "username", "order": "desc"}, ("username",)) == (
        "username", "desc")
    for bad in ({"sort": "id_number"}, {"sort": "username", "order": "sideways"}):
        with pytest.raises(InvalidInput):
            filters.check_sort(bad, ("username",))


@pytest.fixture
def reporting(uow_factory):
    db = uow_factory("reporting")
    with db() as uow:
        uow.session.execute(sa.insert(orgs), [
            {"org_id": 1, "parent_id": None, "path": "/1/", "name": "市人社局",
             "type": "hr_bureau", "status": "active", "version": 1},
            {"org_id": 2, "parent_id": 1, "path": "/1/2/", "name": "区人社局",
             "type": "hr_bureau", "status": "active", "version": 1},
            {"org_id": 3, "parent_id": 2, "path": "/1/2/3/", "name": "医院",
             "type": "employer", "status": "active", "version": 1}])
        uow.session.execute(sa.insert(plans), [
            {"plan_id": p, "name": f"{y}年计划{p}", "year": y, "kind": k, "status": s,
             "version": 1}
            for p, y, k, s in ((1, 2025, "public", "closed"), (2, 2026, "public", "published"),
                               (3, 2026, "professional", "published"),
                               (4, 2024, "public", "closed"))])
        uow.commit()
    return db


def test_the_plan_picker_lists_the_newest_year_first_with_the_admins_jurisdiction(reporting):
    with reporting() as uow:
        answer = plan_list.plan_list(uow, ADMIN)
        assert [p["plan_id"] for p in answer["items"]] == [3, 2, 1, 4]
        assert answer["items"][0]["kind_label"] == "专业科目"
        assert answer["items"][2]["status_label"] == "已关闭"
        assert answer["jurisdiction"] == {"org_id": 2, "name": "区人社局", "type": "hr_bureau",
                                          "path_names": ["市人社局", "区人社局"],
                                          "has_children": True}
        # The operator: the tree's only root.
        assert plan_list.plan_list(uow, OPERATOR)["jurisdiction"]["org_id"] == 1
        with pytest.raises(Forbidden):
            plan_list.plan_list(uow, {**ADMIN, "modules": ["learner_management"]})


def test_an_export_keeps_the_screens_filters_and_money_keeps_its_days():
    params = exports._params({"report": "exams_by_person", "plan_id": "7", "org_id": None,
                              "date_from": "2026-03-01", "date_to": "", "sort": "best_score",
                              "order": "desc", "user_id": 5, "date": "2026-01-01"})
    assert params == {"report": "exams_by_person", "plan_id": 7, "org_id": None,
                      "date_from": "2026-03-01", "date_to": None, "sort": "best_score",
                      "order": "desc", "user_id": 5}
    with pytest.raises(InvalidInput):
        exports._params({"report": "completion"})  # a plan is needed, except for money
    with pytest.raises(InvalidInput):
        exports._check_filters({**params, "sort": "id_number"})
    answer = {"rows": [{"date": "2026-03-01", "plan_id": 7, "plan_name": "计划",
                        "paid_orders": 2, "paid_fen": 1050, "refunds": 0, "refunded_fen": 0,
                        "net_fen": 1050}],
              "days": [{"date": "2026-03-01", "card_redemptions": 1, "card_fen": 5000,
                        "recharges": 0, "recharge_fen": 0},
                       {"date": "2026-03-02", "card_redemptions": 0, "card_fen": 0,
                        "recharges": 1, "recharge_fen": 100}],
              "total": {"paid_orders": 2, "paid_fen": 1050, "paid": "10.50", "refunds": 0,
                        "refunded_fen": 0, "net_fen": 1050, "card_redemptions": 1,
                        "card_fen": 5000, "recharges": 1, "recharge_fen": 100}}
    rows = [exports._cells("money", i) for i in exports._money_items(answer)]
    assert [r[:2] for r in rows] == [["2026-03-01", "计划"], ["2026-03-01", "学习卡与充值"],
                                     ["2026-03-02", "学习卡与充值"], ["合计", None]]
    assert str(rows[0][3]) == "10.5" and rows[1][3] is None and str(rows[1][8]) == "50"
    assert str(rows[3][10]) == "1" and len(rows[3]) == len(exports.MONEY_COLUMNS)
