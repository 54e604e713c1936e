"""What billing is asked, defined once: the request contracts the gateway checks (for its
OpenAPI document and an early 422). Ownership, prices and states stay in the service."""
from services.common.contracts import PageQuery
from services.common.schema import Schema, fields, length, one_of, validate

ORDER_STATUSES = ("unpaid", "paid", "closed", "partially_refunded", "refunded")
PAYMENT_METHODS = ("alipay", "bank", "balance")


class CartItemBody(Schema):
    plan_id = fields.Integer(required=True)
    course_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "选修课程；按计划收费的培训计划不填（计划费用）"})


class OrderBody(Schema):
    plan_id = fields.Integer(required=True)
    course_ids = fields.List(fields.Integer(), load_default=list, validate=validate.Length(
        max=200, error="一次最多购买200门课程"))


class PaymentBody(Schema):
    method = fields.String(required=True, validate=one_of(PAYMENT_METHODS), metadata={
        "description": "alipay 支付宝 / bank 银行卡 / balance 余额"})
    bank = fields.String(load_default=None, allow_none=True, validate=length(max=20))


class RechargeBody(Schema):
    amount_fen = fields.Integer(required=True, strict=True, validate=validate.Range(
        min=100, max=500_000, error="充值金额须在1.00元到5000.00元之间"),
        metadata={"description": "充值金额（分），1元至5000元"})


class OrderQuery(PageQuery):
    status = fields.String(load_default=None, validate=one_of(ORDER_STATUSES))
    created_from = fields.Date(load_default=None, metadata={"description": "下单日期起"})
    created_to = fields.Date(load_default=None, metadata={"description": "下单日期止（含）"})
    course = fields.String(load_default=None, validate=length(max=60),
                           metadata={"description": "课程或培训计划名称"})


class RefundBody(Schema):
    request_id = fields.String(required=True, validate=length(min=1, max=64), metadata={
        "description": "调用方生成的退款请求编号；重试时使用同一编号，只退款一次"})
    whole = fields.Boolean(load_default=False, metadata={"description": "整单退款"})
    course_ids = fields.List(fields.Integer(), load_default=list,
                             metadata={"description": "部分退款：要退的课程"})
    reason = fields.String(load_default=None, allow_none=True, validate=length(max=200))


class OperatorOrderQuery(PageQuery):
    order_no = fields.String(load_default=None, validate=length(max=40))
    user_id = fields.Integer(load_default=None)
    learner = fields.String(load_default=None, validate=length(max=50),
                            metadata={"description": "学员用户名或姓名"})
    status = fields.String(load_default=None, validate=one_of(ORDER_STATUSES))
    kind = fields.String(load_default=None, validate=one_of(("purchase", "recharge")),
                         metadata={"description": "purchase 购课 / recharge 账户充值"})


class CardBatchBody(Schema):
    name = fields.String(required=True, validate=length(min=1, max=60))
    face_fen = fields.Integer(required=True, validate=validate.Range(
        min=100, max=1_000_000, error="面值须为1–10000元"), metadata={"description": "面值（分）"})
    quantity = fields.Integer(required=True, validate=validate.Range(
        min=1, max=20000, error="每批1–20000张"))
    plan_year = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(
        min=2000, max=2100), metadata={"description": "只能支付该年度的培训计划"})
    plan_kind = fields.String(load_default=None, allow_none=True,
                              validate=one_of(("public", "professional")),
                              metadata={"description": "只能支付该类培训计划"})
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)


class CardSaleBody(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=20000))


class RedeemBody(Schema):
    card_no = fields.String(required=True, validate=length(min=1, max=40))
    password = fields.String(required=True, validate=length(min=1, max=40))


class InvoiceBody(Schema):
    kind = fields.String(required=True, validate=one_of(("ordinary", "special")), metadata={
        "description": "ordinary 普通发票 / special 增值税专用发票"})
    title_type = fields.String(required=True, validate=one_of(("personal", "company")),
                               metadata={"description": "personal 个人 / company 单位"})
    title = fields.String(required=True, validate=length(min=1, max=100),
                          metadata={"description": "发票抬头"})
    tax_no = fields.String(load_default=None, allow_none=True, validate=length(max=20),
                           metadata={"description": "纳税人识别号（统一社会信用代码）"})
    email = fields.Email(load_default=None, allow_none=True, validate=length(max=120))
    address_phone = fields.String(load_default=None, allow_none=True, validate=length(max=200))
    bank_account = fields.String(load_default=None, allow_none=True, validate=length(max=200))
    order_nos = fields.List(fields.String(validate=length(min=8, max=40)), required=True,
                            validate=validate.Length(min=1, max=5000,
                                                     error="每次申请1–5000个订单"))


class InvoiceQuery(PageQuery):
    status = fields.String(load_default=None, validate=one_of(("requested", "issued",
                                                                "rejected")))


class InvoiceReject(Schema):
    reason = fields.String(required=True, validate=length(min=1, max=200))
