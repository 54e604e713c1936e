"""A provider's word that money moved, start to finish: verified, decided and applied,
and the raw callback recorded with what came of it, in one transaction — then answered:
Alipay's `success` only after the commit, so a crash before it means Alipay asks again
and the repeat changes nothing. A forged callback, or one whose processing failed, is
recorded on its own. Reconciliation asks Alipay about orders that went there and
settles what it says through the same path."""
import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from . import alipay, payments, unionpay
from .models import orders
from .models import payments as payments_table

log = logging.getLogger(__name__)
ACK, NO_ACK = "success", "fail"


def alipay_notification(db, form, raw):
    cfg = alipay.config()
    genuine, order_no, notice = alipay.read_notification(cfg, form)
    kept = {"channel": "alipay", "raw": raw, "order_no": order_no, "trade_no": notice.trade_no}
    if not genuine:
        _keep_alone(db, kept, "forged", "签名无效或不是 RSA2 签名")
        return NO_ACK
    try:
        decision = _settle(db, notice, order_no, kept)
    except Exception:
        _keep_alone(db, kept, "error", "处理出错，等待支付宝重发")
        raise
    return ACK if decision is not None and decision.acknowledged else NO_ACK


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
                    outcome = ("unknown_order", "订单不存在或尚未生成") if decision is None \
                        else (decision.outcome, decision.reason)
                    payments.keep_notification(uow, genuine=True, outcome=outcome[0],
                                               detail=outcome[1], **kept)
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

BANK_ACK, BANK_NO_ACK = "ok", "fail"  # UnionPay: HTTP 200 is received; the gateway answers
#                                     `fail` with another status, so UnionPay sends again


def bank_notification(db, form, raw):
    """UnionPay's back notification, as alipay_notification: verified (signPubKeyCert
    chaining to the configured root, valid, UnionPay's; the signature), decided, applied
    and recorded raw with its outcome in one transaction, `ok` only after that commit;
    `fail` for what must not count as received (forged, another merchant, another amount,
    an order not committed yet). Forged or failed ones are recorded alone. A refund's
    notification (txnType 04) is recorded under the order whose payment it returns and
    acknowledged: not a payment."""
    cfg = unionpay.config()
    genuine, order_no, notice = unionpay.read_notification(cfg, form)
    refunded = unionpay.refunded_payment(form)
    if genuine and refunded:
        # A refund's notification names the refund (orderId: the refund's number): it is
        # about the order whose payment it returns, and never a payment.
        order_no = _order_paid_by(db, "bank", refunded) or order_no
        if form.get("respCode") not in unionpay.PAID_CODES:
            log.warning("UnionPay reports refund %s of payment %s failed (%s %s): settle it "
                        "by hand", form.get("orderId"), refunded, form.get("respCode"),
                        form.get("respMsg"))
    kept = {"channel": "bank", "raw": raw, "order_no": order_no, "trade_no": notice.trade_no}
    if not genuine:
        _keep_alone(db, kept, "forged", "签名无效，或签名证书不是银联根证书签发的有效证书")
        return BANK_NO_ACK
    try:
        decision = _settle(db, notice, order_no, kept)
    except Exception:
        _keep_alone(db, kept, "error", "处理出错，等待银联重发")
        raise
    return BANK_ACK if decision is not None and decision.acknowledged else BANK_NO_ACK


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
