"""Shapes of billing's answers to the learner, for the OpenAPI document."""
from services.common.schema import Schema, fields


class OrderLine(Schema):
    kind = fields.String(metadata={"description": "course 课程 / plan_fee 计划费用"})
    course_id = fields.Integer(allow_none=True)
    title = fields.String()
    hours = fields.String(allow_none=True)
    price_fen = fields.Integer()
    price = fields.String(metadata={"description": "元，两位小数"})
    refunded = fields.Boolean()


class Order(Schema):
    order_no = fields.String()
    kind = fields.String(metadata={"description": "purchase 购课 / recharge 账户充值"})
    kind_label = fields.String()
    plan_id = fields.Integer()
    plan_name = fields.String()
    plan_year = fields.Integer()
    plan_kind = fields.String()
    total_fen = fields.Integer()
    total = fields.String()
    refunded_fen = fields.Integer()
    status = fields.String()
    status_label = fields.String()
    channel = fields.String(allow_none=True)
    channel_label = fields.String(allow_none=True)
    created_at = fields.String()
    expires_at = fields.String()
    paid_at = fields.String(allow_none=True)
    cards_allowed = fields.Boolean()
    pay_deadline = fields.String()
    lines = fields.List(fields.Nested(OrderLine))


class OrderPage(Schema):
    items = fields.List(fields.Nested(Order))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class OrderDeleted(Schema):
    order_no = fields.String()
    deleted = fields.Boolean()


class PaymentForm(Schema):
    action = fields.String(required=True, metadata={"description": "银联网关地址（POST）"})
    form_fields = fields.Dict(keys=fields.String(), values=fields.String(), attribute="fields",
                              data_key="fields", required=True, metadata={
                                  "description": "原样提交的表单字段（已签名）"})


class PaymentStarted(Schema):
    order_no = fields.String()
    status = fields.String()
    redirect_url = fields.String(allow_none=True, metadata={
        "description": "支付宝的支付页面；银行卡与余额支付为空"})
    form = fields.Nested(PaymentForm, allow_none=True, metadata={
        "description": "银行卡支付：浏览器以 POST 提交到 action 的表单（application/"
                       "x-www-form-urlencoded），由银联转到所选银行的支付页面"})


class CartLine(Schema):
    kind = fields.String()
    course_id = fields.Integer(allow_none=True)
    title = fields.String()
    hours = fields.String(allow_none=True)
    price_fen = fields.Integer()
    price = fields.String()


class Problem(Schema):
    code = fields.String()
    detail = fields.String()


class CartGroup(Schema):
    plan_id = fields.Integer()
    plan_name = fields.String()
    year = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    cards_allowed = fields.Boolean()
    pay_deadline = fields.String()
    payable = fields.Boolean()
    problem = fields.Nested(Problem, allow_none=True)
    course_ids = fields.List(fields.Integer())
    lines = fields.List(fields.Nested(CartLine))
    total_fen = fields.Integer()
    total = fields.String()


class Cart(Schema):
    groups = fields.List(fields.Nested(CartGroup))
    total_fen = fields.Integer()
    total = fields.String()


class Pocket(Schema):
    pocket = fields.String(metadata={"description": "general 余额 / card、card:2018、card:2018:public 学习卡"})
    label = fields.String()
    balance_fen = fields.Integer()
    balance = fields.String()


class LedgerEntry(Schema):
    amount_fen = fields.Integer()
    amount = fields.String()
    balance_after_fen = fields.Integer()
    kind = fields.String()
    pocket = fields.String()
    reference = fields.String()
    created_at = fields.String()


class Recharge(Schema):
    order_no = fields.String()
    amount_fen = fields.Integer()
    amount = fields.String()
    status = fields.String()
    status_label = fields.String()
    channel = fields.String(allow_none=True)
    channel_label = fields.String(allow_none=True)
    created_at = fields.String()
    paid_at = fields.String(allow_none=True)


class Account(Schema):
    balance_fen = fields.Integer()
    recharges = fields.List(fields.Nested(Recharge), metadata={"description": "充值记录"})
    pockets = fields.List(fields.Nested(Pocket))
    entries = fields.List(fields.Nested(LedgerEntry))


class CardRedeemed(Schema):
    card_no = fields.String()
    amount_fen = fields.Integer()
    amount = fields.String()
    pocket = fields.String()
    pocket_label = fields.String()


class Invoice(Schema):
    request_no = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    title_type = fields.String()
    title = fields.String()
    tax_no = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address_phone = fields.String(allow_none=True)
    bank_account = fields.String(allow_none=True)
    amount_fen = fields.Integer()
    amount = fields.String()
    batch = fields.Boolean(metadata={"description": "单位批量申请"})
    status = fields.String(metadata={"description": "requested 待开具 / issued 已开具 / rejected 已驳回"})
    status_label = fields.String()
    invoice_no = fields.String(allow_none=True)
    reject_reason = fields.String(allow_none=True)
    has_file = fields.Boolean()
    created_at = fields.String()
    order_nos = fields.List(fields.String())


class InvoiceList(Schema):
    items = fields.List(fields.Nested(Invoice))


class InvoicePage(InvoiceList):
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class BillingFileLink(Schema):
    url = fields.String()
