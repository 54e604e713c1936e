"""Alipay's open-platform protocol, the sandbox's side of it: checking a request (app_id,
RSA2 signature by the merchant's key, common parameters), the trade a page-pay request
opens, the asynchronous notification and the synchronous return parameters a payment
produces, and the answers to alipay.trade.query / refund / close — each signed by the
sandbox's "Alipay" key exactly as Alipay signs (services.billing.alipay_signing).

Names, codes and messages are Alipay's own, so a merchant that works here works there."""
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.billing import alipay_signing

from .store import CLOSED, FINISHED, WAIT

SHANGHAI = ZoneInfo("Asia/Shanghai")  # Alipay's times are Beijing time, without a zone
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

PAGE_PAY = "alipay.trade.page.pay"
QUERY, REFUND, CLOSE = "alipay.trade.query", "alipay.trade.refund", "alipay.trade.close"
METHODS = (PAGE_PAY, QUERY, REFUND, CLOSE)
PRODUCT_CODE = "FAST_INSTANT_TRADE_PAY"  # 电脑网站支付

# The one sandbox buyer who pays for everything (Alipay user ids are 2088 + 12 digits;
# logon ids reach merchants masked).
BUYER_ID = "2088102177846875"
BUYER_LOGON_ID = "186******88"
FUND_CHANNEL = "ALIPAYACCOUNT"
MAX_FEN = 100_000_000_00  # Alipay's limit: 100,000,000.00 yuan
AMOUNT = re.compile(r"(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?")
OUT_TRADE_NO = re.compile(r"[A-Za-z0-9_\-]{1,64}")
TIMEOUT_EXPRESS = re.compile(r"([1-9][0-9]{0,4})([mhdc])")
DEFAULT_TIMEOUT = timedelta(days=15)  # Alipay's default time to pay
MESSAGES = {"10000": "Success", "20000": "Service Currently Unavailable",
            "40001": "Missing Required Arguments", "40002": "Invalid Arguments",
            "40004": "Business Failed"}


@dataclass(frozen=True)
class Identity:
    """Who the sandbox is and whom it serves: the one merchant app it knows."""
    app_id: str
    seller_id: str
    seller_email: str
    private_key: object  # the sandbox's "Alipay" private key: signs what it sends
    merchant_public_key: object  # verifies what the merchant sends


class Refusal(Exception):
    """Alipay's answer when it does not do what was asked: a code with its fixed msg,
    a sub_code and a Chinese sub_msg (plus business fields such as out_trade_no)."""

    def __init__(self, code, sub_code, sub_msg, **fields):
        super().__init__(f"{code} {sub_code}: {sub_msg}")
        self.code, self.sub_code, self.sub_msg, self.fields = code, sub_code, sub_msg, fields

    def answer(self):
        return {"code": self.code, "msg": MESSAGES[self.code], "sub_code": self.sub_code,
                "sub_msg": self.sub_msg, **self.fields}

    @property
    def title(self):
        """The headline of the error page a browser sees."""
        if self.sub_code.startswith("isv.missing-"):
            return "参数缺失"
        return {"isv.invalid-app-id": "app_id 错误", "isv.invalid-signature": "签名错误",
                "isv.invalid-signature-type": "签名错误", "isv.invalid-method": "接口名称错误",
                "ACQ.CONTEXT_INCONSISTENT": "交易信息被篡改"}.get(self.sub_code, "参数错误")


def missing(name):
    return Refusal("40001", "isv.missing-parameter", f"缺少必选参数：{name}")


def invalid(name, why):
    return Refusal("40002", "isv.invalid-parameter", f"参数无效：{name}（{why}）")


def beijing(moment):
    return moment.astimezone(SHANGHAI).strftime(TIME_FORMAT)


# --- requests ---------------------------------------------------------------------------

REQUIRED = (("app_id", "isv.missing-app-id", "缺少AppID参数"),
            ("method", "isv.missing-method", "缺少方法名参数"),
            ("sign_type", "isv.missing-signature-type", "缺少签名类型参数"),
            ("sign", "isv.missing-signature", "缺少签名参数"),
            ("timestamp", "isv.missing-timestamp", "缺少时间戳参数"),
            ("version", "isv.missing-version", "缺少版本参数"))


def check_request(params, identity):
    """Refuse, as Alipay's gateway does, a request that is incomplete, for another app,
    for a method the sandbox lacks, or not signed by the merchant's key."""
    for name, sub_code, sub_msg in REQUIRED:
        if not params.get(name):
            raise Refusal("40001", sub_code, sub_msg)
    if params["app_id"] != identity.app_id:
        raise Refusal("40002", "isv.invalid-app-id", "无效的AppID参数")
    if params["method"] not in METHODS:
        raise Refusal("40002", "isv.invalid-method", "不存在的方法名")
    if params["sign_type"] != alipay_signing.SIGN_TYPE:
        raise Refusal("40002", "isv.invalid-signature-type", "无效签名方式（仅支持 RSA2）")
    if (params.get("charset") or "utf-8").lower() != "utf-8":
        raise Refusal("40002", "isv.invalid-charset", "字符集错误（沙箱仅支持 utf-8）")
    if params["version"] != "1.0":
        raise Refusal("40002", "isv.invalid-version", "版本号错误（应为 1.0）")
    try:
        datetime.strptime(params["timestamp"], TIME_FORMAT)
    except ValueError:
        raise Refusal("40002", "isv.invalid-timestamp",
                      "非法的时间戳参数（格式 yyyy-MM-dd HH:mm:ss）") from None
    content = alipay_signing.request_content(params)
    if not alipay_signing.verify(content, params["sign"], identity.merchant_public_key):
        # Alipay says what it verified, which is what a merchant needs to find the slip.
        raise Refusal("40002", "isv.invalid-signature",
                      "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，"
                      f"网关生成的验签字符串为：{content}")


def biz_content(params):
    """biz_content as a JSON object, numbers kept as the text that was sent (so an
    amount like 150.00 is not turned into a float)."""
    text = params.get("biz_content")
    if not text:
        raise missing("biz_content")
    try:
        biz = json.loads(text, parse_float=str, parse_int=str)
    except (ValueError, RecursionError):
        raise invalid("biz_content", "不是有效的 JSON") from None
    if not isinstance(biz, dict):
        raise invalid("biz_content", "应为 JSON 对象")
    return biz


def text_field(biz, name, required=False, limit=256):
    value = biz.get(name)
    if value in (None, ""):
        if required:
            raise missing(name)
        return None
    if not isinstance(value, str):
        raise invalid(name, "应为字符串")
    if len(value) > limit:
        raise invalid(name, f"最长 {limit} 个字符")
    return value


def fen_from_yuan(value, name):
    """Integer fen of an amount in yuan with at most 2 decimals, 0.01 to 100,000,000."""
    if not isinstance(value, str) or not AMOUNT.fullmatch(value):
        raise invalid(name, "金额以元为单位，最多两位小数")
    whole, _, cents = value.partition(".")
    fen = int(whole) * 100 + int(cents.ljust(2, "0") or 0)
    if not 1 <= fen <= MAX_FEN:
        raise invalid(name, "金额须在 0.01 至 100000000.00 元之间")
    return fen


def yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}"


def _url(params, name):
    value = params.get(name) or None
    if value is not None and not re.fullmatch(r"https?://[^\s]{1,2000}", value):
        raise invalid(name, "应为 http(s) 地址")
    return value


def _expiry(biz, now):
    """When an unpaid trade closes: time_expire (absolute, Beijing time) wins over
    timeout_express (relative: 90m, 2h, 3d, or 1c = the end of today)."""
    time_expire = text_field(biz, "time_expire", limit=19)
    if time_expire:
        try:
            return datetime.strptime(time_expire, TIME_FORMAT).replace(tzinfo=SHANGHAI)
        except ValueError:
            raise invalid("time_expire", "格式 yyyy-MM-dd HH:mm:ss") from None
    express = text_field(biz, "timeout_express", limit=6)
    if not express:
        return now + DEFAULT_TIMEOUT
    match = TIMEOUT_EXPRESS.fullmatch(express)
    if not match or (match[2] == "c" and match[1] != "1"):
        raise invalid("timeout_express", "取值 1m～15d，或 1c")
    count, unit = int(match[1]), match[2]
    if unit == "c":
        local = now.astimezone(SHANGHAI)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)
    span = {"m": timedelta(minutes=count), "h": timedelta(hours=count),
            "d": timedelta(days=count)}[unit]
    if span > DEFAULT_TIMEOUT:
        raise invalid("timeout_express", "最长 15d")
    return now + span


def new_trade_no(now):
    """28 digits as Alipay's: the date, "22001", then 15 digits."""
    digits = "".join(secrets.choice("0123456789") for _ in range(15))
    return f"{now.astimezone(SHANGHAI):%Y%m%d}22001{digits}"


def page_pay_trade(params, identity, now):
    """The new trade an alipay.trade.page.pay request asks for (store row, no trade_no)."""
    biz = biz_content(params)
    out_trade_no = text_field(biz, "out_trade_no", required=True, limit=64)
    if not OUT_TRADE_NO.fullmatch(out_trade_no):
        raise invalid("out_trade_no", "仅支持字母、数字、下划线与连字符，最长 64 位")
    total = biz.get("total_amount")
    if total in (None, ""):
        raise missing("total_amount")
    total_fen = fen_from_yuan(total, "total_amount")
    subject = text_field(biz, "subject", required=True)
    product_code = text_field(biz, "product_code", required=True, limit=64)
    if product_code != PRODUCT_CODE:
        raise invalid("product_code", f"电脑网站支付应为 {PRODUCT_CODE}")
    return {"out_trade_no": out_trade_no, "app_id": identity.app_id, "subject": subject,
            "body": text_field(biz, "body", limit=128),
            "passback_params": text_field(biz, "passback_params", limit=512),
            "total_fen": total_fen, "status": WAIT,
            "notify_url": _url(params, "notify_url"), "return_url": _url(params, "return_url"),
            "gmt_create": beijing(now), "expires_at": beijing(_expiry(biz, now))}


def same_order(trade, asked):
    """Whether a repeated page-pay request asks for the trade already open; Alipay
    refuses one that changes the amount or the subject under the same out_trade_no."""
    return trade["total_fen"] == asked["total_fen"] and trade["subject"] == asked["subject"]


# --- what a payment sends ---------------------------------------------------------------

def notification(trade, status, identity, now, refund=None):
    """The asynchronous notification's form fields, signed as Alipay signs them (every
    field with a value but sign and sign_type). `refund`: the refund row it reports."""
    total = yuan(trade["total_fen"])
    params = {
        "notify_time": beijing(now), "notify_type": "trade_status_sync",
        "notify_id": secrets.token_hex(17)[:34], "app_id": identity.app_id,
        "charset": "utf-8", "version": "1.0", "sign_type": alipay_signing.SIGN_TYPE,
        "trade_no": trade["trade_no"], "out_trade_no": trade["out_trade_no"],
        "buyer_id": BUYER_ID, "buyer_logon_id": BUYER_LOGON_ID,
        "seller_id": identity.seller_id, "seller_email": identity.seller_email,
        "trade_status": status, "total_amount": total, "receipt_amount": total,
        "invoice_amount": total, "buyer_pay_amount": total, "point_amount": "0.00",
        "subject": trade["subject"], "body": trade["body"],
        "gmt_create": trade["gmt_create"], "gmt_payment": trade["gmt_payment"],
        "fund_bill_list": json.dumps([{"amount": total, "fundChannel": FUND_CHANNEL}],
                                     separators=(",", ":")),
        "passback_params": trade["passback_params"],
    }
    if status in (FINISHED, CLOSED):
        params["gmt_close"] = trade["gmt_close"] or beijing(now)
    if refund is not None:
        # A refund is reported on the trade's own notification, with these three added.
        params.update(out_biz_no=refund["out_request_no"],
                      refund_fee=yuan(trade["refunded_fen"]),
                      gmt_refund=refund["gmt_refund_pay"] + ".000")
    params = {name: value for name, value in params.items() if value not in (None, "")}
    params["sign"] = alipay_signing.sign(alipay_signing.notification_content(params),
                                         identity.private_key)
    return params


def return_params(trade, identity, now):
    """What the browser brings back to return_url. The merchant checks them like a
    notification (everything but sign and sign_type), so they are signed that way."""
    params = {"method": "alipay.trade.page.pay.return", "app_id": identity.app_id,
              "charset": "utf-8", "version": "1.0", "sign_type": alipay_signing.SIGN_TYPE,
              "timestamp": beijing(now), "trade_no": trade["trade_no"],
              "out_trade_no": trade["out_trade_no"], "seller_id": identity.seller_id,
              "total_amount": yuan(trade["total_fen"]), "auth_app_id": identity.app_id}
    params["sign"] = alipay_signing.sign(alipay_signing.notification_content(params),
                                         identity.private_key)
    return params


# --- server-to-server answers -----------------------------------------------------------

def response_body(method, answer, identity):
    """The gateway's JSON: the response object's text is written once and signed exactly
    as written, because the merchant verifies the text it receives, not a re-encoding."""
    key = (method.replace(".", "_") + "_response" if method in METHODS else "error_response")
    text = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
    sign = alipay_signing.sign(text, identity.private_key)
    return '{"' + key + '":' + text + ',"sign":"' + sign + '"}'


def _trade_asked(biz, store, now):
    trade_no = text_field(biz, "trade_no", limit=64)
    out_trade_no = text_field(biz, "out_trade_no", limit=64)
    if not (trade_no or out_trade_no):
        raise Refusal("40004", "ACQ.INVALID_PARAMETER", "参数无效：trade_no 与 out_trade_no 不能同时为空")
    trade = store.trade(beijing(now), trade_no=trade_no, out_trade_no=out_trade_no)
    if trade is None:
        raise Refusal("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在",
                      **({"out_trade_no": out_trade_no} if out_trade_no else {}),
                      **({"trade_no": trade_no} if trade_no else {}))
    return trade


def query(params, store, identity, now):
    """(answer, [(notify_url, notification)] to send) for alipay.trade.query."""
    trade = _trade_asked(biz_content(params), store, now)
    paid = trade["gmt_payment"] is not None
    total = yuan(trade["total_fen"])
    received = total if paid else "0.00"
    answer = {"code": "10000", "msg": "Success", "trade_no": trade["trade_no"],
              "out_trade_no": trade["out_trade_no"], "buyer_logon_id": BUYER_LOGON_ID,
              "buyer_user_id": BUYER_ID, "trade_status": trade["status"],
              "total_amount": total, "buyer_pay_amount": received,
              "receipt_amount": received, "invoice_amount": received, "point_amount": "0.00"}
    if paid:
        answer["send_pay_date"] = trade["gmt_payment"]
        answer["fund_bill_list"] = [{"amount": total, "fund_channel": FUND_CHANNEL}]
    return answer, []


def refund(params, store, identity, now):
    """(answer, notifications) for alipay.trade.refund: idempotent per out_request_no
    (which defaults to out_trade_no, as Alipay's), never more than was paid in total."""
    biz = biz_content(params)
    trade = _trade_asked(biz, store, now)
    amount = biz.get("refund_amount")
    if amount in (None, ""):
        raise missing("refund_amount")
    refund_fen = fen_from_yuan(amount, "refund_amount")
    request_no = text_field(biz, "out_request_no", limit=64) or trade["out_trade_no"]
    reason = text_field(biz, "refund_reason", limit=256)
    numbers = {"trade_no": trade["trade_no"], "out_trade_no": trade["out_trade_no"]}
    outcome, trade, row = store.refund(trade["trade_no"], request_no, refund_fen, reason,
                                       beijing(now))
    if outcome == "mismatch":
        raise Refusal("40004", "ACQ.INVALID_PARAMETER",
                      "参数无效：同一退款请求号 out_request_no 的退款金额与原请求不一致", **numbers)
    if outcome == "status":
        sub_code, sub_msg = {WAIT: ("ACQ.TRADE_STATUS_ERROR", "交易状态不合法（买家尚未付款）"),
                             FINISHED: ("ACQ.TRADE_HAS_FINISHED", "交易已完结，不能退款"),
                             CLOSED: ("ACQ.TRADE_HAS_CLOSE", "交易已关闭")}[trade["status"]]
        raise Refusal("40004", sub_code, sub_msg, **numbers)
    if outcome == "excess":
        left = yuan(trade["total_fen"] - trade["refunded_fen"])
        raise Refusal("40004", "ACQ.REFUND_FEE_ERROR",
                      f"交易退款金额有误：退款总额不能超过实付金额（可退 {left} 元）", **numbers,
                      refund_fee="0.00", send_back_fee="0.00")
    answer = {"code": "10000", "msg": "Success", **numbers, "buyer_logon_id": BUYER_LOGON_ID,
              "buyer_user_id": BUYER_ID, "fund_change": "Y" if outcome == "refunded" else "N",
              "refund_fee": yuan(trade["refunded_fen"]), "send_back_fee": yuan(row["refund_fen"]),
              "gmt_refund_pay": row["gmt_refund_pay"]}
    notes = []
    if outcome == "refunded" and trade["notify_url"]:
        notes.append((trade["notify_url"],
                      notification(trade, trade["status"], identity, now, refund=row)))
    return answer, notes


def close(params, store, identity, now):
    """(answer, notifications) for alipay.trade.close: only a trade still waiting."""
    trade = _trade_asked(biz_content(params), store, now)
    numbers = {"trade_no": trade["trade_no"], "out_trade_no": trade["out_trade_no"]}
    if not store.close(trade["trade_no"], beijing(now)):
        if trade["status"] == CLOSED:
            raise Refusal("40004", "ACQ.TRADE_HAS_CLOSE", "交易已关闭", **numbers)
        raise Refusal("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法（已付款的交易不能关闭）",
                      **numbers)
    return {"code": "10000", "msg": "Success", **numbers}, []


SERVER_CALLS = {QUERY: query, REFUND: refund, CLOSE: close}
