"""The sandbox's UnionPay half speaks ACP 5.1.0 as billing's adapter does: the front form
billing signs opens the chosen bank's page (中国工商银行 …) and a tampered, foreign or
incomplete one is refused with ACP's respCode; paying there posts a back notification
that billing's verifier accepts (signed with the sandbox's key, its certificate chaining
to the sandbox's root), retried until the merchant answers HTTP 200, and brings the
browser back to frontUrl with the signed front notification; queryTrans.do answers
billing's reconciliation; backTransReq.do refunds (退货) what billing's adapter asks —
signed answer, back notification billing does not take for a payment, idempotent per
orderId, never more than was paid, a tampered or foreign request refused; no input,
however bad, gets a 500."""
import html
import re
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from werkzeug.serving import make_server

from sandbox import keys
from sandbox.app import create_app
from services.billing import unionpay, unionpay_signing

MER_ID = "777290058110048"
ORDER_NO = "CE20261201101000123456"
FRONT = "/unionpay/gateway/api/frontTransReq.do"
QUERY = "/unionpay/gateway/api/queryTrans.do"
BACK = "/unionpay/gateway/api/backTransReq.do"
REFUND_NO = "RF2026120110200012345678"


@pytest.fixture(scope="module")
def key_files(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    return {**keys.ensure_keys(var), **keys.ensure_unionpay_keys(var)}


@pytest.fixture(scope="module")
def cfg(key_files):
    """billing's adapter configuration for the sandbox's files."""
    def cert(name):
        return unionpay_signing.load_certificate(Path(key_files[name]).read_bytes())
    return unionpay.Config(
        gateway="http://sandbox.local" + FRONT, query_url="http://sandbox.local" + QUERY,
        mer_id=MER_ID, private_key=unionpay_signing.load_private_key(
            Path(key_files["unionpay_merchant_private"]).read_bytes()),
        cert_id=unionpay_signing.cert_id(cert("unionpay_merchant_cert")),
        trust=unionpay_signing.Trust(cert("unionpay_root"), cert("unionpay_middle")))


@pytest.fixture
def merchant():
    """The merchant's backUrl on 127.0.0.1: records every POST and answers the next of
    `statuses` (then 200 "ok")."""
    received, statuses = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
            status = statuses.pop(0) if statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"fail")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/api/v1/payments/bank/notify",
           "received": received, "statuses": statuses}
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(tmp_path, key_files):
    app = create_app({
        "VAR_DIR": str(tmp_path), "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_ALIPAY_PRIVATE_KEY_FILE": str(key_files["alipay_sandbox_private"]),
        "SANDBOX_MERCHANT_PUBLIC_KEY_FILE": str(key_files["alipay_merchant_public"]),
        "SANDBOX_UNIONPAY_SIGN_KEY_FILE": str(key_files["unionpay_sign_key"]),
        "SANDBOX_UNIONPAY_SIGN_CERT_FILE": str(key_files["unionpay_sign_cert"]),
        "SANDBOX_UNIONPAY_MERCHANT_CERT_FILE": str(key_files["unionpay_merchant_cert"]),
        "SANDBOX_NOTIFY_RETRY_SECONDS": "0.05,0.05,0.05,0.05"})
    yield app
    bank = app.extensions["unionpay_sandbox"]
    bank.notifier.stop()
    bank.notifier.wait(5)
    app.extensions["alipay_sandbox"].store.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def wait_for_deliveries(app):
    assert app.extensions["unionpay_sandbox"].notifier.wait(10)


def order(total_fen=15000, order_no=ORDER_NO, minutes=30, placed=None):
    placed = placed or datetime.now(timezone.utc)
    return {"order_no": order_no, "total_fen": total_fen, "created_at": placed,
            "expires_at": placed + timedelta(minutes=minutes),
            "plan_name": "2026年公需科目 选修课程"}


def front_form(cfg, merchant, bank="ICBC", **kwargs):
    return unionpay.front_request(cfg, order(**kwargs), bank, merchant["url"],
                                  "https://cpe.example.cn/api/v1/payments/bank/return",
                                  datetime.now(timezone.utc))


def open_bank_page(client, fields):
    return client.post(FRONT, data=fields)


def query_id_of(response):
    return re.search(r"/unionpay/cashier/(\d{21})/pay", response.get_data(as_text=True))[1]


def pay(client, query_id, card_no="6212 1437 0000 0000 011", **controls):
    return client.post(f"/unionpay/cashier/{query_id}/pay", data={"card_no": card_no,
                                                                  **controls})


def hidden_fields(page):
    return {html.unescape(name): html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)}


def paid_trade(app, client, cfg, merchant, **controls):
    query_id = query_id_of(open_bank_page(client, front_form(cfg, merchant)["fields"]))
    assert pay(client, query_id, **controls).status_code == 200
    wait_for_deliveries(app)
    return query_id


# --- the front request and the bank's page -----------------------------------------------

@pytest.mark.parametrize("bank, name", [("BOC", "中国银行"), ("ICBC", "中国工商银行"),
                                        ("CCB", "中国建设银行"), ("ABC", "中国农业银行"),
                                        ("COMM", "交通银行"), ("CMB", "招商银行")])
def test_the_form_billing_signs_opens_the_chosen_banks_page(client, cfg, merchant, bank, name):
    placed = datetime.now(timezone.utc)
    form = front_form(cfg, merchant, bank=bank, placed=placed)
    assert form["action"].endswith(FRONT)
    response = open_bank_page(client, form["fields"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (f"{name} · 银联在线支付沙箱", f'<h1 class="bank">{name}</h1>', ORDER_NO,
                 "￥150.00", "2026年公需科目 选修课程", "银行卡号", "支付", "取消",
                 "notify_copies", "notify_delay"):
        assert text in page, text
    # The same request again is the same trade; another amount under the same numbers
    # is refused.
    query_id = query_id_of(response)
    assert query_id_of(open_bank_page(client, form["fields"])) == query_id
    changed = open_bank_page(client, front_form(cfg, merchant, bank=bank, total_fen=1,
                                                placed=placed)["fields"])
    assert changed.status_code == 400 and "与原交易信息不符" in changed.get_data(as_text=True)


@pytest.mark.parametrize("change, code, text", [
    ({"txnAmt": "1"}, "11", "验证签名失败"),                 # tampered after signing
    ({"signature": "QUJD"}, "11", "验证签名失败"),
    ({"certId": "12345678901"}, "11", "验证签名失败"),        # not the merchant's certificate
    ({"merId": "777290058110049"}, "31", "商户状态不正确"),
    ({"signature": ""}, "13", "报文交易要素缺失"),
    ({"version": "5.0.0"}, "10", "报文格式错误"),
    ({"signMethod": "11"}, "10", "报文格式错误")])
def test_a_tampered_or_foreign_front_request_is_refused(client, cfg, merchant, change, code,
                                                        text):
    fields = {**front_form(cfg, merchant)["fields"], **change}
    response = open_bank_page(client, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert text in page and f"respCode={code}" in page and "银行卡号" not in page


@pytest.mark.parametrize("field, value", [
    ("orderId", "CE-1"), ("txnAmt", "150.00"), ("txnAmt", "0"), ("currencyCode", "840"),
    ("txnTime", "2026-12-01"), ("txnType", "04"), ("bizType", "000301"),
    ("channelType", "09"), ("backUrl", "ftp://x"), ("payTimeout", "soon")])
def test_front_fields_outside_acp_are_refused_even_when_signed(client, cfg, merchant, field,
                                                               value):
    fields = {k: v for k, v in front_form(cfg, merchant)["fields"].items()
              if k not in ("signature", "certId", "signMethod")}
    fields[field] = value
    response = open_bank_page(client, unionpay_signing.sign_request(
        fields, cfg.private_key, cfg.cert_id))
    assert response.status_code == 400 and "respCode=" in response.get_data(as_text=True)


# --- paying: the back and front notifications --------------------------------------------

def test_paying_sends_a_back_notification_billings_verifier_accepts(app, client, cfg,
                                                                    merchant):
    query_id = query_id_of(open_bank_page(client, front_form(cfg, merchant)["fields"]))
    response = pay(client, query_id)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The browser goes back to frontUrl with the signed front notification.
    assert '<form id="front" method="post" ' \
           'action="https://cpe.example.cn/api/v1/payments/bank/return">' in page
    front = hidden_fields(page)
    assert front["orderId"] == ORDER_NO and front["respCode"] == "00"
    genuine, order_no, notice = unionpay.read_notification(cfg, front)
    assert genuine and order_no == ORDER_NO and notice.succeeded

    wait_for_deliveries(app)
    [form] = merchant["received"]
    genuine, order_no, notice = unionpay.read_notification(cfg, form)
    assert genuine and order_no == ORDER_NO
    assert (notice.channel, notice.trade_no, notice.succeeded, notice.amount_fen,
            notice.merchant_is_ours) == ("bank", query_id, True, 15000, True)
    assert {k: form[k] for k in ("version", "encoding", "signMethod", "txnType", "txnSubType",
                                 "bizType", "accessType", "merId", "txnAmt", "currencyCode",
                                 "respCode", "respMsg", "queryId", "issInsCode")} == {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "01",
        "txnSubType": "01", "bizType": "000201", "accessType": "0", "merId": MER_ID,
        "txnAmt": "15000", "currencyCode": "156", "respCode": "00",
        "respMsg": "成功[0000000]", "queryId": query_id, "issInsCode": "ICBC"}
    assert form["accNo"] == "621214*********0011" and len(form["traceNo"]) == 6
    assert form["signPubKeyCert"].startswith("-----BEGIN CERTIFICATE-----")
    assert unionpay_signing.owner_of(unionpay_signing.load_certificate(
        form["signPubKeyCert"])) == "中国银联股份有限公司"
    # Not another root's: a billing that trusts a different chain refuses it.
    other = keys.make_unionpay_chain()
    stranger = unionpay.Config(**{**cfg.__dict__, "trust": unionpay_signing.Trust(
        other["root"], other["middle"])})
    assert not unionpay.read_notification(stranger, form)[0]

    # Paid: the bank's page says so, a second click sends nothing new.
    again = client.get(f"/unionpay/cashier/{query_id}").get_data(as_text=True)
    assert "该订单已支付" in again and "银行卡号" not in again
    assert pay(client, query_id).status_code == 200
    wait_for_deliveries(app)
    assert len(merchant["received"]) == 1


def test_a_merchant_that_does_not_answer_200_is_retried_until_it_does(app, client, cfg,
                                                                      merchant):
    merchant["statuses"].extend([500, 400, 503])
    query_id = paid_trade(app, client, cfg, merchant)
    assert len(merchant["received"]) == 4
    assert all(form == merchant["received"][0] for form in merchant["received"])
    bank = app.extensions["unionpay_sandbox"]
    assert [(a["http_status"], a["acknowledged"]) for a in bank.store.attempts(query_id)] == [
        (500, False), (400, False), (503, False), (200, True)]
    assert bank.store.acknowledged(query_id)
    page = client.get("/trades").get_data(as_text=True)
    assert query_id in page and "中国工商银行" in page and "已确认" in page and "未确认" in page


def test_retries_stop_when_the_schedule_runs_out(app, client, cfg, merchant):
    merchant["statuses"].extend([500] * 10)
    query_id = paid_trade(app, client, cfg, merchant)
    assert len(merchant["received"]) == 5  # the first try and four retries
    assert not app.extensions["unionpay_sandbox"].store.acknowledged(query_id)


def test_duplicates_deliver_the_same_notification_concurrently(app, client, cfg, merchant):
    paid_trade(app, client, cfg, merchant, notify_copies="3")
    posts = merchant["received"]
    assert len(posts) == 3 and all(post == posts[0] for post in posts)


@pytest.mark.parametrize("data", [{"card_no": "1234"}, {"card_no": "6212abc"},
                                  {"card_no": "6212143700000000011", "notify_copies": "0"},
                                  {"card_no": "6212143700000000011", "notify_delay": "x"}])
def test_a_bad_card_number_or_test_control_pays_nothing(app, client, cfg, merchant, data):
    query_id = query_id_of(open_bank_page(client, front_form(cfg, merchant)["fields"]))
    response = client.post(f"/unionpay/cashier/{query_id}/pay", data=data)
    assert response.status_code == 400
    wait_for_deliveries(app)
    assert merchant["received"] == []
    assert "银行卡号" in client.get(f"/unionpay/cashier/{query_id}").get_data(as_text=True)


def test_a_trade_past_its_pay_timeout_is_closed(app, client, cfg, merchant):
    fields = front_form(cfg, merchant, minutes=-1)["fields"]
    page = open_bank_page(client, fields).get_data(as_text=True)
    assert "交易已关闭" in page and "银行卡号" not in page


# --- queryTrans.do -----------------------------------------------------------------------

@pytest.fixture
def served(app, cfg):
    """The sandbox over HTTP, and billing's configuration pointing at it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    yield unionpay.Config(**{**cfg.__dict__, "gateway": url + FRONT, "query_url": url + QUERY})
    server.shutdown()
    server.server_close()


def test_query_answers_billings_reconciliation(app, client, served, merchant):
    made = order()
    txn_time = unionpay.txn_time(made)
    assert unionpay.query(served, ORDER_NO, txn_time) == (False, None)  # never sent
    fields = unionpay.front_request(served, made, "CCB", merchant["url"], None,
                                    datetime.now(timezone.utc))["fields"]
    query_id = query_id_of(open_bank_page(client, fields))
    assert unionpay.query(served, ORDER_NO, txn_time) == (False, None)  # not paid yet
    assert pay(client, query_id).status_code == 200  # no frontUrl: a message page
    found, notice = unionpay.query(served, ORDER_NO, txn_time)
    assert found is True
    assert (notice.trade_no, notice.succeeded, notice.amount_fen, notice.merchant_is_ours) == (
        query_id, True, 15000, True)
    # Another txnTime is another transaction.
    assert unionpay.query(served, ORDER_NO, "20200101000000") == (False, None)
    # A query signed by someone else's key is refused (respCode 11): not an answer.
    forger = unionpay.Config(**{**served.__dict__, "private_key": keys.new_key()})
    assert unionpay.query(forger, ORDER_NO, txn_time) == (None, None)
    # An answer signed by another chain is not believed.
    other = keys.make_unionpay_chain()
    stranger = unionpay.Config(**{**served.__dict__, "trust": unionpay_signing.Trust(
        other["root"], other["middle"])})
    assert unionpay.query(stranger, ORDER_NO, txn_time) == (None, None)


def test_query_answers_are_signed_text_whatever_the_outcome(client, cfg):
    response = client.post(QUERY, data={"orderId": ORDER_NO})
    assert response.status_code == 200
    answer = unionpay_signing.parse_answer(response.get_data(as_text=True))
    assert answer["respCode"] == "13" and answer["orderId"] == ORDER_NO
    assert unionpay_signing.is_from_unionpay(answer, cfg.trust)


@pytest.mark.parametrize("method, path, kwargs", [
    ("post", FRONT, {}), ("post", FRONT, {"data": b"\xff\xfe", "content_type": "text/plain"}),
    ("post", FRONT, {"data": {"version": "5.1.0" * 1000}}), ("get", FRONT, {}),
    ("post", QUERY, {"data": {"merId": "x" * 5000}}), ("get", "/unionpay/cashier/1", {}),
    ("post", BACK, {}), ("post", BACK, {"data": {"origQryId": "1" * 5000}}),
    ("get", BACK, {}),
    ("post", "/unionpay/cashier/1/pay", {"data": {"card_no": "6212143700000000011"}}),
    ("get", "/unionpay/cashier/1/cancel", {})])
def test_garbage_never_gets_a_500(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500


# --- backTransReq.do: 退货 ------------------------------------------------------------------

def paid_for_refund(app, client, cfg, merchant):
    """A paid trade of 150.00 whose payment notification has been delivered: its queryId."""
    query_id = paid_trade(app, client, cfg, merchant)
    assert len(merchant["received"]) == 1
    return query_id


def refund(cfg, merchant, query_id, amount_fen, refund_no=REFUND_NO, txn_time=None):
    return unionpay.refund(cfg, query_id, amount_fen, refund_no, datetime.now(timezone.utc),
                           txn_time=txn_time, back_url=merchant["url"])


def refund_fields(cfg, merchant, query_id, amount_fen=15000, refund_no=REFUND_NO, **changes):
    """A refund request as billing's adapter signs it (`changes` made before signing)."""
    return unionpay_signing.sign_request({
        "version": "5.1.0", "encoding": "UTF-8", "txnType": "04", "txnSubType": "00",
        "bizType": "000201", "channelType": "07", "accessType": "0", "merId": MER_ID,
        "orderId": refund_no, "txnTime": unionpay.beijing(datetime.now(timezone.utc)),
        "txnAmt": str(amount_fen), "currencyCode": "156", "origQryId": query_id,
        "backUrl": merchant["url"], **changes}, cfg.private_key, cfg.cert_id)


def answer_to(client, fields):
    response = client.post(BACK, data=fields)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return unionpay_signing.parse_answer(response.get_data(as_text=True))


def refunds_of(app, query_id):
    return app.extensions["unionpay_sandbox"].store.refunds_of(query_id)


def test_a_refund_is_answered_signed_and_notified_as_not_a_payment(app, client, served,
                                                                   merchant):
    query_id = paid_for_refund(app, client, served, merchant)
    fields = refund_fields(served, merchant, query_id)
    answer = answer_to(client, fields)
    assert unionpay_signing.is_from_unionpay(answer, served.trust)
    [made] = refunds_of(app, query_id)
    assert {k: answer[k] for k in ("respCode", "txnType", "txnSubType", "bizType", "merId",
                                   "orderId", "txnTime", "origQryId", "txnAmt")} == {
        "respCode": "00", "txnType": "04", "txnSubType": "00", "bizType": "000201",
        "merId": MER_ID, "orderId": REFUND_NO, "txnTime": fields["txnTime"],
        "origQryId": query_id, "txnAmt": "15000"}
    assert answer["queryId"] == made["query_id"] != query_id and len(made["query_id"]) == 21

    # The refund's back notification: UnionPay's, txnType 04 — never a payment to billing.
    wait_for_deliveries(app)
    [_, form] = merchant["received"]
    assert (form["txnType"], form["orderId"], form["origQryId"], form["queryId"],
            form["txnAmt"], form["respCode"]) == ("04", REFUND_NO, query_id,
                                                  made["query_id"], "15000", "00")
    genuine, order_no, notice = unionpay.read_notification(served, form)
    assert genuine and order_no == REFUND_NO
    assert (notice.trade_no, notice.succeeded, notice.merchant_is_ours) == (
        made["query_id"], False, True)
    assert unionpay.refunded_payment(form) == query_id
    assert unionpay.refunded_payment(merchant["received"][0]) is None  # the payment's

    # queryTrans.do knows the refund by its orderId and txnTime; the trades page shows it.
    found, queried = unionpay.query(served, REFUND_NO, fields["txnTime"])
    assert found and queried.trade_no == made["query_id"] and queried.amount_fen == 15000
    page = client.get("/trades").get_data(as_text=True)
    assert f"退货 {REFUND_NO}" in page and "已退货 ￥150.00" in page


def test_billings_refund_is_accepted_once_per_refund_number(app, client, served, merchant):
    query_id = paid_for_refund(app, client, served, merchant)
    sent = unionpay.beijing(datetime.now(timezone.utc))
    assert refund(served, merchant, query_id, 5000, txn_time=sent) is True
    # Asked again (the answer was lost; retry_pending): the same refund, nothing more —
    # whatever its txnTime, the orderId names it.
    assert refund(served, merchant, query_id, 5000, txn_time=sent) is True
    assert refund(served, merchant, query_id, 5000, txn_time="20261201000000") is True
    [made] = refunds_of(app, query_id)
    assert (made["order_id"], made["txn_amt"], made["txn_time"]) == (REFUND_NO, 5000, sent)
    again = answer_to(client, refund_fields(served, merchant, query_id, 5000))
    assert (again["respCode"], again["queryId"]) == ("00", made["query_id"])
    wait_for_deliveries(app)
    assert [form["txnType"] for form in merchant["received"]] == ["01", "04"]  # one notice

    # The same number for another amount is another refund: 重复交易, and billing's
    # adapter, asking what became of that number, finds it is not this refund.
    assert refund(served, merchant, query_id, 6000, txn_time=sent) is False
    assert answer_to(client, refund_fields(served, merchant, query_id, 6000))["respCode"] \
        == "12"
    assert len(refunds_of(app, query_id)) == 1


def test_no_more_than_was_paid_is_refunded(app, client, served, merchant):
    query_id = paid_for_refund(app, client, served, merchant)
    assert refund(served, merchant, query_id, 10000, "RF000000000001") is True
    over = refund_fields(served, merchant, query_id, 5001, "RF000000000002")
    answer = answer_to(client, over)
    assert answer["respCode"] == "33" and "可退 5000 分" in answer["respMsg"]
    assert unionpay_signing.is_from_unionpay(answer, served.trust)
    assert refund(served, merchant, query_id, 5001, "RF000000000002") is False
    assert refund(served, merchant, query_id, 5000, "RF000000000003") is True
    assert refund(served, merchant, query_id, 1, "RF000000000004") is False
    assert [r["txn_amt"] for r in refunds_of(app, query_id)] == [10000, 5000]
    # Only a paid consumption is refunded.
    assert answer_to(client, refund_fields(served, merchant, "123456789012345678901",
                                           1, "RF000000000005"))["respCode"] == "35"
    waiting = query_id_of(open_bank_page(client, front_form(
        served, merchant, order_no="CE20261201101000999999")["fields"]))
    assert refund(served, merchant, waiting, 1, "RF000000000006") is False
    assert refunds_of(app, waiting) == []


@pytest.mark.parametrize("change, code", [
    ({"txnAmt": "1"}, "11"),                      # tampered after signing
    ({"origQryId": "123456789012345678901"}, "11"),
    ({"signature": "QUJD"}, "11"),
    ({"certId": "12345678901"}, "11"),            # not the merchant's certificate
    ({"merId": "777290058110049"}, "31"),
    ({"origQryId": ""}, "13"),
    ({"version": "5.0.0"}, "10")])
def test_a_tampered_or_foreign_refund_is_refused(app, client, served, merchant, change, code):
    query_id = paid_for_refund(app, client, served, merchant)
    answer = answer_to(client, {**refund_fields(served, merchant, query_id), **change})
    assert answer["respCode"] == code
    assert unionpay_signing.is_from_unionpay(answer, served.trust)
    assert refunds_of(app, query_id) == []


@pytest.mark.parametrize("field, value", [
    ("txnSubType", "01"), ("bizType", "000000"), ("txnAmt", "0"), ("txnAmt", "1.00"),
    ("orderId", "RF-1"), ("currencyCode", "840"), ("channelType", "09"),
    ("backUrl", "ftp://x")])
def test_refund_fields_outside_acp_are_refused_even_when_signed(app, client, served,
                                                                merchant, field, value):
    query_id = paid_for_refund(app, client, served, merchant)
    answer = answer_to(client, refund_fields(served, merchant, query_id, **{field: value}))
    assert answer["respCode"] == "10"
    assert refunds_of(app, query_id) == []


def test_billings_adapter_refuses_what_is_not_unionpays(app, client, served, merchant):
    query_id = paid_for_refund(app, client, served, merchant)
    # Signed with a key that is not the merchant's: refused (11), refunded nothing.
    forger = unionpay.Config(**{**served.__dict__, "private_key": keys.new_key()})
    assert refund(forger, merchant, query_id, 100) is False
    # The answer of a UnionPay from another root is not believed: not known (None).
    other = keys.make_unionpay_chain()
    stranger = unionpay.Config(**{**served.__dict__, "trust": unionpay_signing.Trust(
        other["root"], other["middle"])})
    assert refund(stranger, merchant, query_id, 100) is None
    # Nobody there: not known either; the refund stays to be asked again.
    away = unionpay.Config(**{**served.__dict__,
                              "refund_url": "http://127.0.0.1:9/gateway/api/backTransReq.do"})
    assert refund(away, merchant, query_id, 100, "RF000000000009") is None
    assert [r["txn_amt"] for r in refunds_of(app, query_id)] == [100]  # the stranger's
