"""The operator's routes answered by billing (/api/v1/admin): every order, refunds."""
from flask import g
from gateway.blueprint import Blueprint

from services.billing.contracts import OperatorOrderQuery, RefundBody
from services.common.schema import Schema, fields

from ....auth import login_required
from ....rpc import rpc_pool
from ..me.schemas import Order

blp = Blueprint("billing_admin", __name__, url_prefix="/api/v1/admin",
                description="运营：订单与退款")


class OperatorOrder(Order):
    user_id = fields.Integer()


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
    """退款：整单或部分课程，原路退回（余额退回余额，支付宝经支付宝），同一请求编号只退一次"""
    return billing().refund_order(g.actor, order_no[:40], body["request_id"],
                                  body["course_ids"], body["whole"], body["reason"])
