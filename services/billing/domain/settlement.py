"""What a payment provider's notification does to an order — decided here, in plain
Python, for Alipay and the banks alike. A notification reaches this point only with a
valid signature; billing keeps every one it received (raw, first) whatever is decided.

- A successful payment of an unpaid order, for exactly its amount, to our merchant:
  the order is paid (once: the order row is locked while deciding).
- The same payment again (Alipay retries, duplicates, TRADE_FINISHED after
  TRADE_SUCCESS or before it): nothing more happens.
- Another successful payment of an order already paid (the learner paid twice, in two
  tabs or by two channels): it is kept and refunded, never lost.
- A successful payment of an order that was closed (the timeout passed, the learner
  deleted it): kept and refunded too.
- Another merchant's notification, or an amount that is not the order's: rejected and
  not acknowledged, so it stays visible in the provider's retries and in our records.
- Statuses that are not a payment (waiting, closed, refund notices): acknowledged,
  nothing changes."""
from dataclasses import dataclass

APPLY = "apply"
ALREADY_APPLIED = "already_applied"
SECOND_PAYMENT = "second_payment"   # refund due
LATE_PAYMENT = "late_payment"       # refund due: the order was closed
NOT_A_PAYMENT = "not_a_payment"
REJECT = "reject"

ACKNOWLEDGED = {APPLY, ALREADY_APPLIED, SECOND_PAYMENT, LATE_PAYMENT, NOT_A_PAYMENT}
REFUND_DUE = {SECOND_PAYMENT, LATE_PAYMENT}


@dataclass(frozen=True)
class Notice:
    """A verified notification, reduced to what the decision needs."""
    channel: str           # alipay | bank
    trade_no: str          # the provider's number for this payment
    succeeded: bool        # TRADE_SUCCESS / TRADE_FINISHED, respCode 00
    amount_fen: int | None  # None: not a well-formed amount
    merchant_is_ours: bool  # app_id and seller_id (Alipay), merId (bank)


@dataclass(frozen=True)
class OrderFacts:
    status: str            # unpaid | paid | closed | refunded | partially_refunded
    total_fen: int
    paid_by: tuple | None  # (channel, trade_no) of the payment that paid it


@dataclass(frozen=True)
class Decision:
    outcome: str
    reason: str

    @property
    def acknowledged(self):
        return self.outcome in ACKNOWLEDGED

    @property
    def refund_due(self):
        return self.outcome in REFUND_DUE


def decide(notice, order):
    if not notice.merchant_is_ours:
        return Decision(REJECT, "收款方不是本平台")
    if not notice.succeeded:
        return Decision(NOT_A_PAYMENT, "不是支付成功的通知")
    if notice.amount_fen is None:
        return Decision(REJECT, "支付金额格式不正确")
    if notice.amount_fen != order.total_fen:
        return Decision(REJECT, "支付金额与订单金额不符")
    if order.paid_by == (notice.channel, notice.trade_no):
        return Decision(ALREADY_APPLIED, "该笔支付已经入账")
    if order.status == "unpaid":
        return Decision(APPLY, "订单已支付")
    if order.status == "closed":
        return Decision(LATE_PAYMENT, "订单已关闭，该笔支付将原路退回")
    return Decision(SECOND_PAYMENT, "订单已由另一笔支付付清，该笔支付将原路退回")
