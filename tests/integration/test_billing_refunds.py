"""Paying by balance and refunding, through the gateway with billing and learning on the
real broker: the balance is debited in the transaction that pays the order, a refund is
made once per request id (a retry answers the same refund), goes back the way the money
came (to the balance), cannot exceed what is left, and `order_refunded` makes learning
withdraw the course the learner had not started."""
import uuid

import pytest
import sqlalchemy as sa

from services.billing import balance
from services.billing.models import accounts, ledger_entries
from tests.conftest import eventually
from tests.integration.test_billing_alipay import keys, world  # noqa: F401 — fixtures

pytestmark = pytest.mark.integration


def credit(uow_factory, user_id, fen, reference):
    with uow_factory("billing")() as uow:
        balance.credit(uow, user_id, balance.GENERAL, fen, "recharge", reference)
        uow.commit()


def test_balance_payment_and_a_refund_made_once(world):  # noqa: F811
    client, learner, plan, elective = (world["client"], world["learner"], world["plan"],
                                       world["elective"])
    uow_factory, user_id = world["uow"], world["user_id"]
    credit(uow_factory, user_id, 1500, "RC-test-1")
    credit(uow_factory, user_id, 1500, "RC-test-1")  # the same recharge twice: once
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]}).json
    paid = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                       json={"method": "balance"})
    assert paid.status_code == 200, paid.json
    assert paid.json == {"order_no": order["order_no"], "status": "paid", "redirect_url": None}
    account = client.get("/api/v1/me/account", headers=learner).json
    assert account["balance_fen"] == 500
    assert [e["amount_fen"] for e in account["entries"]] == [-1000, 1500]
    again = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                        json={"method": "balance"})
    assert (again.status_code, again.json["code"]) == (409, "order_paid")

    chapter = elective["chapters"][0]["chapter_id"]

    def playable():
        return client.post("/api/v1/me/playbacks", headers=learner, json={
            "chapter_id": chapter, "mode": "restart"}).status_code == 201
    assert eventually(playable, timeout=15)

    operator = world["operator"]

    def listed_with_name():  # billing knows the learner from identity's events
        items = client.get(f"/api/v1/admin/orders?user_id={user_id}", headers=operator
                           ).json["items"]
        return items if items and items[0]["username"] else None
    found = eventually(listed_with_name, timeout=15)
    assert found[0]["order_no"] == order["order_no"] and found[0]["real_name"]
    by_name = client.get(f"/api/v1/admin/orders?learner={found[0]['username']}",
                         headers=operator).json["items"]
    assert [o["order_no"] for o in by_name] == [order["order_no"]]
    path = f"/api/v1/admin/orders/{order['order_no']}/refunds"
    request_id = str(uuid.uuid4())
    body = {"request_id": request_id, "course_ids": [elective["course_id"]],
            "reason": "学员申请退课"}
    assert client.post(path, headers=learner, json=body).status_code == 403
    first = client.post(path, headers=operator, json=body)
    assert first.status_code == 200, first.json
    assert first.json["status"] == "done" and first.json["amount_fen"] == 1000
    retried = client.post(path, headers=operator, json=body)
    assert retried.json["refund_no"] == first.json["refund_no"]
    more = client.post(path, headers=operator, json={"request_id": str(uuid.uuid4()),
                                                      "whole": True})
    assert (more.status_code, more.json["code"]) == (409, "order_not_refundable")
    detail = client.get(f"/api/v1/me/orders/{order['order_no']}", headers=learner).json
    assert detail["status"] == "refunded" and detail["refunded_fen"] == 1000
    assert detail["lines"][0]["refunded"] is True

    with uow_factory("billing")() as uow:
        s = uow.session
        held = s.execute(sa.select(accounts.c.balance_fen)).scalar()
        entries = s.execute(sa.select(ledger_entries.c.amount_fen, ledger_entries.c.kind)
                            .order_by(ledger_entries.c.id)).all()
    assert held == 1500
    assert [tuple(e) for e in entries] == [(1500, "recharge"), (-1000, "order"),
                                           (1000, "refund")]
    assert sum(e[0] for e in entries) == held  # the ledger balances

    # Not started, so learning withdraws it.
    def withdrawn():
        answer = client.post("/api/v1/me/playbacks", headers=learner, json={
            "chapter_id": chapter, "mode": "restart"})
        return answer.status_code == 403 and answer.json["code"] == "course_not_selected"
    assert eventually(withdrawn, timeout=15)
