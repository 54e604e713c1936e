"""The learner's routes answered by billing (/api/v1/me): 购物车, 我的订单, 去支付, 我的账户."""
from datetime import timedelta

from flask import g
from gateway.blueprint import Blueprint

from services.billing.contracts import (CartItemBody, InvoiceBody, OrderBody, OrderQuery,
                                       PaymentBody, RechargeBody, RedeemBody)

from ....auth import login_required
from ....rpc import rpc_pool
from .schemas import (Account, Cart, CardRedeemed, BillingFileLink, Invoice, InvoiceList, Order,
                      OrderDeleted, OrderPage, PaymentStarted)

blp = Blueprint("billing_me", __name__, url_prefix="/api/v1/me", description="学员：购物车、订单与支付")


def billing():
    return rpc_pool().billing


@blp.route("/cart", methods=["GET"], endpoint="cart")
@blp.response(200, Cart)
@login_required("learner")
def cart():
    """购物车：按培训计划分组，按当前价格计价"""
    return billing().cart(g.actor)


@blp.route("/cart/items", methods=["POST"], endpoint="add_to_cart")
@blp.arguments(CartItemBody)
@blp.response(200, Cart)
@login_required("learner")
def add_to_cart(body):
    """加入购物车：已激活计划的选修课，或按计划收费的计划费用"""
    return billing().add_to_cart(g.actor, body["plan_id"], body["course_id"])


@blp.route("/cart/items/<int:plan_id>/<int:course_id>", methods=["DELETE"],
           endpoint="remove_from_cart")
@blp.response(200, Cart)
@login_required("learner")
def remove_from_cart(plan_id, course_id):
    """移出购物车（course_id 为 0：计划费用）"""
    return billing().remove_from_cart(g.actor, plan_id, course_id or None)


@blp.route("/orders", methods=["POST"], endpoint="place_order")
@blp.arguments(OrderBody)
@blp.response(201, Order)
@login_required("learner")
def place_order(body):
    """去结算：按此刻的价格生成订单"""
    return billing().place_order(g.actor, body["plan_id"], body["course_ids"])


@blp.route("/orders", methods=["GET"], endpoint="my_orders")
@blp.arguments(OrderQuery, location="query")
@blp.response(200, OrderPage)
@login_required("learner")
def my_orders(query):
    """我的订单：按下单时间、订单状态、课程名称查询"""
    if query.get("created_to"):
        query["created_to"] = query["created_to"] + timedelta(days=1)
    query = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in query.items()}
    return billing().my_orders(g.actor, query)


@blp.route("/orders/<order_no>", methods=["GET"], endpoint="my_order")
@blp.response(200, Order)
@login_required("learner")
def my_order(order_no):
    """订单详情"""
    return billing().my_order(g.actor, order_no[:40])


@blp.route("/orders/<order_no>", methods=["DELETE"], endpoint="delete_order")
@blp.response(200, OrderDeleted)
@login_required("learner")
def delete_order(order_no):
    """删除未支付的订单"""
    return billing().delete_order(g.actor, order_no[:40])


@blp.route("/orders/<order_no>/payment", methods=["POST"], endpoint="pay_order")
@blp.arguments(PaymentBody)
@blp.response(200, PaymentStarted)
@login_required("learner")
def pay_order(body, order_no):
    """去支付：支付宝（跳转到支付页面）、银行卡（浏览器提交 form 到银联网关）或余额（立即支付）"""
    return billing().pay_order(g.actor, order_no[:40], body["method"], body.get("bank"))


@blp.route("/account", methods=["GET"], endpoint="my_account")
@blp.response(200, Account)
@login_required("learner")
def my_account():
    """我的账户：余额与收支明细"""
    return billing().my_account(g.actor)


@blp.route("/account/recharges", methods=["POST"], endpoint="recharge")
@blp.arguments(RechargeBody)
@blp.response(201, Order)
@login_required("learner")
def recharge(body):
    """账户充值：生成充值订单，再以支付宝或银行卡去支付；支付成功后金额存入余额"""
    return billing().recharge(g.actor, body["amount_fen"])


@blp.route("/cards/redemptions", methods=["POST"], endpoint="redeem_card")
@blp.arguments(RedeemBody)
@blp.response(200, CardRedeemed)
@login_required("learner")
def redeem_card(body):
    """学习卡充值：卡号与密码，面值存入余额（限定范围的学习卡单独记账）"""
    return billing().redeem_card(g.actor, body["card_no"], body["password"])


@blp.route("/invoices", methods=["POST"], endpoint="request_invoice")
@blp.arguments(InvoiceBody)
@blp.response(201, Invoice)
@login_required("learner")
def request_invoice(body):
    """申请发票：普通发票（个人或单位抬头）或增值税专用发票，可合并多个已支付订单"""
    return billing().request_invoice(g.actor, body)


@blp.route("/invoices", methods=["GET"], endpoint="my_invoices")
@blp.response(200, InvoiceList)
@login_required("learner")
def my_invoices():
    """我的发票：申请记录与开具状态"""
    return billing().my_invoices(g.actor)


@blp.route("/invoices/<request_no>/file", methods=["GET"], endpoint="my_invoice_file")
@blp.response(200, BillingFileLink)
@login_required("learner")
def my_invoice_file(request_no):
    """下载电子发票：短时有效的链接"""
    return billing().invoice_file(g.actor, request_no[:40])
