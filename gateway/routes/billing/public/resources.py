"""Payment providers' doors (no login; the provider's signature is the credential, checked
by billing): Alipay's asynchronous notification and the browser's return from Alipay;
UnionPay's back notification (银行卡) and the browser's return from the bank."""
from flask import Response, redirect, request
from gateway.blueprint import Blueprint

from ....notifications import notification_item, notification_reply
from ....rpc import rpc_pool

blp = Blueprint("billing_public", __name__, url_prefix="/api/v1/payments",
                description="支付机构回调")


def settled(channel, body):
    """billing's answer to one notification (the gateway's event loop sends them in
    groups: notification_route.py)."""
    return rpc_pool().billing.provider_notifications(channel, [notification_item(body)])[0]


@blp.route("/alipay/notify", methods=["POST"], endpoint="alipay_notify")
@blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object"}}}}, responses={"200": {
        "description": "success（已处理）或 fail（支付宝将重试）",
        "content": {"text/plain": {"schema": {"type": "string"}}}}})
def alipay_notify():
    """支付宝异步通知：原文先保存，验签、核对后入账一次；提交后才回复 success"""
    return Response(*notification_reply("alipay", settled("alipay", request.get_data(
        cache=False, as_text=False))), mimetype="text/plain")


@blp.route("/alipay/return", methods=["GET"], endpoint="alipay_return")
@blp.doc(responses={"303": {"description": "转到订单的支付结果页"}})
def alipay_return():
    """支付宝同步跳转：只转到支付结果页，从不据此认定订单已支付"""
    order_no = "".join(ch for ch in request.args.get("out_trade_no", "")[:40] if ch.isalnum())
    return redirect(f"/orders/{order_no}/result" if order_no else "/orders", code=303)


@blp.route("/bank/notify", methods=["POST"], endpoint="bank_notify")
@blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object"}}}}, responses={
        "200": {"description": "ok：已处理（银联以 HTTP 200 为通知成功）",
                "content": {"text/plain": {"schema": {"type": "string"}}}},
        "400": {"description": "fail：未受理（验签失败、金额或商户不符、订单尚未生成），银联将重发",
                "content": {"text/plain": {"schema": {"type": "string"}}}}})
def bank_notify():
    """银联后台通知（银行卡支付）：原文先保存，验签（签名证书须由银联根证书签发）、核对后入账一次；
    提交后才以 HTTP 200 回复 ok"""
    return Response(*notification_reply("bank", settled("bank", request.get_data(
        cache=False, as_text=False))), mimetype="text/plain")


@blp.route("/bank/return", methods=["POST"], endpoint="bank_return")
@blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object"}}}},
    responses={"303": {"description": "转到订单的支付结果页"}})
def bank_return():
    """银联前台通知（浏览器从银行页面返回）：只转到支付结果页，从不据此认定订单已支付"""
    order_no = "".join(ch for ch in request.form.get("orderId", "")[:40] if ch.isalnum())
    return redirect(f"/orders/{order_no}/result" if order_no else "/orders", code=303)
