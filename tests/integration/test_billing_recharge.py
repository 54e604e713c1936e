"""账户充值 through the gateway: a recharge is an order of its own kind, paid through
Alipay (its notification applied once however often it comes) and credited to the
learner's balance in the same transaction; never paid from the balance, never listed
among 我的订单, never refunded or invoiced as a purchase; the money then pays a course."""
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from services.billing.models import ledger_entries, orders, outbox
from tests.integration.test_billing_alipay import keys, world  # noqa: F401
from tests.integration.test_billing_alipay import alipay_notification, notify


def test_a_recharge_paid_by_alipay_credits_the_balance_once_and_pays_a_course(world):  # noqa: F811
    client, learner = world["client"], world["learner"]
    for amount in (99, 500_001, "5000", 12.5, None):
        refused = client.post("/api/v1/me/account/recharges", headers=learner,
                              json={"amount_fen": amount})
        assert refused.status_code == 422, amount
        assert "amount_fen" in refused.json["errors"]
    started = client.post("/api/v1/me/account/recharges", headers=learner,
                          json={"amount_fen": 1000})
    assert started.status_code == 201, started.json
    recharge = started.json
    assert recharge["kind"] == "recharge" and recharge["kind_label"] == "账户充值"
    assert recharge["order_no"].startswith("RC") and recharge["total"] == "10.00"
    assert recharge["lines"][0]["title"] == "账户充值"
    number = recharge["order_no"]

    by_balance = client.post(f"/api/v1/me/orders/{number}/payment", headers=learner,
                             json={"method": "balance"})
    assert (by_balance.status_code, by_balance.json["code"]) == (409,
                                                                 "recharge_needs_provider")
    to_alipay = client.post(f"/api/v1/me/orders/{number}/payment", headers=learner,
                            json={"method": "alipay"})
    assert to_alipay.status_code == 200 and "subject" in to_alipay.json["redirect_url"]

    bodies = [alipay_notification(world["keys"], number, trade_no="2026120222001403030500000101",
                                  status=status)
              for status in ("TRADE_SUCCESS", "TRADE_FINISHED") * 3]
    with ThreadPoolExecutor(len(bodies)) as pool:
        assert list(pool.map(lambda body: notify(client, body), bodies)) == ["success"] * 6

    account = client.get("/api/v1/me/account", headers=learner).json
    assert account["balance_fen"] == 1000
    assert [(r["order_no"], r["status"], r["channel_label"], r["amount"])
            for r in account["recharges"]] == [(number, "paid", "支付宝", "10.00")]
    assert [(e["kind"], e["amount_fen"], e["reference"]) for e in account["entries"]] == [
        ("recharge", 1000, number)]
    listed = client.get("/api/v1/me/orders", headers=learner).json
    assert number not in [o["order_no"] for o in listed["items"]]
    with world["uow"]("billing")() as uow:
        s = uow.session
        events = s.execute(sa.select(outbox.c.event_type).where(
            outbox.c.aggregate_id == number)).scalars().all()
        assert events == ["balance_recharged"]
        assert s.execute(sa.select(orders.c.status).where(orders.c.order_no == number)
                         ).scalar() == "paid"

    refund = client.post(f"/api/v1/admin/orders/{number}/refunds", headers=world["operator"],
                         json={"request_id": "r-recharge", "whole": True})
    assert (refund.status_code, refund.json["code"]) == (409, "recharge_not_refundable")
    invoice = client.post("/api/v1/me/invoices", headers=learner, json={
        "order_nos": [number], "kind": "ordinary", "title_type": "personal",
        "title": "张三", "email": "zhang@example.com"})
    assert (invoice.status_code, invoice.json["code"]) == (409, "order_not_invoiceable")

    # The recharged money pays a course.
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": world["plan"]["plan_id"], "course_ids": [world["elective"]["course_id"]]})
    paid = client.post(f"/api/v1/me/orders/{order.json['order_no']}/payment",
                       headers=learner, json={"method": "balance"})
    assert paid.status_code == 200 and paid.json["status"] == "paid"
    assert client.get("/api/v1/me/account", headers=learner).json["balance_fen"] == 0
    with world["uow"]("billing")() as uow:
        held = uow.session.execute(sa.select(sa.func.sum(ledger_entries.c.amount_fen))).scalar()
    assert held == 0
