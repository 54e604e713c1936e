"""Alipay, as billing's adapter speaks it (电脑网站支付): the signed
`alipay.trade.page.pay` request the browser is sent to, the asynchronous notification
read and verified exactly as Alipay defines it, and the server-to-server calls
(`alipay.trade.query` for reconciliation, `alipay.trade.refund`). The same code talks to
the project's sandbox or to Alipay: only the configuration differs (ALIPAY_GATEWAY,
ALIPAY_APP_ID, ALIPAY_SELLER_ID, ALIPAY_PRIVATE_KEY_FILE — the merchant's key —
and ALIPAY_PUBLIC_KEY_FILE — Alipay's)."""
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests

from services.common.clock import as_utc
from services.common.settings import env

from . import alipay_signing
from .domain.money import fen_from_yuan, yuan_text
from .domain.settlement import Notice

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAID_STATUSES = ("TRADE_SUCCESS", "TRADE_FINISHED")
CALL_TIMEOUT = (3, 10)


@dataclass(frozen=True)
class Config:
    gateway: str
    app_id: str
    seller_id: str
    private_key: object
    public_key: object


@lru_cache(maxsize=4)
def _load(gateway, app_id, seller_id, private_file, public_file):
    return Config(gateway, app_id, seller_id,
                  alipay_signing.load_private_key(Path(private_file).read_bytes()),
                  alipay_signing.load_public_key(Path(public_file).read_bytes()))


def config():
    var = Path(env("VAR_DIR", "var")) / "keys"
    return _load(env("ALIPAY_GATEWAY", "http://127.0.0.1:8090/gateway.do"),
                 env("ALIPAY_APP_ID", "2021000000000001"),
                 env("ALIPAY_SELLER_ID", "2088000000000001"),
                 env("ALIPAY_PRIVATE_KEY_FILE", str(var / "alipay_merchant_private.pem")),
                 env("ALIPAY_PUBLIC_KEY_FILE", str(var / "alipay_sandbox_public.pem")))


def _common(cfg, method, now, **extra):
    return {"app_id": cfg.app_id, "method": method, "charset": "utf-8", "version": "1.0",
            "timestamp": f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}", **extra}


def _biz(content):
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))


def page_pay_url(cfg, order, notify_url, return_url, now):
    """Where the learner's browser goes to pay `order` (a GET to Alipay's gateway)."""
    biz = {"out_trade_no": order["order_no"], "total_amount": yuan_text(order["total_fen"]),
           "subject": f"{order['plan_name']}"[:256], "product_code": "FAST_INSTANT_TRADE_PAY",
           "time_expire": f"{as_utc(order['expires_at']).astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"}
    params = alipay_signing.signed_request(_common(
        cfg, "alipay.trade.page.pay", now, notify_url=notify_url, return_url=return_url,
        biz_content=_biz(biz)), cfg.private_key)
    return f"{cfg.gateway}?{urlencode(params)}"


def read_notification(cfg, form):
    """(genuine, order_no, notice) of an asynchronous notification's form fields."""
    genuine = alipay_signing.notification_is_genuine(form, cfg.public_key)
    try:
        amount = fen_from_yuan(form.get("total_amount"))
    except ValueError:
        amount = None
    # A refund is notified too (TRADE_SUCCESS with gmt_refund for a part, TRADE_CLOSED for
    # the whole): it is not a payment.
    paid = form.get("trade_status") in PAID_STATUSES and not form.get("gmt_refund")
    notice = Notice(channel="alipay", trade_no=str(form.get("trade_no") or "")[:64],
                    succeeded=paid, amount_fen=amount,
                    merchant_is_ours=(form.get("app_id") == cfg.app_id
                                      and form.get("seller_id") == cfg.seller_id))
    return genuine and bool(notice.trade_no), form.get("out_trade_no"), notice


def _call(cfg, method, biz, now):
    """A server-to-server call: its `<method>_response` object once its signature checks,
    or None (not reachable, not signed by Alipay)."""
    params = alipay_signing.signed_request(_common(cfg, method, now, biz_content=_biz(biz)),
                                           cfg.private_key)
    try:
        reply = requests.post(cfg.gateway, data=params, timeout=CALL_TIMEOUT)
        text = reply.text
    except requests.RequestException as exc:
        log.warning("alipay %s: %s", method, exc)
        return None
    key = method.replace(".", "_") + "_response"
    # Alipay signs the exact text of the response object: cut it out of the body as sent.
    start = text.find(f'"{key}":')
    end = text.rfind(',"sign":')
    try:
        document = json.loads(text)
        raw = text[start + len(key) + 3:end]
        if start < 0 or end < 0 or not alipay_signing.verify(raw, document.get("sign", ""),
                                                              cfg.public_key):
            log.warning("alipay %s: the answer's signature does not check", method)
            return None
        return document[key]
    except (ValueError, KeyError):
        log.warning("alipay %s: not an Alipay answer", method)
        return None


def query(cfg, order_no, now):
    """(found, notice) for an order Alipay may have been paid for: found False when
    Alipay knows no such trade, None when it could not be asked."""
    answer = _call(cfg, "alipay.trade.query", {"out_trade_no": order_no}, now)
    if answer is None:
        return None, None
    if answer.get("code") != "10000":
        return False, None
    try:
        amount = fen_from_yuan(answer.get("total_amount"))
    except ValueError:
        amount = None
    return True, Notice(channel="alipay", trade_no=str(answer.get("trade_no") or "")[:64],
                        succeeded=answer.get("trade_status") in PAID_STATUSES,
                        amount_fen=amount, merchant_is_ours=True)


def refund(cfg, order_no, amount_fen, refund_no, reason, now, trade_no=None):
    """True once Alipay has refunded (idempotent per refund_no), False if it refused,
    None if it could not be asked. `trade_no` names one payment of the order (a surplus
    one) instead of the order's."""
    which = {"trade_no": trade_no} if trade_no else {"out_trade_no": order_no}
    answer = _call(cfg, "alipay.trade.refund", {
        **which, "refund_amount": yuan_text(amount_fen),
        "out_request_no": refund_no, "refund_reason": reason or "退款"}, now)
    if answer is None:
        return None
    return answer.get("code") == "10000"
