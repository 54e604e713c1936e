"""A provider's word that money moved, start to finish: verified, decided and applied,
and the raw callback recorded with what came of it, in one transaction — then answered:
Alipay's `success` only after the commit, so a crash before it means Alipay asks again
and the repeat changes nothing. A forged callback, or one whose processing failed, is
recorded on its own. Reconciliation asks Alipay about orders that went there and
settles what it says through the same path."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import alipay, payments, unionpay
from .domain.settlement import Notice
from .models import orders
from .models import payments as payments_table

log = logging.getLogger(__name__)
ACK, NO_ACK = "success", "fail"
BANK_ACK, BANK_NO_ACK = "ok", "fail"  # UnionPay: HTTP 200 is received; the gateway answers
#                                     `fail` with another status, so UnionPay sends again
ANSWERS = {"alipay": (ACK, NO_ACK), "bank": (BANK_ACK, BANK_NO_ACK)}
FORGED = {"alipay": "签名无效或不是 RSA2 签名",
          "bank": "签名无效，或签名证书不是银联根证书签发的有效证书"}
FAILED = {"alipay": "处理出错，等待支付宝重发", "bank": "处理出错，等待银联重发"}


@dataclass(frozen=True)
class Received:
    """A provider's notification as read: whether its signature is the provider's, the
    order it is about, the payment it reports, and what is recorded of it."""
    channel: str
    genuine: bool
    order_no: str | None
    notice: Notice
    raw: str

    @property
    def kept(self):
        return {"channel": self.channel, "raw": self.raw, "order_no": self.order_no,
                "trade_no": self.notice.trade_no}


def notifications(db, channel, items):
    """The answers, in order, to a group of notifications from `channel` ("alipay" or
    "bank"), each item (form fields, raw text) as the gateway received it.

    The group is settled in one transaction — each notification decided, applied and
    recorded raw with its outcome — and every answer comes after that commit. Orders are
    locked in the order of their numbers, so groups that share orders (a provider's
    repeats arrive together) wait for each other and never deadlock. Should the group's
    transaction fail, each notification is taken on its own, so one bad notification
    costs the others nothing."""
    received = [_read_or_keep(db, channel, dict(form), raw) for form, raw in items]
    readable = [r for r in received if r is not None]
    answers = iter(_answers(db, channel, readable))
    # Unreadable ones were recorded and are answered `fail`.
    return [ANSWERS[channel][1] if r is None else next(answers) for r in received]


def _answers(db, channel, received):
    if not received:
        return []
    try:
        decisions = _settle_together(db, received)
    except Exception:
        log.warning("%d %s notifications failed together; taken one by one", len(received),
                    channel, exc_info=True)
        return [_one(db, r) for r in received]
    yes, no = ANSWERS[channel]
    return [yes if d is not None and d.acknowledged else no for d in decisions]


def _read_or_keep(db, channel, form, raw):
    """The notification read, or None when it could not be (the channel misconfigured: a
    key file missing) — then it is recorded raw as an error, and the provider, answered
    `fail`, sends it again once the configuration is repaired."""
    try:
        return _read(db, channel, form, raw)
    except Exception:
        log.exception("%s notification not read", channel)
        order_no = form.get("out_trade_no") if channel == "alipay" else form.get("orderId")
        _keep_alone(db, {"channel": channel, "raw": raw, "order_no": order_no,
                         "trade_no": None}, "error", FAILED[channel])
        return None


def _read(db, channel, form, raw):
    if channel == "alipay":
        genuine, order_no, notice = alipay.read_notification(alipay.config(), form)
        return Received(channel, genuine, order_no, notice, raw)
    genuine, order_no, notice = unionpay.read_notification(unionpay.config(), form)
    refunded = unionpay.refunded_payment(form)
    if genuine and refunded:
        # A refund's notification names the refund (orderId: the refund's number): it is
        # about the order whose payment it returns, and never a payment.
        order_no = _order_paid_by(db, "bank", refunded) or order_no
        if form.get("respCode") not in unionpay.PAID_CODES:
            log.warning("UnionPay reports refund %s of payment %s failed (%s %s): settle it "
                        "by hand", form.get("orderId"), refunded, form.get("respCode"),
                        form.get("respMsg"))
    return Received(channel, genuine, order_no, notice, raw)


def _settle_together(db, received):
    decisions = [None] * len(received)
    with db() as uow:
        for i in sorted(range(len(received)), key=lambda i: str(received[i].order_no or "")):
            r = received[i]
            if not r.genuine:
                payments.keep_notification(uow, genuine=False, outcome="forged",
                                           detail=FORGED[r.channel], **r.kept)
                continue
            decisions[i] = payments.settle(uow, r.notice, str(r.order_no or ""))
            payments.keep_notification(uow, genuine=True, **_outcome(decisions[i]), **r.kept)
        uow.commit()
    return decisions


def _outcome(decision):
    if decision is None:
        return {"outcome": "unknown_order", "detail": "订单不存在或尚未生成"}
    return {"outcome": decision.outcome, "detail": decision.reason}


def _one(db, r):
    """One notification settled on its own; a forged or failing one recorded alone."""
    yes, no = ANSWERS[r.channel]
    if not r.genuine:
        _keep_alone(db, r.kept, "forged", FORGED[r.channel])
        return no
    try:
        decision = _settle(db, r.notice, r.order_no, r.kept)
    except Exception:
        log.exception("%s notification for order %s not settled", r.channel, r.order_no)
        _keep_alone(db, r.kept, "error", FAILED[r.channel])
        return no
    return yes if decision is not None and decision.acknowledged else no


def _keep_alone(db, kept, outcome, detail):
    with db() as uow:
        payments.keep_notification(uow, genuine=False if outcome == "forged" else True,
                                   outcome=outcome, detail=detail, **kept)
        uow.commit()


def _settle(db, notice, order_no, kept=None):
    """Decides and applies `notice`; with `kept` (a notification as received), records it
    with the outcome in the same transaction — so the raw callback is committed with what
    came of it, and `success` goes back only after that commit. Should that transaction
    fail, the raw callback is recorded alone (`_keep_alone`); should the process die in
    it, nothing was answered and Alipay sends the notification again."""
    for attempt in range(3):
        try:
            with db() as uow:
                decision = payments.settle(uow, notice, str(order_no or ""))
                if kept is not None:
                    payments.keep_notification(uow, genuine=True, **_outcome(decision),
                                               **kept)
                uow.commit()
                return decision
        except IntegrityError:
            # The same payment committed by a concurrent delivery: decide again (it is
            # now already applied).
            if attempt == 2:
                raise
    return None


def reconcile(db, now, limit=50):
    """Asks Alipay about orders sent there in the last 26 hours that are not paid (a
    notification may have been lost) and settles what it says. Each pass takes the orders
    asked longest ago and stamps them, skipping rows another replica holds — so replicas
    share the work and every order comes round. Returns how many it settled as paid or
    refund-due."""
    cfg = alipay.config()
    with db() as uow:
        numbers = [r.order_no for r in uow.session.execute(
            select(orders.c.order_no).where(
                orders.c.tried_channel == "alipay", orders.c.status.in_(("unpaid", "closed")),
                orders.c.created_at >= now - timedelta(hours=26))
            .order_by(orders.c.reconciled_at.asc().nullsfirst(), orders.c.created_at)
            .limit(limit).with_for_update(skip_locked=True))]
        if numbers:
            uow.session.execute(update(orders).where(orders.c.order_no.in_(numbers))
                                .values(reconciled_at=now))
        uow.commit()
    settled = 0
    for number in numbers:
        found, notice = alipay.query(cfg, number, now)
        if not found or notice is None or not notice.succeeded:
            continue
        decision = _settle(db, notice, number)
        if decision is not None and decision.outcome in ("apply", "late_payment",
                                                         "second_payment"):
            log.info("reconciliation settled order %s: %s", number, decision.outcome)
            settled += 1
    return settled


# --- 银行卡 (UnionPay's online gateway) ------------------------------------------------


def _order_paid_by(db, channel, trade_no):
    """The number of the order a provider's payment `trade_no` came for (the one that paid
    it, or a surplus one), or None."""
    with db() as uow:
        return uow.session.execute(
            select(orders.c.order_no).join(payments_table, payments_table.c.order_id ==
                                           orders.c.id)
            .where(payments_table.c.channel == channel, payments_table.c.trade_no == trade_no)
        ).scalar()


def reconcile_bank(db, now, limit=50):
    """Asks UnionPay (queryTrans.do, txnType 00, by orderId and the order's txnTime) about
    orders sent to a bank in the last 26 hours that are not paid, and settles what it says
    through the same path as a notification. Replicas share the orders as in `reconcile`.
    Returns how many it settled as paid or refund-due."""
    with db() as uow:
        sent = uow.session.execute(
            select(orders.c.order_no, orders.c.created_at).where(
                orders.c.tried_channel == "bank", orders.c.status.in_(("unpaid", "closed")),
                orders.c.created_at >= now - timedelta(hours=26))
            .order_by(orders.c.reconciled_at.asc().nullsfirst(), orders.c.created_at)
            .limit(limit).with_for_update(skip_locked=True)).all()
        if sent:
            uow.session.execute(update(orders).where(
                orders.c.order_no.in_([number for number, _ in sent])).values(reconciled_at=now))
        uow.commit()
    if not sent:
        return 0  # nothing to ask: UnionPay's configuration is not even read
    cfg = unionpay.config()
    settled = 0
    for number, created_at in sent:
        found, notice = unionpay.query(cfg, number, unionpay.beijing(created_at))
        if not found or notice is None or not notice.succeeded:
            continue
        decision = _settle(db, notice, number)
        if decision is not None and decision.outcome in ("apply", "late_payment",
                                                         "second_payment"):
            log.info("bank reconciliation settled order %s: %s", number, decision.outcome)
            settled += 1
    return settled
