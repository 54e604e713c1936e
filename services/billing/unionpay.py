"""银行卡支付 through UnionPay's online gateway (ACP 5.1.0, 网关支付), as billing's adapter
speaks it: the signed consumption request (txnType 01 / txnSubType 01 / bizType 000201,
PC channel 07) the learner's browser posts to the gateway, with the bank the learner chose
as the issuer hint (`issInsCode`: the gateway goes straight to that bank's page); the back
notification read and verified exactly as ACP defines it (the signing certificate in
`signPubKeyCert` must chain to the configured UnionPay root); and the query
(`queryTrans.do`, txnType 00) reconciliation asks.

The same code talks to the project's sandbox or to UnionPay: only the configuration
differs — UNIONPAY_GATEWAY (…/gateway/api/frontTransReq.do), UNIONPAY_BACK_GATEWAY (the
server-to-server query address, …/gateway/api/queryTrans.do), UNIONPAY_MER_ID,
UNIONPAY_PRIVATE_KEY_FILE (the merchant's signing key, exported from its .pfx),
UNIONPAY_CERT_ID (that certificate's serial; read from UNIONPAY_MERCHANT_CERT_FILE when
unset), UNIONPAY_ROOT_CERT_FILE / UNIONPAY_MIDDLE_CERT_FILE (UnionPay's root and middle
certificates) and UNIONPAY_SIGN_CERT_NAME (the owner its signing certificate names).

An order's `orderId` is its order number and its `txnTime` is when the order was placed
(Beijing time): the same for every attempt to pay it, so reconciliation can ask for it."""
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

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CALL_TIMEOUT = (3, 10)
PAID_CODES = ("00", "A6")          # 成功, 有缺陷的成功
PENDING_CODES = ("03", "04", "05")  # the original transaction's outcome is not known yet
NO_SUCH_TRANSACTION = "34"
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


@lru_cache(maxsize=4)
def _load(gateway, query_url, mer_id, private_file, cert_id, merchant_cert_file, root_file,
          middle_file, owner):
    if not cert_id:
        cert_id = unionpay_signing.cert_id(unionpay_signing.load_certificate(
            Path(merchant_cert_file).read_bytes()))
    trust = unionpay_signing.Trust(
        root=unionpay_signing.load_certificate(Path(root_file).read_bytes()),
        middle=unionpay_signing.load_certificate(Path(middle_file).read_bytes()), owner=owner)
    return Config(gateway, query_url, mer_id,
                  unionpay_signing.load_private_key(Path(private_file).read_bytes()),
                  cert_id, trust)


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
        env("UNIONPAY_SIGN_CERT_NAME", unionpay_signing.UNIONPAY_NAME))


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
    (txnType 01) that UnionPay says succeeded (respCode 00, or A6) is a payment."""
    genuine, _ = unionpay_signing.verify_from_unionpay(form, cfg.trust,
                                                       now or datetime.now(timezone.utc))
    paid = form.get("txnType") == "01" and form.get("respCode") in PAID_CODES
    notice = _notice(form, cfg, paid)
    return genuine and bool(notice.trade_no), form.get("orderId"), notice


def query(cfg, order_no, order_txn_time, now=None):
    """(found, notice) for an order sent to UnionPay: found False when UnionPay knows no
    such transaction, None when it could not be asked (or its answer is not UnionPay's);
    the notice says succeeded only once the original transaction is 00 / A6."""
    fields = unionpay_signing.sign_request({
        "version": unionpay_signing.VERSION, "encoding": unionpay_signing.ENCODING,
        "txnType": "00", "txnSubType": "00", "bizType": "000000", "accessType": "0",
        "merId": cfg.mer_id, "orderId": order_no, "txnTime": order_txn_time},
        cfg.private_key, cfg.cert_id)
    try:
        reply = requests.post(cfg.query_url, data=fields, timeout=CALL_TIMEOUT, headers={
            "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})
        answer = unionpay_signing.parse_answer(reply.content.decode("utf-8"))
    except (requests.RequestException, UnicodeDecodeError, ValueError) as exc:
        log.warning("unionpay query %s: %s", order_no, exc)
        return None, None
    genuine, reason = unionpay_signing.verify_from_unionpay(
        answer, cfg.trust, now or datetime.now(timezone.utc))
    if not genuine:
        log.warning("unionpay query %s: the answer is not UnionPay's (%s)", order_no, reason)
        return None, None
    if answer.get("respCode") == NO_SUCH_TRANSACTION:
        return False, None
    if answer.get("respCode") != "00" or answer.get("orderId") != order_no:
        log.warning("unionpay query %s: %s %s", order_no, answer.get("respCode"),
                    answer.get("respMsg"))
        return None, None
    return True, _notice(answer, cfg, answer.get("origRespCode") in PAID_CODES)
