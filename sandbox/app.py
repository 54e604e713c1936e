"""The sandbox's web application: Alipay's gateway (/gateway.do), the cashier a buyer
pays at, UnionPay's online gateway (/unionpay/gateway/api/frontTransReq.do,
queryTrans.do and backTransReq.do) with the bank's page a cardholder pays at, and two
pages for people (/trades, /healthz).

    gunicorn -b 127.0.0.1:8090 'sandbox.app:wsgi()'     # or: python -m sandbox.app

Configuration comes from the environment (see DEFAULTS); create_app(config) overrides it
per key, which is how tests point it at their own keys, database and retry schedule."""
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from services.billing import alipay_signing, unionpay_signing

from . import alipay, unionpay
from .alipay import SHANGHAI, Identity, Refusal
from .delivery import Notifier, acknowledged_by_http_200
from .keys import ensure_keys, ensure_unionpay_keys
from .store import CLOSED, FINISHED, SUCCESS, WAIT, Store
from .unionpay_store import UnionPayStore

log = logging.getLogger("sandbox")

DEFAULTS = {
    "VAR_DIR": "var",
    "SANDBOX_APP_ID": "2021000000000001",
    "SANDBOX_SELLER_ID": "2088000000000001",
    "SANDBOX_SELLER_EMAIL": "seller@sandbox.alipay.local",
    "SANDBOX_DB": None,  # VAR_DIR/sandbox.db
    "SANDBOX_ALIPAY_PRIVATE_KEY_FILE": None,  # VAR_DIR/keys/alipay_sandbox_private.pem
    "SANDBOX_MERCHANT_PUBLIC_KEY_FILE": None,  # VAR_DIR/keys/alipay_merchant_public.pem
    # Alipay retries after 2m, 10m, 10m, 1h, 2h, 6h, 15h; a demo cannot wait 25 hours.
    "SANDBOX_NOTIFY_RETRY_SECONDS": "2,5,10,30,60,120,300,600",
    "SANDBOX_NOTIFY_TIMEOUT_SECONDS": "15",
    "SANDBOX_PORT": "8090",  # billing's ALIPAY_GATEWAY default points here
    # UnionPay (ACP 5.1.0): the one merchant it serves and the files it signs and checks with.
    "SANDBOX_UNIONPAY_MER_ID": "777290058110048",
    "SANDBOX_UNIONPAY_SIGN_KEY_FILE": None,  # VAR_DIR/keys/unionpay_sign_key.pem
    "SANDBOX_UNIONPAY_SIGN_CERT_FILE": None,  # VAR_DIR/keys/unionpay_sign_cert.pem
    "SANDBOX_UNIONPAY_MERCHANT_CERT_FILE": None,  # VAR_DIR/keys/unionpay_merchant_cert.pem
}
UNIONPAY_FILES = {"SANDBOX_UNIONPAY_SIGN_KEY_FILE": "unionpay_sign_key",
                  "SANDBOX_UNIONPAY_SIGN_CERT_FILE": "unionpay_sign_cert",
                  "SANDBOX_UNIONPAY_MERCHANT_CERT_FILE": "unionpay_merchant_cert"}
MAX_BODY_BYTES = 1024 * 1024
MAX_COPIES, MAX_DELAY = 20, 3600
STATUS_LABELS = {WAIT: "等待付款", SUCCESS: "支付成功", FINISHED: "交易完结", CLOSED: "交易关闭"}
HTTP_ERRORS = {400: ("请求无效", "请求格式有误，沙箱无法理解。"),
               404: ("页面不存在", "沙箱没有这个页面。支付宝网关地址是 /gateway.do，银联网关地址是 "
                     "/unionpay/gateway/api/frontTransReq.do。"),
               405: ("不支持该请求方式", "此地址不接受这种请求方式。"),
               413: ("请求内容过大", f"请求体不能超过 {MAX_BODY_BYTES // 1024} KB。")}


@dataclass
class Sandbox:
    identity: Identity
    store: Store
    notifier: Notifier


@dataclass
class UnionPaySandbox:
    identity: unionpay.Identity
    store: UnionPayStore
    notifier: Notifier


def settings(config=None):
    values = {name: os.environ.get(name) or default for name, default in DEFAULTS.items()}
    values.update(config or {})
    var = Path(values["VAR_DIR"])
    values["SANDBOX_DB"] = values["SANDBOX_DB"] or str(var / "sandbox.db")
    if not (values["SANDBOX_ALIPAY_PRIVATE_KEY_FILE"]
            and values["SANDBOX_MERCHANT_PUBLIC_KEY_FILE"]):
        # A fresh checkout gets working keys on both sides (billing reads the same files).
        paths = ensure_keys(var)
        values["SANDBOX_ALIPAY_PRIVATE_KEY_FILE"] = (values["SANDBOX_ALIPAY_PRIVATE_KEY_FILE"]
                                                     or paths["alipay_sandbox_private"])
        values["SANDBOX_MERCHANT_PUBLIC_KEY_FILE"] = (values["SANDBOX_MERCHANT_PUBLIC_KEY_FILE"]
                                                      or paths["alipay_merchant_public"])
    if not all(values[name] for name in UNIONPAY_FILES):
        paths = ensure_unionpay_keys(var)
        for name, made in UNIONPAY_FILES.items():
            values[name] = values[name] or str(paths[made])
    return values


def _seconds(value, name):
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        seconds = [float(part) for part in parts if str(part).strip()]
    except ValueError:
        raise RuntimeError(f"{name} 应为以逗号分隔的秒数：{value!r}") from None
    if any(second < 0 for second in seconds):
        raise RuntimeError(f"{name} 不能为负数：{value!r}")
    return seconds


def create_app(config=None):
    cfg = settings(config)
    identity = Identity(
        app_id=cfg["SANDBOX_APP_ID"], seller_id=cfg["SANDBOX_SELLER_ID"],
        seller_email=cfg["SANDBOX_SELLER_EMAIL"],
        private_key=alipay_signing.load_private_key(
            Path(cfg["SANDBOX_ALIPAY_PRIVATE_KEY_FILE"]).read_bytes()),
        merchant_public_key=alipay_signing.load_public_key(
            Path(cfg["SANDBOX_MERCHANT_PUBLIC_KEY_FILE"]).read_bytes()))
    store = Store(cfg["SANDBOX_DB"])
    [timeout] = _seconds(str(cfg["SANDBOX_NOTIFY_TIMEOUT_SECONDS"]),
                         "SANDBOX_NOTIFY_TIMEOUT_SECONDS") or [15.0]
    schedule = _seconds(cfg["SANDBOX_NOTIFY_RETRY_SECONDS"], "SANDBOX_NOTIFY_RETRY_SECONDS")
    notifier = Notifier(store, schedule, timeout=timeout)
    # UnionPay's half: the same database and retry schedule; acknowledged by HTTP 200.
    bank_store = UnionPayStore(store.engine)
    bank = UnionPaySandbox(
        unionpay.Identity(
            mer_id=cfg["SANDBOX_UNIONPAY_MER_ID"],
            sign_key=unionpay_signing.load_private_key(
                Path(cfg["SANDBOX_UNIONPAY_SIGN_KEY_FILE"]).read_bytes()),
            sign_cert_pem=Path(cfg["SANDBOX_UNIONPAY_SIGN_CERT_FILE"]).read_text(),
            merchant_cert=unionpay_signing.load_certificate(
                Path(cfg["SANDBOX_UNIONPAY_MERCHANT_CERT_FILE"]).read_bytes())),
        bank_store,
        Notifier(bank_store, schedule, timeout=timeout, key="queryId",
                 acknowledged=acknowledged_by_http_200, name="unionpay-sandbox-notify"))
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, SANDBOX=cfg)
    app.extensions["alipay_sandbox"] = Sandbox(identity, store, notifier)
    app.extensions["unionpay_sandbox"] = bank
    app.add_url_rule("/gateway.do", view_func=gateway, methods=["GET", "POST"])
    app.add_url_rule("/cashier/<trade_no>", view_func=cashier)
    app.add_url_rule("/cashier/<trade_no>/pay", view_func=pay, methods=["POST"])
    app.add_url_rule("/cashier/<trade_no>/cancel", view_func=cancel)
    app.add_url_rule("/unionpay/gateway/api/frontTransReq.do", view_func=unionpay_front,
                     methods=["POST"])
    app.add_url_rule("/unionpay/gateway/api/queryTrans.do", view_func=unionpay_query,
                     methods=["POST"])
    app.add_url_rule("/unionpay/gateway/api/backTransReq.do", view_func=unionpay_back,
                     methods=["POST"])
    app.add_url_rule("/unionpay/cashier/<query_id>", view_func=bank_cashier)
    app.add_url_rule("/unionpay/cashier/<query_id>/pay", view_func=bank_pay, methods=["POST"])
    app.add_url_rule("/unionpay/cashier/<query_id>/cancel", view_func=bank_cancel)
    app.add_url_rule("/trades", view_func=trades)
    app.add_url_rule("/healthz", view_func=healthz)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    return app


def wsgi():
    """For gunicorn: `gunicorn 'sandbox.app:wsgi()'`."""
    logging.basicConfig(level=logging.INFO)
    return create_app()


def _sandbox():
    return current_app.extensions["alipay_sandbox"]


def _now():
    return datetime.now(SHANGHAI)


def _page(template, status=200, **context):
    return render_template(template, labels=STATUS_LABELS, yuan=alipay.yuan, **context), status


def _message(title, text, status, detail=None, trade=None):
    return _page("message.html", status, title=title, text=text, detail=detail, trade=trade)


def _params():
    # Alipay's SDKs put the common parameters in the query string and biz_content in the
    # form body; a browser may send either. Both count, as at Alipay.
    params = request.args.to_dict()
    params.update(request.form.to_dict())
    return params


# --- the gateway ------------------------------------------------------------------------

def gateway():
    params = _params()
    method = params.get("method")
    sandbox = _sandbox()
    try:
        alipay.check_request(params, sandbox.identity)
        if method == alipay.PAGE_PAY:
            return _page_pay(params, sandbox)
        answer, notes = alipay.SERVER_CALLS[method](params, sandbox.store, sandbox.identity,
                                                    _now())
    except Refusal as refusal:
        if method == alipay.PAGE_PAY:
            return _message(refusal.title, refusal.sub_msg, 400,
                            detail=f"错误代码：{refusal.sub_code}")
        answer, notes = refusal.answer(), []
    for url, note in notes:
        sandbox.notifier.send(url, [note])
    return _json(method, answer)


def _json(method, answer):
    # Alipay answers every call with HTTP 200; the outcome is in code / sub_code.
    body = alipay.response_body(method, answer, _sandbox().identity)
    return Response(body, 200, content_type="application/json;charset=utf-8")


def _page_pay(params, sandbox):
    now = _now()
    asked = alipay.page_pay_trade(params, sandbox.identity, now)
    sandbox.store.open_trade({**asked, "trade_no": alipay.new_trade_no(now)})  # unless open
    # Read back through trade(), which closes it if its time to pay has already run out.
    trade = sandbox.store.trade(alipay.beijing(now), out_trade_no=asked["out_trade_no"])
    if not alipay.same_order(trade, asked):
        raise Refusal("40004", "ACQ.CONTEXT_INCONSISTENT",
                      "交易信息被篡改：同一商户订单号的金额或商品名称与原订单不一致")
    return _cashier_page(trade)


def _cashier_page(trade):
    if trade["status"] != WAIT:
        return _message(f"该订单{STATUS_LABELS[trade['status']]}",
                        "此订单无需再付款。" if trade["status"] != CLOSED
                        else "此订单已关闭，不能付款。请回到商户网站重新下单。", 200, trade=trade)
    return _page("cashier.html", trade=trade, seller=_sandbox().identity.seller_email,
                 max_copies=MAX_COPIES, max_delay=MAX_DELAY)


# --- the cashier ------------------------------------------------------------------------

def cashier(trade_no):
    trade = _sandbox().store.trade(alipay.beijing(_now()), trade_no=trade_no)
    if trade is None:
        return _message("交易不存在", f"没有交易号为 {trade_no} 的交易。", 404)
    return _cashier_page(trade)


def _controls(form):
    """The test controls of the cashier form: (copies, order, delay) or None."""
    try:
        copies = int(form.get("notify_copies") or 1)
        delay = float(form.get("notify_delay") or 0)
    except ValueError:
        return None
    order = form.get("notify_order") or "normal"
    if not (1 <= copies <= MAX_COPIES and 0 <= delay <= MAX_DELAY
            and order in ("normal", "finished_first")):
        return None
    return copies, order, delay


def pay(trade_no):
    sandbox = _sandbox()
    controls = _controls(request.form)
    if controls is None:
        return _message("测试选项无效", f"重复次数须为 1～{MAX_COPIES}，延迟须为 0～{MAX_DELAY} 秒。",
                        400)
    copies, order, delay = controls
    now = _now()
    # Out of order: the trade ends TRADE_FINISHED (what both notifications leave behind),
    # and that notification goes first.
    status = FINISHED if order == "finished_first" else SUCCESS
    trade = sandbox.store.pay(trade_no, status, alipay.beijing(now))
    if trade is None:
        trade = sandbox.store.trade(alipay.beijing(now), trade_no=trade_no)
        if trade is None:
            return _message("交易不存在", f"没有交易号为 {trade_no} 的交易。", 404)
        if trade["status"] == CLOSED:
            return _message("交易已关闭", "此订单已关闭，不能付款。", 409, trade=trade)
        return _back_to_merchant(trade, now)  # paid already (a second click): no new notice
    if trade["notify_url"]:
        statuses = [FINISHED, SUCCESS] if order == "finished_first" else [SUCCESS]
        sandbox.notifier.send(trade["notify_url"], [
            alipay.notification(trade, each, sandbox.identity, now) for each in statuses],
            copies=copies, delay=delay)
    return _back_to_merchant(trade, now)


def _back_to_merchant(trade, now):
    if not trade["return_url"]:
        return _message("支付成功", "付款已完成，可以关闭此页面。", 200, trade=trade)
    params = alipay.return_params(trade, _sandbox().identity, now)
    joiner = "&" if "?" in trade["return_url"] else "?"
    return redirect(trade["return_url"] + joiner + urlencode(params), code=303)


def cancel(trade_no):
    trade = _sandbox().store.trade(alipay.beijing(_now()), trade_no=trade_no)
    if trade is None:
        return _message("交易不存在", f"没有交易号为 {trade_no} 的交易。", 404)
    # Like a buyer closing Alipay's window: nothing changes, the trade keeps waiting
    # until the merchant closes it or its time runs out.
    return _message("已取消付款", "您没有付款。订单仍在等待付款，可回到商户网站重新发起支付。", 200,
                    trade=trade)


# --- UnionPay's gateway and the bank's page ---------------------------------------------

def _bank():
    return current_app.extensions["unionpay_sandbox"]


def _bank_message(title, text, status, detail=None, trade=None):
    return _page("bank_message.html", status, title=title, text=text, detail=detail,
                 trade=trade, bank_name=unionpay.bank_name(trade and trade["bank"]))


def unionpay_front():
    """frontTransReq.do: the browser posts the merchant's signed form; the bank's page
    it names (issInsCode) answers."""
    bank, now = _bank(), _now()
    params = request.form.to_dict()
    try:
        asked = unionpay.front_trade(params, bank.identity, now)
        bank.store.open_trade({**asked, "query_id": unionpay.new_query_id(now)})  # unless open
        trade = bank.store.trade(unionpay.beijing(now), mer_id=asked["mer_id"],
                                 order_id=asked["order_id"], txn_time=asked["txn_time"])
        if not unionpay.same_order(trade, asked):
            raise unionpay.Refusal("36", "同一订单号与交易时间的金额与原交易不一致")
    except unionpay.Refusal as refusal:
        return _bank_message("交易失败", refusal.message, 400,
                             detail=f"应答码 respCode={refusal.code}")
    return _bank_cashier_page(trade)


def _bank_cashier_page(trade):
    if trade["status"] == "paid":
        return _bank_message("该订单已支付", "此订单无需再付款。", 200, trade=trade)
    if trade["status"] == "closed":
        return _bank_message("交易已关闭", "已超过支付时限，不能付款。请回到商户网站重新下单。", 200,
                             trade=trade)
    return _page("bank_cashier.html", trade=trade, bank_name=unionpay.bank_name(trade["bank"]),
                 card=unionpay.TEST_CARDS.get(trade["bank"] or "", unionpay.DEFAULT_CARD),
                 max_copies=MAX_COPIES, max_delay=MAX_DELAY)


def bank_cashier(query_id):
    trade = _bank().store.trade(unionpay.beijing(_now()), query_id=query_id)
    if trade is None:
        return _bank_message("交易不存在", f"没有查询流水号为 {query_id} 的交易。", 404)
    return _bank_cashier_page(trade)


def bank_pay(query_id):
    bank, now = _bank(), _now()
    card_no = (request.form.get("card_no") or "").replace(" ", "")
    if not unionpay.CARD_NO.fullmatch(card_no):
        return _bank_message("卡号有误", "请输入 12～19 位数字的银行卡号。", 400,
                             trade=bank.store.trade(query_id=query_id))
    controls = _controls(request.form)
    if controls is None:
        return _bank_message("测试选项无效",
                             f"重复次数须为 1～{MAX_COPIES}，延迟须为 0～{MAX_DELAY} 秒。", 400)
    copies, _, delay = controls
    trade = bank.store.pay(query_id, unionpay.payment(card_no, now), unionpay.beijing(now))
    if trade is None:
        trade = bank.store.trade(unionpay.beijing(now), query_id=query_id)
        if trade is None:
            return _bank_message("交易不存在", f"没有查询流水号为 {query_id} 的交易。", 404)
        if trade["status"] != "paid":
            return _bank_message("交易已关闭", "已超过支付时限，不能付款。", 409, trade=trade)
        return _bank_back_to_merchant(trade)  # paid already (a second click): no new notice
    if trade["back_url"]:
        bank.notifier.send(trade["back_url"], [unionpay.notification(trade, bank.identity)],
                           copies=copies, delay=delay)
    return _bank_back_to_merchant(trade)


def _bank_back_to_merchant(trade):
    """ACP's front notification: the browser posts the signed result to frontUrl."""
    if not trade["front_url"]:
        return _bank_message("支付成功", "付款已完成，可以关闭此页面。", 200, trade=trade)
    return _page("bank_return.html", trade=trade, bank_name=unionpay.bank_name(trade["bank"]),
                 fields=unionpay.notification(trade, _bank().identity))


def bank_cancel(query_id):
    trade = _bank().store.trade(unionpay.beijing(_now()), query_id=query_id)
    if trade is None:
        return _bank_message("交易不存在", f"没有查询流水号为 {query_id} 的交易。", 404)
    return _bank_message("已取消付款", "您没有付款。订单仍在等待付款，可回到商户网站重新发起支付。", 200,
                         trade=trade)


def unionpay_query():
    """queryTrans.do: HTTP 200 and signed name=value&… text, whatever the outcome."""
    bank, params = _bank(), request.form.to_dict()
    try:
        answer = unionpay.query(params, bank.store, bank.identity)
    except unionpay.Refusal as refusal:
        answer = unionpay.refusal_answer(params, refusal)
    return _bank_text(answer)


def unionpay_back():
    """backTransReq.do: 退货 (txnType 04). HTTP 200 and signed text whatever the outcome;
    a refund made is also posted to its backUrl as a back notification."""
    bank, params = _bank(), request.form.to_dict()
    try:
        answer, notes = unionpay.refund(params, bank.store, bank.identity, _now())
    except unionpay.Refusal as refusal:
        answer, notes = unionpay.refusal_answer(params, refusal), []
    for url, note in notes:
        bank.notifier.send(url, [note])
    return _bank_text(answer)


def _bank_text(answer):
    return Response(unionpay.signed_answer(answer, _bank().identity), 200,
                    content_type="text/plain;charset=UTF-8")


# --- for people -------------------------------------------------------------------------

def trades():
    return _page("trades.html", trades=_sandbox().store.overview(),
                 bank_trades=_bank().store.overview(), bank_name=unionpay.bank_name)


def healthz():
    return Response("ok", 200, content_type="text/plain;charset=utf-8")


def http_error(error):
    # Chinese text of our own: werkzeug's descriptions are English.
    title, text = HTTP_ERRORS.get(error.code, ("请求错误", "请求未能处理。"))
    return _message(title, text, error.code)


def unexpected_error(error):
    log.exception("sandbox: unexpected error")
    try:
        method = request.values.get("method")
    except Exception:  # the body itself may be what failed
        method = None
    if request.path in ("/unionpay/gateway/api/queryTrans.do",
                        "/unionpay/gateway/api/backTransReq.do"):
        return _bank_text({"respCode": "06", "respMsg": unionpay.MESSAGES["06"]})
    if request.path == "/gateway.do" and method != alipay.PAGE_PAY:
        # What Alipay answers when it fails itself: HTTP 200, code 20000, no details.
        return _json(method, {
            "code": "20000", "msg": alipay.MESSAGES["20000"], "sub_code": "isp.unknow-error",
            "sub_msg": "系统繁忙"})
    return _message("系统繁忙", "沙箱出错了，请稍后再试。", 500)


def main():
    logging.basicConfig(level=logging.INFO)
    port = int(os.environ.get("SANDBOX_PORT") or DEFAULTS["SANDBOX_PORT"])
    create_app().run(host="127.0.0.1", port=port, threaded=True)


if __name__ == "__main__":
    main()
