"""退款: the operator refunds a paid order wholly or in part — each line at most once —
through the channel that paid it: to the balance at once, to Alipay through
`alipay.trade.refund`, to the bank card through UnionPay's 退货 (`backTransReq.do`, txnType
04, of the paying payment's queryId). A refund request carries the caller's `request_id`:
asked again (a retry, a double-click) it answers the refund already made. A provider's
refund is recorded pending first, asked of the provider with its refund number (Alipay's
`out_request_no`, UnionPay's `orderId`: the provider's idempotency key), and applied when
the provider confirms; one the provider could not be asked about stays pending and is
asked again by `retry_pending`. `order_refunded` (in the applying transaction) lets
learning withdraw the courses not yet studied."""
import logging
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.errors import Conflict, InvalidInput, NotFound

from . import alipay, balance, unionpay
from .domain import order_numbers
from .domain.money import yuan_text
from .learners import require_operator
from .models import order_lines, orders, payments, refunds
from .orders import lines_of, order_by_number

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
REFUNDABLE = ("paid", "partially_refunded")
PROVIDERS = {"alipay": "Alipay", "bank": "UnionPay"}


def view(refund, order_no):
    return {"refund_no": refund["refund_no"], "request_id": refund["request_id"],
            "order_no": order_no, "amount_fen": refund["amount_fen"],
            "amount": yuan_text(refund["amount_fen"]), "course_ids": refund["course_ids"],
            "status": refund["status"], "reason": refund["reason"]}


def request(uow, actor, order_no, request_id, course_ids, whole, reason):
    """The refund (made now, pending at the provider, or made before for this
    request_id)."""
    require_operator(actor)
    if not request_id or len(str(request_id)) > 64:
        raise InvalidInput("request_id_required", "缺少退款请求编号",
                           fields={"request_id": ["须为1–64个字符"]})
    order = order_by_number(uow, str(order_no)[:40], lock=True)
    if order is None:
        raise NotFound("order_not_found", "订单不存在")
    # Asked after taking the order's lock: the same request retried at the same moment
    # waits for the first and then finds its refund.
    earlier = uow.session.execute(select(refunds).where(
        refunds.c.request_id == str(request_id))).mappings().first()
    if earlier is not None:
        if earlier["order_id"] != order["id"]:
            raise Conflict("request_id_reused", "该退款请求编号已用于其他订单，请使用新的编号")
        return view(earlier, order["order_no"]), None
    if order["status"] not in REFUNDABLE:
        raise Conflict("order_not_refundable", "只有已支付的订单可以退款")
    if order["kind"] == "recharge":
        raise Conflict("recharge_not_refundable",
                       "充值订单不能在此退款：充值的钱在学员的余额中，可用于购课")
    if uow.session.execute(select(refunds.c.id).where(
            refunds.c.order_id == order["id"], refunds.c.status == "pending")).first():
        raise Conflict("refund_in_progress", "该订单有一笔退款正在处理，请稍后再试")
    open_lines = [line for line in lines_of(uow, order["id"]) if not line.refunded]
    if whole:
        chosen = open_lines
    else:
        wanted = set(course_ids or [])
        chosen = [line for line in open_lines if line.course_id in wanted]
        if not wanted or len(chosen) != len(wanted):
            raise InvalidInput("refund_lines_invalid", "请选择本订单中尚未退款的课程",
                               fields={"course_ids": ["不是本订单中尚未退款的课程"]})
        if any(line.kind == "plan_fee" for line in chosen):
            raise InvalidInput("refund_whole_only", "按计划收费的订单只能整单退款")
    if not chosen:
        raise Conflict("order_fully_refunded", "该订单已全部退款")
    amount = sum(line.price_fen for line in chosen)
    if amount <= 0 or amount > order["total_fen"] - order["refunded_fen"]:
        raise Conflict("refund_exceeds_paid", "退款金额超过了可退金额")
    now = uow.clock.now()
    refund_no = order_numbers.new_number("refund", now.astimezone(SHANGHAI))
    try:
        with uow.session.begin_nested():
            refund_id = uow.session.execute(insert(refunds).values(
                refund_no=refund_no, request_id=str(request_id), order_id=order["id"],
                amount_fen=amount,
                course_ids=[line.course_id for line in chosen if line.course_id],
                reason=(reason or "")[:200] or None, status="pending",
                requested_by=actor.get("user_id"), created_at=now)).inserted_primary_key[0]
    except IntegrityError:  # the same request, committed meanwhile (no row locks: SQLite)
        raise Conflict("refund_in_progress", "该退款请求正在处理，请稍后刷新") from None
    refund = uow.session.execute(select(refunds).where(refunds.c.id == refund_id)
                                 ).mappings().one()
    if order["channel"] == "balance":
        balance.refund_to_pockets(uow, order, amount, refund_no)
        apply(uow, refund, order, [line.id for line in chosen])
        refund = uow.session.execute(select(refunds).where(refunds.c.id == refund_id)
                                     ).mappings().one()
        return view(refund, order["order_no"]), None
    return view(refund, order["order_no"]), {"refund_id": refund_id,
                                             "line_ids": [line.id for line in chosen]}


def apply(uow, refund, order, line_ids):
    """The refund done: lines marked, the order's refunded amount and state, the event."""
    now = uow.clock.now()
    uow.session.execute(update(order_lines).where(order_lines.c.id.in_(line_ids))
                        .values(refunded=True))
    refunded = order["refunded_fen"] + refund["amount_fen"]
    status = "refunded" if refunded == order["total_fen"] else "partially_refunded"
    uow.session.execute(update(orders).where(orders.c.id == order["id"])
                        .values(refunded_fen=refunded, status=status))
    uow.session.execute(update(refunds).where(refunds.c.id == refund["id"])
                        .values(status="done", done_at=now))
    uow.add_event("order_refunded", {
        "order_no": order["order_no"], "refund_no": refund["refund_no"],
        "user_id": order["user_id"], "plan_id": order["plan_id"],
        "course_ids": list(refund["course_ids"]), "whole": status == "refunded",
        "amount_fen": refund["amount_fen"], "refunded_at": now})


def _refund_at_provider(channel, order_no, trade_no, amount_fen, refund_no, reason,
                        asked_at, now, surplus=False):
    """Asks the provider that took the money to give `amount_fen` back under `refund_no`:
    True refunded, False refused, None not reachable (ask again, same number). `trade_no`
    is the provider's number of the payment refunded. Alipay is asked by the order number
    for the payment that paid it and by `trade_no` for a `surplus` one; UnionPay always by
    the payment's queryId, the refund sent at `asked_at` (the same on every retry)."""
    if channel == "alipay":
        return alipay.refund(alipay.config(), order_no, amount_fen, refund_no, reason, now,
                             trade_no=trade_no if surplus else None)
    if channel == "bank":
        return unionpay.refund(unionpay.config(), trade_no, amount_fen, refund_no, now,
                               txn_time=unionpay.beijing(asked_at))
    raise ValueError(f"no provider refunds channel {channel!r}")


def settle_at_provider(db, refund_id, line_ids):
    """Asks the provider (the order's channel) to refund, then applies (or fails) the
    pending refund."""
    with db() as uow:
        refund = uow.session.execute(select(refunds).where(refunds.c.id == refund_id)
                                     ).mappings().one()
        order = uow.session.execute(select(orders).where(orders.c.id == refund["order_id"])
                                    ).mappings().one()
        now = uow.clock.now()
    done = _refund_at_provider(order["channel"], order["order_no"], order["trade_no"],
                               refund["amount_fen"], refund["refund_no"], refund["reason"],
                               refund["created_at"], now)
    if done is None:
        log.warning("refund %s: %s could not be asked; retried later", refund["refund_no"],
                    PROVIDERS[order["channel"]])
        return "pending"
    with db() as uow:
        order = order_by_number(uow, order["order_no"], lock=True)
        refund = uow.session.execute(select(refunds).where(refunds.c.id == refund_id)
                                     .with_for_update()).mappings().one()
        if refund["status"] != "pending":
            return refund["status"]
        if done:
            apply(uow, refund, order, line_ids)
        else:
            uow.session.execute(update(refunds).where(refunds.c.id == refund_id)
                                .values(status="failed", done_at=uow.clock.now()))
        uow.commit()
        return "done" if done else "failed"


def retry_pending(db, limit=20):
    """Pending refunds (the provider was away when asked): asked again, same number."""
    with db() as uow:
        pending = uow.session.execute(select(refunds.c.id, refunds.c.course_ids,
                                             refunds.c.order_id).where(
            refunds.c.status == "pending").limit(limit)).all()
        work = []
        for refund_id, course_ids, order_id in pending:
            lines = [line.id for line in lines_of(uow, order_id) if not line.refunded and (
                line.course_id in (course_ids or []) or line.kind == "plan_fee")]
            work.append((refund_id, lines))
    for refund_id, line_ids in work:
        settle_at_provider(db, refund_id, line_ids)


def return_surplus_payments(db, limit=20):
    """Payments that must go back — a second payment of a paid order, a payment of a closed
    one (settlement.REFUND_DUE) — returned through the provider that took them (Alipay, or
    UnionPay by the payment's queryId), each under a refund number made from the payment
    (so asking again never refunds twice)."""
    with db() as uow:
        due = uow.session.execute(
            select(payments, orders.c.order_no).join(orders, orders.c.id == payments.c.order_id)
            .where(payments.c.status == "refund_due", payments.c.channel.in_(tuple(PROVIDERS)))
            .limit(limit)).mappings().all()
        now = uow.clock.now()
    for payment in due:
        done = _refund_at_provider(payment["channel"], payment["order_no"],
                                   payment["trade_no"], payment["amount_fen"],
                                   f"RP{payment['id']:010d}", "重复支付或订单已关闭，原路退回",
                                   payment["paid_at"], now, surplus=True)
        if done is None:
            continue  # the provider away: asked again next time
        with db() as uow:
            uow.session.execute(update(payments).where(
                payments.c.id == payment["id"], payments.c.status == "refund_due").values(
                status="returned" if done else "return_failed"))
            uow.commit()
        log.info("surplus payment %s of order %s: %s", payment["trade_no"],
                 payment["order_no"], "returned" if done else
                 f"{PROVIDERS[payment['channel']]} refused the refund")
