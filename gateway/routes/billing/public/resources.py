"""Payment providers' doors (no login; the provider's signature is the credential, checked
by billing): Alipay's asynchronous notification and the browser's return from Alipay."""
from urllib.parse import parse_qsl

from flask import Response, redirect, request
from gateway.blueprint import Blueprint

from ....rpc import rpc_pool

blp = Blueprint("billing_public", __name__, url_prefix="/api/v1/payments",
                description="支付机构回调")
MAX_NOTIFICATION_BYTES = 64 * 1024


@blp.route("/alipay/notify", methods=["POST"], endpoint="alipay_notify")
@blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object"}}}}, responses={"200": {
        "description": "success（已处理）或 fail（支付宝将重试）",
        "content": {"text/plain": {"schema": {"type": "string"}}}}})
def alipay_notify():
    """支付宝异步通知：原文先保存，验签、核对后入账一次；提交后才回复 success"""
    raw = request.get_data(cache=False, as_text=False)[:MAX_NOTIFICATION_BYTES]
    text = raw.decode("utf-8", errors="replace")
    form = dict(parse_qsl(text, keep_blank_values=True))
    answer = rpc_pool().billing.alipay_notification(form, text)
    return Response(answer, 200, mimetype="text/plain")


@blp.route("/alipay/return", methods=["GET"], endpoint="alipay_return")
@blp.doc(responses={"303": {"description": "转到订单的支付结果页"}})
def alipay_return():
    """支付宝同步跳转：只转到支付结果页，从不据此认定订单已支付"""
    order_no = "".join(ch for ch in request.args.get("out_trade_no", "")[:40] if ch.isalnum())
    return redirect(f"/orders/{order_no}/result" if order_no else "/orders", code=303)
