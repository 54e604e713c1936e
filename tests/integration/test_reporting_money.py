"""The operator's money report through the gateway, from billing's events as reporting
keeps them: a recharge paid through Alipay, an order paid from that balance, and part of
it refunded show up on today's line — amounts in fen and as yuan, the totals right, the
date range and the operator-only rule kept."""
import io
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.integration.test_billing_alipay import alipay_notification, keys, notify  # noqa: F401
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
MONEY = "/api/v1/admin/reports/money"


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, keys):  # noqa: F811
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                             billing=True, reporting=True)
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    required = make_course(client, operator, tmp_path, "必修课", "6.0")
    elective = make_course(client, operator, tmp_path, "选修课", "2.0")
    plan = published_plan(client, operator, [
        {"course_id": required["course_id"], "kind": "required"},
        {"course_id": elective["course_id"], "kind": "elective"}])
    learner, user_id = new_learner(client, platform["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                       headers=learner).status_code == 200
    return {**platform, "plan": plan, "elective": elective, "learner": learner,
            "operator": operator, "keys": keys}


def test_the_operator_sees_todays_money_by_plan_and_day(world):
    client, learner, operator = world["client"], world["learner"], world["operator"]
    recharge = client.post("/api/v1/me/account/recharges", headers=learner,
                           json={"amount_fen": 1500}).json
    assert client.post(f"/api/v1/me/orders/{recharge['order_no']}/payment", headers=learner,
                       json={"method": "alipay"}).status_code == 200
    assert notify(client, alipay_notification(world["keys"], recharge["order_no"],
                                              total="15.00")) == "success"
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": world["plan"]["plan_id"], "course_ids": [world["elective"]["course_id"]]}).json
    paid = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                       json={"method": "balance"})
    assert paid.status_code == 200, paid.json
    refund = client.post(f"/api/v1/admin/orders/{order['order_no']}/refunds", headers=operator,
                         json={"request_id": str(uuid.uuid4()), "whole": True})
    assert refund.status_code == 200, refund.json

    today = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()

    def figures():
        report = client.get(MONEY, headers=operator).json
        return report if report["total"]["refunds"] == 1 and report["days"] else None
    report = eventually(figures, timeout=20)
    assert report["date_to"] == today
    assert report["rows"] == [{
        "date": today, "plan_id": world["plan"]["plan_id"],
        "plan_name": world["plan"]["name"], "paid_orders": 1, "paid_fen": 1000,
        "paid": "10.00", "refunds": 1, "refunded_fen": 1000, "refunded": "10.00",
        "net_fen": 0, "net": "0.00"}]
    assert report["days"] == [{"date": today, "card_redemptions": 0, "card_fen": 0,
                               "card": "0.00", "recharges": 1, "recharge_fen": 1500,
                               "recharge": "15.00"}]
    assert (report["total"]["paid"], report["total"]["recharge"]) == ("10.00", "15.00")
    assert client.get(MONEY, headers=learner).status_code == 403
    wrong = client.get(MONEY, headers=operator,
                       query_string={"date_from": "2026-12-02", "date_to": "2026-01-01"})
    assert (wrong.status_code, wrong.json["code"]) == (422, "date_range_invalid")

    # 导出 Excel of the days shown: each day's plans, its cards and recharges, the 合计.
    started = client.post("/api/v1/admin/reports/exports", headers=operator,
                          json={"report": "money"})
    assert started.status_code == 202, started.json

    def done():
        items = client.get("/api/v1/admin/reports/exports", headers=operator).json["items"]
        return items[0] if items and items[0]["status"] == "done" else None
    export = eventually(done, timeout=20)
    assert (export["report_name"], export["rows"]) == ("收支统计", 3)
    sheet = load_workbook(io.BytesIO(client.get(export["download_url"]).data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["日期", "培训计划", "支付订单数", "支付金额（元）"]
    assert rows[1][:7] == [today, world["plan"]["name"], 1, 10, 1, 10, 0]
    assert rows[2][1] == "学习卡与充值" and rows[2][9:] == [1, 15]
    assert rows[3][0] == "合计" and rows[3][3] == 10 and rows[3][10] == 15
    assert sheet["D2"].number_format == "0.00"
