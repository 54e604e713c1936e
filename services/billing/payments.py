"""Money arriving for an order, whatever the channel: a provider's verified notification
(or its answer to our query) settles through `settle`, a balance payment through
`balance.pay`; both end in `mark_paid`, which publishes `order_paid` in the same
transaction (outbox) — or, for a recharge, credits the balance and publishes
`balance_recharged`. A payment applies once: the order row is locked while deciding,
and (channel, trade_no) is unique."""
from sqlalchemy import insert, select, update

from . import ledger
from .domain import pockets, settlement
from .models import notifications, orders, payments
from .orders import lines_of, order_by_number


def keep_notification(uow, channel, raw, order_no, trade_no, genuine, outcome=None,
                      detail=None):
    """The raw callback as received, with what came of it."""
    return uow.session.execute(insert(notifications).values(
        channel=channel, received_at=uow.clock.now(), raw=raw,
        order_no=(order_no or "")[:64] or None, trade_no=(trade_no or "")[:64] or None,
        genuine=genuine, outcome=outcome, detail=detail)).inserted_primary_key[0]


def settle(uow, notice, order_no):
    """The Decision for a verified notice about `order_no`, applied; None when no such
    order exists (yet: a notification may outrun our commit — not acknowledged, the
    provider retries)."""
    order = order_by_number(uow, order_no, lock=True)
    if order is None:
        return None
    known = uow.session.execute(select(payments).where(
        payments.c.channel == notice.channel, payments.c.trade_no == notice.trade_no)
    ).mappings().first()
    if known is not None and notice.succeeded:
        return settlement.Decision(settlement.ALREADY_APPLIED, "该笔支付已经入账")
    decision = settlement.decide(notice, settlement.OrderFacts(
        order["status"], order["total_fen"],
        (order["channel"], order["trade_no"]) if order["trade_no"] else None))
    now = uow.clock.now()
    if decision.outcome == settlement.APPLY:
        mark_paid(uow, order, notice.channel, notice.trade_no, now)
    elif decision.refund_due:
        uow.session.execute(insert(payments).values(
            order_id=order["id"], channel=notice.channel, trade_no=notice.trade_no,
            amount_fen=notice.amount_fen, paid_at=now, status="refund_due"))
    return decision


def mark_paid(uow, order, channel, trade_no, now):
    changed = uow.session.execute(update(orders).where(
        orders.c.id == order["id"], orders.c.status == "unpaid").values(
        status="paid", channel=channel, trade_no=trade_no, paid_at=now)).rowcount
    if changed != 1:  # the lock makes this unreachable; refuse rather than pay twice
        raise RuntimeError(f"order {order['order_no']} was not unpaid")
    uow.session.execute(insert(payments).values(
        order_id=order["id"], channel=channel, trade_no=trade_no,
        amount_fen=order["total_fen"], paid_at=now, status="applied"))
    if order["kind"] == "recharge":
        # 账户充值: the money goes to the general pocket, in this same transaction.
        ledger.credit(uow, order["user_id"], pockets.GENERAL, order["total_fen"], "recharge",
                      order["order_no"])
        uow.add_event("balance_recharged", {
            "order_no": order["order_no"], "user_id": order["user_id"],
            "amount_fen": order["total_fen"], "channel": channel, "paid_at": now})
        return
    uow.add_event("order_paid", {
        "order_no": order["order_no"], "user_id": order["user_id"],
        "plan_id": order["plan_id"], "total_fen": order["total_fen"], "channel": channel,
        "paid_at": now,
        "lines": [{"kind": line.kind, "course_id": line.course_id,
                   "hours": None if line.hours is None else f"{line.hours:.1f}",
                   "price_fen": line.price_fen} for line in lines_of(uow, order["id"])]})
