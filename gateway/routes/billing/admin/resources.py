"""The operator's routes answered by billing (/api/v1/admin): every order and refunds, learning
card batches, invoices."""
import uuid

from flask import g
from gateway.blueprint import Blueprint

from services.billing.contracts import (CardBatchBody, CardSaleBody, InvoiceBody,
                                       InvoiceQuery, InvoiceReject, OperatorOrderQuery,
                                       RefundBody)
from services.common.schema import Schema, fields

from ....auth import login_required
from ....rpc import rpc_pool
from ....files import store_upload
from ..me.schemas import BillingFileLink, Invoice, InvoicePage, Order

blp = Blueprint("billing_admin", __name__, url_prefix="/api/v1/admin",
                description="运营：订单与退款")


class OperatorOrder(Order):
    user_id = fields.Integer()
    username = fields.String(allow_none=True)
    real_name = fields.String(allow_none=True)


class OperatorOrderPage(Schema):
    items = fields.List(fields.Nested(OperatorOrder))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class Refund(Schema):
    refund_no = fields.String()
    request_id = fields.String()
    order_no = fields.String()
    amount_fen = fields.Integer()
    amount = fields.String()
    course_ids = fields.List(fields.Integer())
    status = fields.String(metadata={"description": "done 已退款 / pending 处理中 / failed 失败"})
    reason = fields.String(allow_none=True)


def billing():
    return rpc_pool().billing


@blp.route("/orders", methods=["GET"], endpoint="all_orders")
@blp.arguments(OperatorOrderQuery, location="query")
@blp.response(200, OperatorOrderPage)
@login_required("operator")
def all_orders(query):
    """订单管理：按订单号、学员、状态查询"""
    return billing().all_orders(g.actor, query)


@blp.route("/orders/<order_no>/refunds", methods=["POST"], endpoint="refund_order")
@blp.arguments(RefundBody)
@blp.response(200, Refund)
@login_required("operator")
def refund_order(body, order_no):
    """退款：整单或部分课程，原路退回（余额退回余额，支付宝经支付宝，银行卡经银联），同一请求编号只退一次"""
    return billing().refund_order(g.actor, order_no[:40], body["request_id"],
                                  body["course_ids"], body["whole"], body["reason"])


class CardBatch(Schema):
    batch_id = fields.Integer()
    name = fields.String()
    face_fen = fields.Integer()
    face = fields.String()
    quantity = fields.Integer()
    plan_year = fields.Integer(allow_none=True)
    plan_kind = fields.String(allow_none=True)
    scope = fields.String()
    valid_from = fields.String()
    valid_to = fields.String()
    status = fields.String(metadata={"description": "issuing 生成中 / issued 已发行 / failed 失败"})
    unsold = fields.Integer(metadata={"description": "库存（未售出）"})
    sold = fields.Integer()
    redeemed = fields.Integer()
    sold_out = fields.Boolean(metadata={"description": "已售罄：学员需在线支付"})
    created_at = fields.String()


class CardBatchList(Schema):
    items = fields.List(fields.Nested(CardBatch))


class CardSale(Schema):
    batch = fields.Nested(CardBatch)
    first = fields.String()
    last = fields.String()
    count = fields.Integer()


@blp.route("/card-batches", methods=["POST"], endpoint="issue_card_batch")
@blp.arguments(CardBatchBody)
@blp.response(202, CardBatch)
@login_required("operator")
def issue_card_batch(body):
    """发行学习卡：生成卡号、密码和供印刷的 Excel（后台任务）"""
    return billing().issue_card_batch(g.actor, body)


@blp.route("/card-batches", methods=["GET"], endpoint="card_batches")
@blp.response(200, CardBatchList)
@login_required("operator")
def card_batches():
    """学习卡批次：面值、适用范围、有效期、库存与使用情况"""
    return billing().card_batches(g.actor)


@blp.route("/card-batches/<int:batch_id>", methods=["GET"], endpoint="card_batch")
@blp.response(200, CardBatch)
@login_required("operator")
def card_batch(batch_id):
    """学习卡批次详情"""
    return billing().card_batch(g.actor, batch_id)


@blp.route("/card-batches/<int:batch_id>/export", methods=["GET"], endpoint="card_batch_export")
@blp.response(200, BillingFileLink)
@login_required("operator")
def card_batch_export(batch_id):
    """导出学习卡（卡号与密码，供印刷）：短时有效的下载链接"""
    return billing().card_batch_export(g.actor, batch_id)


@blp.route("/card-batches/<int:batch_id>/sales", methods=["POST"], endpoint="sell_cards")
@blp.arguments(CardSaleBody)
@blp.response(200, CardSale)
@login_required("operator")
def sell_cards(body, batch_id):
    """销售登记：按卡号顺序登记售出，库存不足时提示售罄"""
    return billing().sell_cards(g.actor, batch_id, body["count"])


class InvoiceIssue(Schema):
    invoice_no = fields.String(required=True, validate=lambda v: 1 <= len(v) <= 40,
                               metadata={"description": "发票号码"})


class InvoicePdf(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "电子发票 PDF，不超过5MB"})


@blp.route("/invoices", methods=["GET"], endpoint="invoices")
@blp.arguments(InvoiceQuery, location="query")
@blp.response(200, InvoicePage)
@login_required("operator")
def invoices(query):
    """发票管理：按状态查询申请"""
    return billing().all_invoices(g.actor, query)


@blp.route("/invoices", methods=["POST"], endpoint="batch_invoice")
@blp.arguments(InvoiceBody)
@blp.response(201, Invoice)
@login_required("operator")
def batch_invoice(body):
    """单位批量申请：一张发票覆盖多名学员的已支付订单"""
    return billing().batch_invoice(g.actor, body)


@blp.route("/invoices/<request_no>/issue", methods=["POST"], endpoint="issue_invoice")
@blp.arguments(InvoiceIssue, location="form")
@blp.arguments(InvoicePdf, location="files")
@blp.response(200, Invoice)
@login_required("operator")
def issue_invoice(form, files, request_no):
    """开具发票：填写发票号码并上传电子发票"""
    key = f"billing/uploads/{uuid.uuid4().hex}"
    store_upload(key, files["file"].stream)
    return billing().issue_invoice(g.actor, request_no[:40], form["invoice_no"], key)


@blp.route("/invoices/<request_no>/reject", methods=["POST"], endpoint="reject_invoice")
@blp.arguments(InvoiceReject)
@blp.response(200, Invoice)
@login_required("operator")
def reject_invoice(body, request_no):
    """驳回发票申请（所涉订单可重新申请）"""
    return billing().reject_invoice(g.actor, request_no[:40], body["reason"])


@blp.route("/invoices/<request_no>/file", methods=["GET"], endpoint="invoice_file")
@blp.response(200, BillingFileLink)
@login_required("operator")
def invoice_file(request_no):
    """下载电子发票"""
    return billing().invoice_file(g.actor, request_no[:40])
