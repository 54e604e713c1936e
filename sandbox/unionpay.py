"""UnionPay's online gateway (ACP 5.1.0, 网关支付), the sandbox's side of it: checking a
merchant's request (merId, certId and the signature by the merchant certificate the
sandbox is configured with, the consumption's fields), the trade a front request opens
at the bank the merchant named (`issInsCode`), the back and front notifications a
payment produces, the answers to `queryTrans.do` and the refunds (退货) `backTransReq.do`
takes, with their back notifications — each signed by the sandbox's UnionPay signing key,
its certificate (issued from the sandbox's own root → middle chain) in `signPubKeyCert`,
exactly as services.billing.unionpay_signing reads them.

Field names, response codes and formats are ACP's own, so a merchant that works here
works there."""
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from services.billing import unionpay_signing

from .alipay import SHANGHAI

VERSION = unionpay_signing.VERSION
TIME = "%Y%m%d%H%M%S"
ORDER_ID = re.compile(r"[0-9A-Za-z]{8,40}")
QUERY_ID = re.compile(r"[0-9A-Za-z]{1,21}")
TXN_AMT = re.compile(r"[1-9][0-9]{0,11}")
CARD_NO = re.compile(r"[0-9]{12,19}")
SUCCESS = ("00", "成功[0000000]")

# ACP's issuer codes of the banks the sandbox has pages for.
BANKS = {"BOC": "中国银行", "ICBC": "中国工商银行", "CCB": "中国建设银行", "ABC": "中国农业银行",
         "COMM": "交通银行", "CMB": "招商银行"}
TEST_CARDS = {"BOC": "6216261000000000018", "ICBC": "6212143700000000011",
              "CCB": "6217000010000000016", "ABC": "6228480000000000013",
              "COMM": "6222600000000000015", "CMB": "6214830000000000012"}
DEFAULT_CARD = "6216261000000000018"

# ACP's response codes (平台接入接口规范 附录) the sandbox answers with.
MESSAGES = {"00": "成功", "01": "交易失败", "06": "系统繁忙，请稍后再试", "10": "报文格式错误",
            "11": "验证签名失败", "12": "重复交易", "13": "报文交易要素缺失",
            "31": "商户状态不正确", "32": "无此交易权限", "33": "交易金额超限", "34": "查无此交易",
            "35": "原交易不存在或状态不正确", "36": "与原交易信息不符"}

FRONT = {"txnType": "01", "txnSubType": "01", "bizType": "000201", "accessType": "0"}
QUERY = {"txnType": "00", "txnSubType": "00", "bizType": "000000", "accessType": "0"}
REFUND = {"txnType": "04", "txnSubType": "00", "bizType": "000201", "accessType": "0"}
FRONT_REQUIRED = ("version", "encoding", "signMethod", "txnType", "txnSubType", "bizType",
                  "channelType", "accessType", "merId", "orderId", "txnTime", "txnAmt",
                  "currencyCode", "backUrl", "certId", "signature")
QUERY_REQUIRED = ("version", "encoding", "signMethod", "txnType", "txnSubType", "bizType",
                  "accessType", "merId", "orderId", "txnTime", "certId", "signature")
REFUND_REQUIRED = ("version", "encoding", "signMethod", "txnType", "txnSubType", "bizType",
                   "channelType", "accessType", "merId", "orderId", "txnTime", "txnAmt",
                   "origQryId", "backUrl", "certId", "signature")
ECHOED = ("version", "encoding", "bizType", "txnType", "txnSubType", "accessType", "merId",
          "orderId", "txnTime")


@dataclass(frozen=True)
class Identity:
    """Who the sandbox is as UnionPay and which merchant it serves."""
    mer_id: str
    sign_key: object          # the sandbox's UnionPay signing key: signs what it sends
    sign_cert_pem: str        # its certificate, sent as signPubKeyCert
    merchant_cert: object     # the merchant's certificate: its serial is the certId

    @property
    def merchant_cert_id(self):
        return unionpay_signing.cert_id(self.merchant_cert)


class Refusal(Exception):
    """ACP's answer when the gateway does not do what was asked: respCode and respMsg."""

    def __init__(self, code, detail=""):
        message = MESSAGES[code] + (f"：{detail}" if detail else "")
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


def beijing(moment):
    return moment.astimezone(SHANGHAI).strftime(TIME)


def bank_name(code):
    return BANKS.get(code or "", "银联在线支付")


def _moment(params, name):
    value = params.get(name)
    try:
        datetime.strptime(value or "", TIME)
    except ValueError:
        raise Refusal("10", f"{name} 格式应为 yyyyMMddHHmmss") from None
    if len(value) != 14:
        raise Refusal("10", f"{name} 格式应为 yyyyMMddHHmmss")
    return value


def _url(params, name):
    value = params.get(name) or None
    if value is not None and not re.fullmatch(r"https?://[^\s]{1,2000}", value):
        raise Refusal("10", f"{name} 应为 http(s) 地址")
    return value


def check_request(params, identity, required, expected):
    """Refuse, as ACP's gateway does, a request that is incomplete, not 5.1.0 / UTF-8 /
    signMethod 01, for another merchant or not signed by the merchant's certificate."""
    for name in required:
        if not params.get(name):
            raise Refusal("13", f"缺少 {name}")
    if params["version"] != VERSION:
        raise Refusal("10", "version 应为 5.1.0")
    if params["encoding"].upper() != unionpay_signing.ENCODING:
        raise Refusal("10", "沙箱仅支持 encoding=UTF-8")
    if params["signMethod"] != unionpay_signing.SIGN_METHOD:
        raise Refusal("10", "signMethod 应为 01（RSA）")
    if params["merId"] != identity.mer_id:
        raise Refusal("31", f"沙箱只认识商户号 {identity.mer_id}")
    if params["certId"] != identity.merchant_cert_id:
        raise Refusal("11", "certId 不是商户签名证书的序列号")
    if not unionpay_signing.signature_matches(params, identity.merchant_cert.public_key()):
        raise Refusal("11", "签名与报文不符（待签名串：" + unionpay_signing.content(params) + "）")
    for name, value in expected.items():
        if params[name] != value:
            raise Refusal("10", f"{name} 应为 {value}")
    if not ORDER_ID.fullmatch(params["orderId"]):
        raise Refusal("10", "orderId 应为 8～40 位字母或数字")
    _moment(params, "txnTime")


def front_trade(params, identity, now):
    """The trade a consumption front request (frontTransReq.do) asks for (a store row)."""
    check_request(params, identity, FRONT_REQUIRED, FRONT)
    if params["channelType"] not in ("07", "08"):
        raise Refusal("10", "channelType 应为 07（PC）或 08（手机）")
    if not TXN_AMT.fullmatch(params["txnAmt"]):
        raise Refusal("10", "txnAmt 以分为单位，为正整数")
    if params["currencyCode"] != "156":
        raise Refusal("10", "currencyCode 应为 156（人民币）")
    pay_timeout = _moment(params, "payTimeout") if params.get("payTimeout") else None
    commodity = re.search(r"commodityName=([^&}]*)", params.get("riskRateInfo") or "")
    return {"mer_id": params["merId"], "order_id": params["orderId"],
            "txn_time": params["txnTime"], "txn_amt": int(params["txnAmt"]),
            "currency_code": params["currencyCode"],
            "bank": params.get("issInsCode") or None,
            "commodity": commodity[1].strip() if commodity else None,
            "req_reserved": params.get("reqReserved") or None,
            "back_url": _url(params, "backUrl"), "front_url": _url(params, "frontUrl"),
            "pay_timeout": pay_timeout, "status": "waiting", "created_at": beijing(now)}


def same_order(trade, asked):
    """Whether a repeated front request (same merId, orderId and txnTime) asks for the
    trade already open; another amount under the same numbers is refused."""
    return trade["txn_amt"] == asked["txn_amt"]


def new_query_id(now):
    """21 digits, as UnionPay's queryId: 2 digits, the time (yyMMddHHmmss), 7 digits."""
    digits = "".join(secrets.choice("0123456789") for _ in range(7))
    return f"{secrets.randbelow(90) + 10}{now.astimezone(SHANGHAI):%y%m%d%H%M%S}{digits}"


def settlement(now):
    """The numbers of a transaction's settlement: trace number and time, settle date."""
    local = now.astimezone(SHANGHAI)
    return {"trace_no": f"{secrets.randbelow(10**6):06d}", "trace_time": f"{local:%m%d%H%M%S}",
            "settle_date": f"{local:%m%d}"}


def payment(card_no, now):
    """What paying adds to a trade: the card (masked as UnionPay returns it) and the
    numbers of the settlement."""
    return {"acc_no": f"{card_no[:6]}{'*' * (len(card_no) - 10)}{card_no[-4:]}",
            **settlement(now), "paid_at": beijing(now)}


def _paid_fields(trade):
    return {"queryId": trade["query_id"], "txnAmt": str(trade["txn_amt"]),
            "currencyCode": trade["currency_code"], "settleAmt": str(trade["txn_amt"]),
            "settleCurrencyCode": trade["currency_code"], "settleDate": trade["settle_date"],
            "traceNo": trade["trace_no"], "traceTime": trade["trace_time"],
            "accNo": trade["acc_no"], "payCardType": "01", "payType": "0001",
            "issInsCode": trade["bank"], "reqReserved": trade["req_reserved"]}


def notification(trade, identity):
    """The back (and front) notification of a paid trade, signed as UnionPay signs it."""
    return unionpay_signing.sign_as_unionpay({
        "version": VERSION, "encoding": "UTF-8", **FRONT, "merId": trade["mer_id"],
        "orderId": trade["order_id"], "txnTime": trade["txn_time"],
        "respCode": SUCCESS[0], "respMsg": SUCCESS[1], **_paid_fields(trade)},
        identity.sign_key, identity.sign_cert_pem)


def query(params, store, identity):
    """The answer fields to queryTrans.do (txnType 00): respCode 00 with the original
    transaction's origRespCode once it is paid (or, for a refund's orderId and txnTime,
    once it is made); 34 for a transaction never paid or made."""
    check_request(params, identity, QUERY_REQUIRED, QUERY)
    numbers = {"mer_id": params["merId"], "order_id": params["orderId"],
               "txn_time": params["txnTime"]}
    trade = store.trade(**numbers)
    if trade is not None and trade["status"] == "paid":
        fields = _paid_fields(trade)
    else:
        refund = store.refund_by(**numbers)
        if refund is None:
            raise Refusal("34")
        fields = _refund_fields(refund)
    return {**{name: params[name] for name in ECHOED}, "respCode": SUCCESS[0],
            "respMsg": SUCCESS[1], "origRespCode": SUCCESS[0], "origRespMsg": SUCCESS[1],
            **fields}


# --- 退货 (backTransReq.do, txnType 04) ----------------------------------------------------

def refund_asked(params, identity, now):
    """The refund a backTransReq.do request asks for (a store row, its queryId to be
    given), once the request is the merchant's and ACP's."""
    check_request(params, identity, REFUND_REQUIRED, REFUND)
    if params["channelType"] not in ("07", "08"):
        raise Refusal("10", "channelType 应为 07（PC）或 08（手机）")
    if not TXN_AMT.fullmatch(params["txnAmt"]):
        raise Refusal("10", "txnAmt 以分为单位，为正整数")
    if params.get("currencyCode", "156") != "156":
        raise Refusal("10", "currencyCode 应为 156（人民币）")
    if not QUERY_ID.fullmatch(params["origQryId"]):
        raise Refusal("10", "origQryId 应为原消费交易的 queryId")
    return {"mer_id": params["merId"], "order_id": params["orderId"],
            "txn_time": params["txnTime"], "txn_amt": int(params["txnAmt"]),
            "orig_query_id": params["origQryId"], "back_url": _url(params, "backUrl"),
            "req_reserved": params.get("reqReserved") or None, "created_at": beijing(now)}


def refund(params, store, identity, now):
    """(answer fields, [(backUrl, notification)] to send) for backTransReq.do: a refund
    of a paid consumption (origQryId), never more than was paid in total, idempotent per
    orderId (the same refund asked again is answered again, nothing more happens; another
    refund under that orderId is 12 重复交易)."""
    asked = refund_asked(params, identity, now)
    outcome, row, left = store.refund(
        {**asked, "query_id": new_query_id(now), **settlement(now)})
    if outcome == "mismatch":
        raise Refusal("12", "同一商户订单号已用于另一笔退货")
    if outcome == "status":
        raise Refusal("35", "原消费交易不存在或未支付成功")
    if outcome == "excess":
        raise Refusal("33", f"退货总金额不能超过原消费金额（可退 {left} 分）")
    answer = {**{name: params[name] for name in ECHOED}, "respCode": SUCCESS[0],
              "respMsg": SUCCESS[1], "queryId": row["query_id"],
              "origQryId": row["orig_query_id"], "txnAmt": str(row["txn_amt"])}
    notes = []
    if outcome == "refunded" and row["back_url"]:
        notes.append((row["back_url"], refund_notification(row, identity)))
    return answer, notes


def _refund_fields(refund):
    return {"queryId": refund["query_id"], "origQryId": refund["orig_query_id"],
            "txnAmt": str(refund["txn_amt"]), "currencyCode": "156",
            "settleAmt": str(refund["txn_amt"]), "settleCurrencyCode": "156",
            "settleDate": refund["settle_date"], "traceNo": refund["trace_no"],
            "traceTime": refund["trace_time"], "reqReserved": refund["req_reserved"]}


def refund_notification(refund, identity):
    """The back notification of a refund made, signed as UnionPay signs it: txnType 04,
    the refund's orderId and queryId, origQryId the consumption it returns money of."""
    return unionpay_signing.sign_as_unionpay({
        "version": VERSION, "encoding": "UTF-8", **REFUND, "merId": refund["mer_id"],
        "orderId": refund["order_id"], "txnTime": refund["txn_time"],
        "respCode": SUCCESS[0], "respMsg": SUCCESS[1], **_refund_fields(refund)},
        identity.sign_key, identity.sign_cert_pem)


def refusal_answer(params, refusal):
    """What a refused server-to-server request gets back: its own numbers echoed, the
    respCode and respMsg."""
    echoed = {name: params[name] for name in ECHOED
              if isinstance(params.get(name), str) and len(params[name]) <= 64}
    # The answer is name=value&… as is: an `&` in the message (the content to sign that
    # 11 quotes) would split it, and the merchant could not check its signature.
    return {**echoed, "respCode": refusal.code, "respMsg": refusal.message.replace("&", "＆")}


def signed_answer(fields, identity):
    """The body of an answer: name=value&… as UnionPay writes it, signed — as 5.1.0
    signs, so it says 5.1.0 whatever version the request claimed."""
    return unionpay_signing.answer_text(unionpay_signing.sign_as_unionpay(
        {**fields, "version": VERSION, "encoding": "UTF-8"}, identity.sign_key,
        identity.sign_cert_pem))
