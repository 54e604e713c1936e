"""银行卡支付 through UnionPay's online gateway (ACP 5.1.0, 网关支付), as billing's adapter
speaks it: the signed consumption request (txnType 01 / txnSubType 01 / bizType 000201,
PC channel 07) the learner's browser posts to the gateway, with the bank the learner chose
as the issuer hint (`issInsCode`: the gateway goes straight to that bank's page); the back
notification read and verified exactly as ACP defines it (the signing certificate in
`signPubKeyCert` must chain to the configured UnionPay root); the query
(`queryTrans.do`, txnType 00) reconciliation asks; and the refund (退货, `backTransReq.do`,
txnType 04) of a payment by its queryId.

The same code talks to the project's sandbox or to UnionPay: only the configuration
differs — UNIONPAY_GATEWAY (…/gateway/api/frontTransReq.do), UNIONPAY_BACK_GATEWAY (the
server-to-server query address, …/gateway/api/queryTrans.do), UNIONPAY_BACK_TRANS_URL
(refunds, …/gateway/api/backTransReq.do; by default beside the query address),
UNIONPAY_MER_ID,
UNIONPAY_PRIVATE_KEY_FILE (the merchant's signing key, exported from its .pfx),
UNIONPAY_CERT_ID (that certificate's serial; read from UNIONPAY_MERCHANT_CERT_FILE when
unset), UNIONPAY_ROOT_CERT_FILE / UNIONPAY_MIDDLE_CERT_FILE (UnionPay's root and middle
certificates) and UNIONPAY_SIGN_CERT_NAME (the owner its signing certificate names).

An order's `orderId` is its order number and its `txnTime` is when the order was placed
(Beijing time): the same for every attempt to pay it, so reconciliation can ask for it.
A refund's `orderId` is the refund's own number and its `txnTime` when it was first asked
for: the same on every retry, so a retry is the same refund."""
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from services.common.clock import as_utc
from services.common.settings import env

from . import unionpay_signing
from .domain.settlement import Notice
from .settings import public_base_url

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_TIMEOUT = (3, 10)
PAID_CODES = ("00", "A6")          # 成功, 有缺陷的成功
PENDING_CODES = ("03", "04", "05")  # the original transaction's outcome is not known yet
NO_SUCH_TRANSACTION = "34"
BUSY_CODES = ("02", "06")           # 系统未开放, 系统出错: try again later
DUPLICATE = "12"                    # 重复交易: this orderId was sent before
CONSUMPTION, REFUND = "01", "04"    # txnType
CURRENCY_CNY = "156"
TXN_AMT = re.compile(r"0|[1-9][0-9]{0,11}")

# The banks the learner chooses among (2.2.2 银行卡支付流程), with ACP's issuer codes.
BANKS = {"中国银行": "BOC", "中国工商银行": "ICBC", "中国建设银行": "CCB", "中国农业银行": "ABC",
         "交通银行": "COMM", "招商银行": "CMB"}
BANK_NAMES = {code: name for name, code in BANKS.items()}
_ALIASES = {"工商银行": "ICBC", "建设银行": "CCB", "农业银行": "ABC", "工行": "ICBC",
            "建行": "CCB", "农行": "ABC", "中行": "BOC", "交行": "COMM", "招行": "CMB"}


@dataclass(frozen=True)
class Config:
    gateway: str
    query_url: str
    mer_id: str
    private_key: object
    cert_id: str
    trust: unionpay_signing.Trust
    refund_url: str = ""  # backTransReq.do; "" for the one beside query_url

    @property
    def back_trans_url(self):
        return self.refund_url or self.query_url.rsplit("/", 1)[0] + "/backTransReq.do"


@lru_cache(maxsize=4)
def _load(gateway, query_url, mer_id, private_file, cert_id, merchant_cert_file, root_file,
          middle_file, owner, refund_url=""):
    if not cert_id:
        cert_id = unionpay_signing.cert_id(unionpay_signing.load_certificate(
            Path(merchant_cert_file).read_bytes()))
    trust = unionpay_signing.Trust(
        root=unionpay_signing.load_certificate(Path(root_file).read_bytes()),
        middle=unionpay_signing.load_certificate(Path(middle_file).read_bytes()), owner=owner)
    return Config(gateway, query_url, mer_id,
                  unionpay_signing.load_private_key(Path(private_file).read_bytes()),
                  cert_id, trust, refund_url)


def config():
    var = Path(env("VAR_DIR", "var")) / "keys"
    return _load(
        env("UNIONPAY_GATEWAY", "http://127.0.0.1:8090/unionpay/gateway/api/frontTransReq.do"),
        env("UNIONPAY_BACK_GATEWAY", "http://127.0.0.1:8090/unionpay/gateway/api/queryTrans.do"),
        env("UNIONPAY_MER_ID", "777290058110048"),
        env("UNIONPAY_PRIVATE_KEY_FILE", str(var / "unionpay_merchant_private.pem")),
        env("UNIONPAY_CERT_ID", ""),
        env("UNIONPAY_MERCHANT_CERT_FILE", str(var / "unionpay_merchant_cert.pem")),
        env("UNIONPAY_ROOT_CERT_FILE", str(var / "unionpay_root.pem")),
        env("UNIONPAY_MIDDLE_CERT_FILE", str(var / "unionpay_middle.pem")),
        env("UNIONPAY_SIGN_CERT_NAME", unionpay_signing.UNIONPAY_NAME),
        env("UNIONPAY_BACK_TRANS_URL", ""))


def bank_code(bank):
    """ACP's issuer code for the bank the learner chose (its name, as the web client lists
    it, or the code itself); None for a bank not offered."""
    text = str(bank or "").strip()
    if text.upper() in BANK_NAMES:
        return text.upper()
    return BANKS.get(text) or _ALIASES.get(text)


def beijing(moment):
    return as_utc(moment).astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S")


def txn_time(order):
    """The order's txnTime: when it was placed, Beijing time (yyyyMMddHHmmss)."""
    return beijing(order["created_at"])


def _commodity(name):
    # riskRateInfo is a {name=value&...} group: keep its delimiters out of the value.
    return re.sub(r"[{}\[\]&=]", " ", str(name))[:64].strip() or "培训课程"


def front_request(cfg, order, bank, back_url, front_url, now):
    """The form the learner's browser posts to UnionPay's gateway to pay `order` at
    `bank` (an issuer code of BANKS): {"action": url, "fields": {...}} (signed)."""
    fields = {
        "version": unionpay_signing.VERSION, "encoding": unionpay_signing.ENCODING,
        "txnType": "01", "txnSubType": "01", "bizType": "000201", "channelType": "07",
        "accessType": "0", "merId": cfg.mer_id, "orderId": order["order_no"],
        "txnTime": txn_time(order), "txnAmt": str(order["total_fen"]),
        "currencyCode": CURRENCY_CNY, "frontUrl": front_url, "backUrl": back_url,
        "payTimeout": beijing(order["expires_at"]), "issInsCode": bank,
        "riskRateInfo": "{commodityName=" + _commodity(order["plan_name"]) + "}",
    }
    return {"action": cfg.gateway,
            "fields": unionpay_signing.sign_request(fields, cfg.private_key, cfg.cert_id)}


def amount_of(text):
    """Fen of a txnAmt (already fen, digits only); None when it is not one."""
    text = str(text or "")
    return int(text) if TXN_AMT.fullmatch(text) else None


def _notice(fields, cfg, succeeded):
    amount = amount_of(fields.get("txnAmt"))
    if fields.get("currencyCode", CURRENCY_CNY) != CURRENCY_CNY:
        amount = None  # not renminbi: not an amount settlement can compare
    return Notice(channel="bank", trade_no=str(fields.get("queryId") or "")[:64],
                  succeeded=succeeded, amount_fen=amount,
                  merchant_is_ours=fields.get("merId") == cfg.mer_id)


def read_notification(cfg, form, now=None):
    """(genuine, order_no, notice) of a back notification's form fields. Only a consumption
    (txnType 01) that UnionPay says succeeded (respCode 00, or A6) is a payment; a refund's
    notification (txnType 04: its orderId the refund's number, origQryId the payment it
    returns) never is."""
    genuine, _ = unionpay_signing.verify_from_unionpay(form, cfg.trust,
                                                       now or datetime.now(timezone.utc))
    paid = form.get("txnType") == CONSUMPTION and form.get("respCode") in PAID_CODES
    notice = _notice(form, cfg, paid)
    return genuine and bool(notice.trade_no), form.get("orderId"), notice


def refunded_payment(form):
    """The queryId of the payment a refund's notification (txnType 04) returns money of;
    None for any other notification."""
    if form.get("txnType") != REFUND:
        return None
    return str(form.get("origQryId") or "")[:64] or None


def _back_call(cfg, url, fields, what, now=None):
    """A signed server-to-server request: UnionPay's answer once its signature checks, or
    None (not reachable, not UnionPay's answer)."""
    fields = unionpay_signing.sign_request(fields, cfg.private_key, cfg.cert_id)
    try:
        reply = requests.post(url, data=fields, timeout=CALL_TIMEOUT, headers={
            "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})
        answer = unionpay_signing.parse_answer(reply.content.decode("utf-8"))
    except (requests.RequestException, UnicodeDecodeError, ValueError) as exc:
        log.warning("unionpay %s: %s", what, exc)
        return None
    genuine, reason = unionpay_signing.verify_from_unionpay(
        answer, cfg.trust, now or datetime.now(timezone.utc))
    if not genuine:
        log.warning("unionpay %s: the answer is not UnionPay's (%s)", what, reason)
        return None
    return answer


def _query_answer(cfg, order_id, order_txn_time, now=None):
    return _back_call(cfg, cfg.query_url, {
        "version": unionpay_signing.VERSION, "encoding": unionpay_signing.ENCODING,
        "txnType": "00", "txnSubType": "00", "bizType": "000000", "accessType": "0",
        "merId": cfg.mer_id, "orderId": order_id, "txnTime": order_txn_time},
        f"query {order_id}", now)


def query(cfg, order_no, order_txn_time, now=None):
    """(found, notice) for an order sent to UnionPay: found False when UnionPay knows no
    such transaction, None when it could not be asked (or its answer is not UnionPay's);
    the notice says succeeded only once the original transaction is 00 / A6."""
    answer = _query_answer(cfg, order_no, order_txn_time, now)
    if answer is None:
        return None, None
    if answer.get("respCode") == NO_SUCH_TRANSACTION:
        return False, None
    if answer.get("respCode") != "00" or answer.get("orderId") != order_no:
        log.warning("unionpay query %s: %s %s", order_no, answer.get("respCode"),
                    answer.get("respMsg"))
        return None, None
    return True, _notice(answer, cfg, answer.get("origRespCode") in PAID_CODES)


def refund(cfg, orig_query_id, amount_fen, refund_no, now, txn_time=None, back_url=None):
    """退货 of `amount_fen` of the payment UnionPay numbered `orig_query_id` (its queryId),
    under the refund's own number `refund_no` (its orderId: 8–40 letters and digits) sent
    at `txn_time` (Beijing yyyyMMddHHmmss; `now` when not given — pass the same on every
    retry: merId + orderId + txnTime name the one refund). UnionPay posts the result to
    `back_url` too (billing's bank notify door by default). True once UnionPay has
    accepted it (respCode 00; idempotent per refund number), False if it refused, None if
    it could not be asked, its answer is not UnionPay's, or the outcome is not known yet
    (03 / 04 / 05: asked again later under the same number)."""
    txn_time = txn_time or beijing(now)
    answer = _back_call(cfg, cfg.back_trans_url, {
        "version": unionpay_signing.VERSION, "encoding": unionpay_signing.ENCODING,
        "txnType": REFUND, "txnSubType": "00", "bizType": "000201", "channelType": "07",
        "accessType": "0", "merId": cfg.mer_id, "orderId": refund_no, "txnTime": txn_time,
        "txnAmt": str(amount_fen), "currencyCode": CURRENCY_CNY, "origQryId": orig_query_id,
        "backUrl": back_url or f"{public_base_url()}/api/v1/payments/bank/notify"},
        f"refund {refund_no}", now)
    if answer is None:
        return None
    code = answer.get("respCode")
    if answer.get("orderId") != refund_no and (code == "00" or answer.get("orderId")):
        log.warning("unionpay refund %s: answered for %s", refund_no, answer.get("orderId"))
        return None
    if code == "00":
        return True
    if code in PENDING_CODES + BUSY_CODES:
        log.warning("unionpay refund %s: not known yet (%s)", refund_no, code)
        return None
    if code == DUPLICATE:
        # Sent before (a retry whose first answer was lost): what became of that one.
        return _earlier_refund(cfg, refund_no, txn_time, amount_fen, now)
    log.warning("unionpay refund %s refused: %s %s", refund_no, code, answer.get("respMsg"))
    return False


def _earlier_refund(cfg, refund_no, txn_time, amount_fen, now):
    answer = _query_answer(cfg, refund_no, txn_time, now)
    if answer is None:
        return None
    if answer.get("respCode") == NO_SUCH_TRANSACTION:
        # The number was used, but not by this refund at this time: it cannot go through.
        log.warning("unionpay refund %s: the number is taken by another transaction",
                    refund_no)
        return False
    if answer.get("respCode") != "00" or answer.get("orderId") != refund_no:
        return None
    if answer.get("origRespCode") in PENDING_CODES:
        return None
    done = (answer.get("origRespCode") in PAID_CODES
            and amount_of(answer.get("txnAmt")) == amount_fen)
    if not done:
        log.warning("unionpay refund %s: the earlier one %s, %s fen", refund_no,
                    answer.get("origRespCode"), answer.get("txnAmt"))
    return done
