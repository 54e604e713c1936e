"""Money on PostgreSQL, where races are real (two billing replicas, calls at once): two
orders racing for one balance pay one; a card redeemed from many places at once credits
once; an Alipay notification replayed ten times at once, TRADE_FINISHED racing
TRADE_SUCCESS, applies once and every reply is `success`; one refund request retried at
once refunds once. After each, the ledger balances: the accounts equal the entries."""
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

import eventlet
import pytest
import sqlalchemy as sa
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2
from nameko.standalone.rpc import ClusterRpcProxy

from services.billing import balance, cards, models
from services.billing.service import BillingService
from services.common.errors import DomainError
from services.common.scripting import UnitOfWorkFactory
from tests.integration.conftest import service_config
from tests.integration.test_billing_alipay import APP_ID, SELLER_ID, keys  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
LEARNER = {"user_id": 7001, "role": "learner", "org_id": None, "org_path": "/1/"}
OPERATOR = {"user_id": 1, "role": "operator"}


@pytest.fixture
def billing_pg(postgres_url, amqp_uri, container_factory, keys):  # noqa: F811
    url = postgres_url("billing")
    for _ in range(2):
        container_factory(BillingService, service_config(amqp_uri, url)).start()
    return UnitOfWorkFactory("billing", models.outbox, models.inbox, url=url)


def at_once(amqp_uri, n, call):
    def one(i):
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            try:
                return call(rpc.billing, i)
            except DomainError as exc:
                return exc
    return list(eventlet.GreenPool(n).imap(one, range(n)))


def make_order(db, order_no, total=1000, user_id=7001):
    now = datetime.now(timezone.utc)
    with db() as uow:
        order_id = uow.session.execute(sa.insert(models.orders).values(
            order_no=order_no, user_id=user_id, plan_id=1, plan_name="并发计划",
            plan_year=date.today().year, plan_kind="public", cards_allowed=True,
            total_fen=total, status="unpaid", created_at=now,
            expires_at=now + timedelta(minutes=30),
            pay_deadline=date.today().isoformat())).inserted_primary_key[0]
        uow.session.execute(sa.insert(models.order_lines).values(
            order_id=order_id, kind="course", course_id=11, title="并发选修", hours="2.0",
            price_fen=total))
        uow.commit()


def ledger_balances(db):
    with db() as uow:
        held = uow.session.execute(sa.select(sa.func.coalesce(
            sa.func.sum(models.accounts.c.balance_fen), 0))).scalar()
        entries = uow.session.execute(sa.select(sa.func.coalesce(
            sa.func.sum(models.ledger_entries.c.amount_fen), 0))).scalar()
    assert held == entries
    return held


def test_two_orders_racing_for_one_balance_pay_one(billing_pg, amqp_uri):
    make_order(billing_pg, "CE20261201000000000001")
    make_order(billing_pg, "CE20261201000000000002")
    with billing_pg() as uow:
        balance.credit(uow, 7001, balance.GENERAL, 1000, "recharge", "RC1")
        uow.commit()
    numbers = ["CE20261201000000000001", "CE20261201000000000002"] * 5
    results = at_once(amqp_uri, 10, lambda billing, i: billing.pay_order(
        LEARNER, numbers[i], "balance"))
    paid = {r["order_no"] for r in results if isinstance(r, dict)}
    assert len(paid) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} <= {
        "balance_insufficient", "order_paid"}
    assert ledger_balances(billing_pg) == 0
    with billing_pg() as uow:
        statuses = sorted(uow.session.execute(sa.select(models.orders.c.status)).scalars())
    assert statuses == ["paid", "unpaid"]


def test_a_card_redeemed_from_many_places_at_once_credits_once(billing_pg, amqp_uri):
    today = date.today()
    with billing_pg() as uow:
        batch = uow.session.execute(sa.insert(models.card_batches).values(
            name="并发", face_fen=5000, quantity=1, plan_year=today.year, plan_kind=None,
            valid_from=today - timedelta(days=1), valid_to=today + timedelta(days=1),
            status="issued", created_at=datetime.now(timezone.utc))).inserted_primary_key[0]
        number = cards.rules.card_number(batch, 1)
        uow.session.execute(sa.insert(models.cards).values(
            batch_id=batch, card_no=number, status="sold",
            password_hash=cards.HASHER.hash("123456789012")))
        uow.commit()
    results = at_once(amqp_uri, 12, lambda billing, i: billing.redeem_card(
        {**LEARNER, "user_id": 7001 + i % 3}, number, "123456789012"))
    assert len([r for r in results if isinstance(r, dict)]) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} == {"card_unusable"}
    assert ledger_balances(billing_pg) == 5000


def signed_form(keys, order_no, status, trade_no="2026120122001403030500007777"):  # noqa: F811
    params = {"notify_time": "2026-12-01 14:10:49", "notify_type": "trade_status_sync",
              "notify_id": f"n-{status}", "app_id": APP_ID, "charset": "utf-8",
              "version": "1.0", "trade_no": trade_no,
              "out_trade_no": order_no, "seller_id": SELLER_ID, "total_amount": "10.00",
              "trade_status": status}
    params["sign"] = sign_with_rsa2(keys["alipay"]["sdk_private"], get_sign_content(params),
                                    "utf-8")
    params["sign_type"] = "RSA2"
    return params


def test_a_notification_replayed_at_once_applies_once(billing_pg, amqp_uri, keys):  # noqa: F811
    make_order(billing_pg, "CE20261201000000000003")
    forms = [signed_form(keys, "CE20261201000000000003", status)
             for status in ["TRADE_FINISHED", "TRADE_SUCCESS"] * 5]
    results = at_once(amqp_uri, 10, lambda billing, i: billing.provider_notifications(
        "alipay", [[forms[i], urlencode(forms[i])]]))
    assert results == [["success"]] * 10
    with billing_pg() as uow:
        s = uow.session
        assert s.execute(sa.select(sa.func.count()).select_from(models.payments)).scalar() == 1
        assert s.execute(sa.select(models.orders.c.status)).scalar() == "paid"
        assert s.execute(sa.select(sa.func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "order_paid")).scalar() == 1
        kept = s.execute(sa.select(models.notifications.c.outcome)).scalars().all()
    assert sorted(kept) == ["already_applied"] * 9 + ["apply"]


def test_groups_sharing_orders_settle_each_once_without_deadlock(billing_pg, amqp_uri,
                                                                 keys):  # noqa: F811
    """The gateway sends notifications to billing in groups; groups that arrive together
    share orders in every order (a provider's repeats), each settled in one transaction."""
    numbers = [f"CE2026120100000000001{i}" for i in range(6)]
    for number in numbers:
        make_order(billing_pg, number)
    items = [[form, urlencode(form)] for form in (
        signed_form(keys, number, status, trade_no=f"20261201220014030305000{i:05d}")
        for i, number in enumerate(numbers) for status in ("TRADE_SUCCESS", "TRADE_FINISHED"))]
    forged = signed_form(keys, numbers[0], "TRADE_SUCCESS", trade_no="2026120122001499")
    forged["total_amount"] = "0.01"  # changed after signing
    groups = [items[::-1], items[3:] + items[:3], items, items[1::2] + [[forged, "forged"]]]
    results = at_once(amqp_uri, 4, lambda billing, i: billing.provider_notifications(
        "alipay", groups[i]))
    assert results[:3] == [["success"] * 12] * 3
    assert results[3] == ["success"] * 6 + ["fail"]
    with billing_pg() as uow:
        s = uow.session
        assert s.execute(sa.select(sa.func.count()).select_from(models.orders).where(
            models.orders.c.order_no.in_(numbers), models.orders.c.status == "paid")
        ).scalar() == 6
        assert s.execute(sa.select(sa.func.count()).select_from(models.payments)).scalar() == 6
        assert s.execute(sa.select(sa.func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "order_paid")).scalar() == 6
        kept = s.execute(sa.select(models.notifications.c.outcome)).scalars().all()
    assert sorted(kept) == sorted(["apply"] * 6 + ["already_applied"] * 36 + ["forged"])


def test_one_refund_request_retried_at_once_refunds_once(billing_pg, amqp_uri):
    make_order(billing_pg, "CE20261201000000000004")
    with billing_pg() as uow:
        balance.credit(uow, 7001, balance.GENERAL, 1000, "recharge", "RC4")
        uow.commit()
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
        rpc.billing.pay_order(LEARNER, "CE20261201000000000004", "balance")
    results = at_once(amqp_uri, 8, lambda billing, i: billing.refund_order(
        OPERATOR, "CE20261201000000000004", "same-request", None, True, "退课"))
    assert all(isinstance(r, dict) for r in results), results  # each the same answer
    assert len({r["refund_no"] for r in results}) == 1
    assert ledger_balances(billing_pg) == 1000
    with billing_pg() as uow:
        assert uow.session.execute(sa.select(sa.func.count()).select_from(
            models.refunds)).scalar() == 1
