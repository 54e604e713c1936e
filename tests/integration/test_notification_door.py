"""Payment providers' notification doors as production serves them: a real gateway
process (gunicorn, the uvicorn worker) answering them on its event loop and sending them
to billing in groups (gateway/notifications.py). The in-process tests reach the Flask
views, which share the contract but not the grouping; here Alipay's notifications —
signed with Alipay's official SDK — arrive many at once, repeated and for several orders,
and each order is paid once, every genuine notification answered `success` after the
commit, a tampered one `fail`; UnionPay's door answers a forged notification 400 `fail`."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from services.billing.models import notifications, orders, outbox, payments
from tests.integration.conftest import make_platform, running_gateway
from tests.integration.test_billing_alipay import alipay_notification, keys  # noqa: F401
from tests.integration.test_billing_bank import key_files  # noqa: F401
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
ALIPAY, BANK = "/api/v1/payments/alipay/notify", "/api/v1/payments/bank/notify"


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, keys, key_files):  # noqa: F811
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                             billing=True)
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    electives = [make_course(client, operator, tmp_path, f"选修课{i}", "2.0") for i in range(3)]
    required = make_course(client, operator, tmp_path, "必修课", "6.0")
    plan = published_plan(client, operator, [
        {"course_id": required["course_id"], "kind": "required"},
        *({"course_id": e["course_id"], "kind": "elective"} for e in electives)])
    numbers = []
    for elective in electives:
        learner, _ = new_learner(client, platform["orgs"]["open"])
        assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                           headers=learner).status_code == 200
        order = client.post("/api/v1/me/orders", headers=learner, json={
            "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]})
        assert order.status_code == 201, order.json
        numbers.append(order.json["order_no"])
    with running_gateway(tmp_path, amqp_uri, "identity,orgtree,learning,billing") as url:
        yield {**platform, "url": url, "numbers": numbers, "keys": keys}


def post(url, body):
    return requests.post(url, data=body, timeout=30, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})


def test_notifications_at_once_through_the_gateway_pay_each_order_once(world):
    signing, numbers = world["keys"], world["numbers"]
    bodies = [alipay_notification(signing, number, trade_no=f"20261201220014030305{i:08d}",
                                  status=status)
              for i, number in enumerate(numbers)
              for status in ("TRADE_SUCCESS", "TRADE_FINISHED", "TRADE_SUCCESS") * 4]
    tampered = alipay_notification(signing, numbers[0], trade_no="2026120122001403030599999999"
                                   ).replace("total_amount=10.00", "total_amount=0.01")
    with ThreadPoolExecutor(len(bodies) + 1) as pool:
        answers = list(pool.map(lambda body: post(world["url"] + ALIPAY, body),
                                bodies + [tampered]))
    assert {(a.status_code, a.headers["Content-Type"].split(";")[0], a.text)
            for a in answers[:-1]} == {(200, "text/plain", "success")}
    assert (answers[-1].status_code, answers[-1].text) == (200, "fail")

    with world["uow"]("billing")() as uow:
        s = uow.session
        assert s.execute(sa.select(orders.c.status).where(orders.c.order_no.in_(numbers))
                         ).scalars().all() == ["paid"] * 3
        assert s.execute(sa.select(sa.func.count()).select_from(payments)).scalar() == 3
        assert s.execute(sa.select(sa.func.count()).select_from(outbox).where(
            outbox.c.event_type == "order_paid")).scalar() == 3
        kept = s.execute(sa.select(notifications.c.outcome)).scalars().all()
    assert sorted(kept) == sorted(["apply"] * 3 + ["already_applied"] * 33 + ["forged"])

    refused = requests.get(world["url"] + ALIPAY, timeout=10)
    assert refused.status_code == 405
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    forged_bank = post(world["url"] + BANK, "orderId=" + numbers[1] + "&txnAmt=1000&signature=x")
    assert (forged_bank.status_code, forged_bank.text) == (400, "fail")
