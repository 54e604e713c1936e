"""billing's events, defined ahead of the billing service because learning consumes them
(an order paid makes its courses watchable; a refund withdraws those not yet studied).
Money is integer fen; order numbers are 8–40 letters and digits (valid for Alipay and
UnionPay alike)."""
from marshmallow import fields, validate

from services.common.events import Payload, catalogue, event

ORDER_NO = validate.Regexp(r"^[A-Za-z0-9]{8,40}$")


class OrderLine(Payload):
    """One line of a paid order at the price of the moment it was ordered: an elective
    course (`course_id`), or a plan's flat fee (`kind` plan_fee, no course)."""
    kind = fields.String(required=True, validate=validate.OneOf(("course", "plan_fee")))
    course_id = fields.Integer(allow_none=True, load_default=None)
    hours = fields.String(allow_none=True, load_default=None)  # fixed-point 学时, "2.0"
    price_fen = fields.Integer(required=True, validate=validate.Range(min=0))


class OrderPaid(Payload):
    """An order was paid (once, whatever the channel and however often it notified)."""
    order_no = fields.String(required=True, validate=ORDER_NO)
    user_id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    lines = fields.List(fields.Nested(OrderLine), required=True)
    total_fen = fields.Integer(required=True, validate=validate.Range(min=0))
    channel = fields.String(required=True)  # alipay | bank | balance | card
    paid_at = fields.DateTime(required=True)


class OrderRefunded(Payload):
    """A paid order was refunded wholly or in part, once per refund request; `course_ids`
    are the refunded lines' courses (a plan fee refund names none and `whole` is true)."""
    order_no = fields.String(required=True, validate=ORDER_NO)
    refund_no = fields.String(required=True)
    user_id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    course_ids = fields.List(fields.Integer(), required=True)
    whole = fields.Boolean(required=True)
    amount_fen = fields.Integer(required=True, validate=validate.Range(min=0))
    refunded_at = fields.DateTime(required=True)


class BalanceRecharged(Payload):
    """A learner's recharge (账户充值) was paid through a provider and credited to their
    balance (once, however often the provider notified)."""
    order_no = fields.String(required=True, validate=ORDER_NO)
    user_id = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True, validate=validate.Range(min=1))
    channel = fields.String(required=True)  # alipay | bank
    paid_at = fields.DateTime(required=True)


class CardRedeemed(Payload):
    """A learning card's value went into a learner's balance (once per card); `pocket`
    says what it may pay (card, card:2018, card:2018:public …)."""
    card_no = fields.String(required=True)
    batch_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    amount_fen = fields.Integer(required=True, validate=validate.Range(min=0))
    pocket = fields.String(required=True)
    redeemed_at = fields.DateTime(required=True)


class CardBatchRequested(Payload):
    """billing to itself: make a batch of learning cards and its .xlsx (a job)."""
    job_id = fields.Integer(required=True)
    batch_id = fields.Integer(required=True)


CATALOGUE = catalogue(
    event("order_paid", OrderPaid, "order", "order_no"),
    event("order_refunded", OrderRefunded, "order", "order_no"),
    event("balance_recharged", BalanceRecharged, "order", "order_no"),
    event("card_redeemed", CardRedeemed, "card", "card_no"),
    event("card_batch_requested", CardBatchRequested, "job", "job_id"),
)
