"""The Alipay sandbox speaks Alipay's protocol as Alipay's official Python SDK does: a
page-pay request the SDK signs opens the cashier and a tampered one is refused; paying
sends a notification the SDK verifies, retried until the merchant says `success`, with
the duplicates and disorder the test controls ask for; query, refund and close answer
signed JSON the SDK accepts; refunds are idempotent and never exceed what was paid; and
no input, however bad, gets a 500."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
from alipay.aop.api.domain.AlipayTradePagePayModel import AlipayTradePagePayModel
from alipay.aop.api.request.AlipayTradePagePayRequest import AlipayTradePagePayRequest
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa

from sandbox import keys
from sandbox.app import create_app
from services.billing import alipay_signing

APP_ID, SELLER_ID = "2021000000000001", "2088000000000001"


def pem_body(path):
    """What the SDK takes: the base64 lines of a PEM file, without its markers."""
    return "\n".join(line for line in path.read_text().splitlines()
                     if not line.startswith("-----"))


@pytest.fixture(scope="module")
def key_files(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    paths = {**keys.ensure_keys(var), **keys.ensure_unionpay_keys(var)}
    return {**paths, "sdk_merchant_private": pem_body(paths["alipay_merchant_private"]),
            "sdk_alipay_public": pem_body(paths["alipay_sandbox_public"]),
            "alipay_public": alipay_signing.load_public_key(
                paths["alipay_sandbox_public"].read_bytes())}


@pytest.fixture
def merchant():
    """A merchant's notify_url on 127.0.0.1: records every POST and answers the next of
    `replies` (then `success`)."""
    received, replies = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"content_type": self.headers["Content-Type"],
                             "form": dict(parse_qsl(body.decode("utf-8"),
                                                    keep_blank_values=True))})
            reply = replies.pop(0) if replies else "success"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(reply.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}/notify", "received": received,
           "replies": replies}
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
    sandbox = app.extensions["alipay_sandbox"]
    sandbox.notifier.stop()
    sandbox.notifier.wait(5)
    sandbox.store.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def wait_for_deliveries(app):
    assert app.extensions["alipay_sandbox"].notifier.wait(10)


def sdk_signed(key_files, method, biz, **extra):
    """A request signed as Alipay's SDK signs it: every parameter but sign."""
    params = {"app_id": APP_ID, "method": method, "format": "JSON", "charset": "utf-8",
              "sign_type": "RSA2", "timestamp": "2026-12-01 14:10:00", "version": "1.0",
              "biz_content": json.dumps(biz, ensure_ascii=False), **extra}
    params["sign"] = sign_with_rsa2(key_files["sdk_merchant_private"],
                                    get_sign_content(params), "utf-8")
    return params


def page_pay(client, key_files, merchant, out_trade_no="CE20261201000123",
             amount="150.00", **biz):
    params = sdk_signed(key_files, "alipay.trade.page.pay", {
        "out_trade_no": out_trade_no, "total_amount": amount, "subject": "2026年公需科目 选修课程",
        "product_code": "FAST_INSTANT_TRADE_PAY", **biz},
        notify_url=merchant["url"], return_url="https://cpe.example.cn/pay/return?from=alipay")
    return client.get("/gateway.do", query_string=params)


def trade_no_of(response):
    return re.search(r"/cashier/(\d{28})/pay", response.get_data(as_text=True))[1]


def pay(client, trade_no, **controls):
    return client.post(f"/cashier/{trade_no}/pay", data=controls)


def sdk_genuine(key_files, form):
    """The SDK's check of a notification: every field but sign and sign_type."""
    content = get_sign_content({k: v for k, v in form.items() if k not in ("sign", "sign_type")})
    return verify_with_rsa(key_files["sdk_alipay_public"], content.encode("utf-8"), form["sign"])


def call(client, key_files, method, biz):
    """A server-to-server call: (the response object, as the SDK's verifying parser gives
    it, and the raw body)."""
    response = client.post("/gateway.do", data=sdk_signed(key_files, method, biz))
    assert response.status_code == 200
    assert response.content_type == "application/json;charset=utf-8"
    config = AlipayClientConfig()
    config.app_id = APP_ID
    config.alipay_public_key = key_files["sdk_alipay_public"]
    # The SDK's own parser (what execute() runs on the bytes it receives): it raises
    # unless the signature verifies over the response object's text.
    parse = DefaultAlipayClient(config)._DefaultAlipayClient__parse_response
    return json.loads(parse(response.get_data())), response.get_data(as_text=True)


def paid_trade(client, key_files, merchant, app, out_trade_no="CE20261201000123"):
    trade_no = trade_no_of(page_pay(client, key_files, merchant, out_trade_no))
    assert pay(client, trade_no).status_code == 303
    wait_for_deliveries(app)
    return trade_no


# --- keys --------------------------------------------------------------------------------

def test_the_keys_command_makes_both_pairs_once(tmp_path, capsys):
    assert keys.main([str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()[:4]  # Alipay's first, then UnionPay's files
    assert [p.rsplit("/", 1)[1] for p in printed] == [
        "alipay_sandbox_private.pem", "alipay_sandbox_public.pem",
        "alipay_merchant_private.pem", "alipay_merchant_public.pem"]
    before = {p: (tmp_path / "keys" / p.rsplit("/", 1)[1]).read_bytes() for p in printed}
    assert all(before[p].startswith(b"-----BEGIN RSA PRIVATE KEY-----") for p in printed[::2])
    assert all(before[p].startswith(b"-----BEGIN PUBLIC KEY-----") for p in printed[1::2])
    keys.main([str(tmp_path)])
    assert {p: (tmp_path / "keys" / p.rsplit("/", 1)[1]).read_bytes() for p in printed} == before


# --- page pay and the cashier ----------------------------------------------------------

def test_a_page_pay_request_signed_by_the_sdk_opens_the_cashier(client, key_files, merchant):
    response = page_pay(client, key_files, merchant)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ("支付宝沙箱收银台", "CE20261201000123", "2026年公需科目 选修课程", "￥150.00",
                 "支付", "取消", "notify_copies", "notify_order", "notify_delay"):
        assert text in page
    trade_no = trade_no_of(response)
    assert trade_no[8:13] == "22001"
    # The same request again is the same trade; another amount for it is tampering.
    assert trade_no_of(page_pay(client, key_files, merchant)) == trade_no
    changed = page_pay(client, key_files, merchant, amount="1.50")
    assert changed.status_code == 400 and "交易信息被篡改" in changed.get_data(as_text=True)


def test_the_url_the_official_sdk_builds_is_accepted(client, key_files, merchant):
    config = AlipayClientConfig()
    config.server_url = "http://sandbox.local/gateway.do"
    config.app_id = APP_ID
    config.app_private_key = key_files["sdk_merchant_private"]
    config.alipay_public_key = key_files["sdk_alipay_public"]
    model = AlipayTradePagePayModel()
    model.out_trade_no, model.total_amount, model.subject = "CE1", "0.01", "选修课"
    model.product_code = "FAST_INSTANT_TRADE_PAY"
    request = AlipayTradePagePayRequest(biz_model=model)
    request.notify_url = merchant["url"]
    url = urlsplit(DefaultAlipayClient(config).page_execute(request, http_method="GET"))
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200 and "￥0.01" in response.get_data(as_text=True)


@pytest.mark.parametrize("change, headline", [
    ({"total_amount": "1.50"}, "签名错误"), ({"sign": "QUJD"}, "签名错误"),
    ({"app_id": "2021000000000002"}, "app_id 错误"), ({"sign": ""}, "参数缺失"),
    ({"sign_type": "RSA"}, "签名错误")])
def test_a_tampered_or_foreign_page_pay_request_is_refused(client, key_files, merchant,
                                                           change, headline):
    params = sdk_signed(key_files, "alipay.trade.page.pay", {
        "out_trade_no": "CE2", "total_amount": "150.00", "subject": "选修课",
        "product_code": "FAST_INSTANT_TRADE_PAY"}, notify_url=merchant["url"])
    if "total_amount" in change:  # tamper with the signed content itself
        params["biz_content"] = params["biz_content"].replace("150.00", change["total_amount"])
    else:
        params.update(change)
    response = client.get("/gateway.do", query_string=params)
    assert response.status_code == 400
    assert headline in response.get_data(as_text=True)
    assert "支付宝沙箱收银台" not in response.get_data(as_text=True)


@pytest.mark.parametrize("amount", ["150.001", "abc", "-1.00", "0.00", "1e3", "", "1,50"])
def test_a_page_pay_amount_that_is_not_yuan_with_two_decimals_is_refused(
        client, key_files, merchant, amount):
    response = page_pay(client, key_files, merchant, amount=amount)
    assert response.status_code == 400
    assert "total_amount" in response.get_data(as_text=True)


# --- paying and the notification ---------------------------------------------------------

def test_paying_sends_a_notification_the_sdk_verifies_and_returns_the_buyer(
        app, client, key_files, merchant):
    trade_no = trade_no_of(page_pay(client, key_files, merchant))
    response = pay(client, trade_no)
    assert response.status_code == 303
    back = urlsplit(response.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == "https://cpe.example.cn/pay/return"
    returned = dict(parse_qsl(back.query))
    assert returned.pop("from") == "alipay"  # the merchant's own parameter is kept
    assert returned["method"] == "alipay.trade.page.pay.return"
    assert (returned["trade_no"], returned["out_trade_no"], returned["total_amount"]) == (
        trade_no, "CE20261201000123", "150.00")
    assert returned["auth_app_id"] == APP_ID and returned["seller_id"] == SELLER_ID
    assert alipay_signing.notification_is_genuine(returned, key_files["alipay_public"])
    assert sdk_genuine(key_files, returned)

    wait_for_deliveries(app)
    [post] = merchant["received"]
    assert post["content_type"] == "application/x-www-form-urlencoded; charset=utf-8"
    form = post["form"]
    assert sdk_genuine(key_files, form)
    assert alipay_signing.notification_is_genuine(form, key_files["alipay_public"])
    assert {k: form[k] for k in ("notify_type", "app_id", "charset", "version", "sign_type",
                                 "trade_no", "out_trade_no", "seller_id", "trade_status",
                                 "total_amount", "receipt_amount", "invoice_amount",
                                 "buyer_pay_amount", "point_amount", "subject")} == {
        "notify_type": "trade_status_sync", "app_id": APP_ID, "charset": "utf-8",
        "version": "1.0", "sign_type": "RSA2", "trade_no": trade_no,
        "out_trade_no": "CE20261201000123", "seller_id": SELLER_ID,
        "trade_status": "TRADE_SUCCESS", "total_amount": "150.00",
        "receipt_amount": "150.00", "invoice_amount": "150.00", "buyer_pay_amount": "150.00",
        "point_amount": "0.00", "subject": "2026年公需科目 选修课程"}
    assert form["buyer_id"].startswith("2088") and "*" in form["buyer_logon_id"]
    assert json.loads(form["fund_bill_list"]) == [{"amount": "150.00",
                                                   "fundChannel": "ALIPAYACCOUNT"}]
    assert form["notify_id"] and form["gmt_payment"] >= form["gmt_create"]
    assert "out_biz_no" not in form and "refund_fee" not in form

    # The trade is paid: the cashier shows its state, a second click sends nothing new.
    page = client.get(f"/cashier/{trade_no}").get_data(as_text=True)
    assert "支付成功" in page and "支付宝沙箱收银台" not in page
    assert pay(client, trade_no).status_code == 303
    wait_for_deliveries(app)
    assert len(merchant["received"]) == 1


def test_a_merchant_that_does_not_say_success_is_retried_until_it_does(
        app, client, key_files, merchant):
    merchant["replies"].extend(["fail", "  ", "<html>success</html>"])
    trade_no = paid_trade(client, key_files, merchant, app)
    posts = [post["form"] for post in merchant["received"]]
    assert len(posts) == 4 and all(post == posts[0] for post in posts)  # the same notice
    [note] = app.extensions["alipay_sandbox"].store.overview()[0]["notifications"]
    assert [(a["http_status"], a["excerpt"].strip(), a["acknowledged"])
            for a in note["attempts"]] == [(200, "fail", False), (200, "", False),
                                           (200, "<html>success</html>", False),
                                           (200, "success", True)]
    page = client.get("/trades").get_data(as_text=True)
    assert trade_no in page and "已确认" in page and "未确认" in page


def test_retries_stop_when_the_schedule_runs_out(app, client, key_files, merchant):
    merchant["replies"].extend(["fail"] * 10)
    paid_trade(client, key_files, merchant, app)
    assert len(merchant["received"]) == 5  # the first try and four retries


def test_an_unreachable_notify_url_is_recorded_not_fatal(app, client, key_files, merchant):
    trade_no = trade_no_of(page_pay(client, key_files, {"url": "http://127.0.0.1:9/notify"}))
    assert pay(client, trade_no).status_code == 303
    wait_for_deliveries(app)
    [note] = app.extensions["alipay_sandbox"].store.overview()[0]["notifications"]
    assert len(note["attempts"]) == 5
    assert all(a["http_status"] is None and a["excerpt"] for a in note["attempts"])


def test_duplicates_deliver_the_same_notification_concurrently(app, client, key_files,
                                                               merchant):
    trade_no = trade_no_of(page_pay(client, key_files, merchant))
    assert pay(client, trade_no, notify_copies="3").status_code == 303
    wait_for_deliveries(app)
    posts = [post["form"] for post in merchant["received"]]
    assert len(posts) == 3 and all(post == posts[0] for post in posts)
    assert sdk_genuine(key_files, posts[0])


def test_out_of_order_sends_trade_finished_before_trade_success(app, client, key_files,
                                                                merchant):
    trade_no = trade_no_of(page_pay(client, key_files, merchant))
    assert pay(client, trade_no, notify_order="finished_first").status_code == 303
    wait_for_deliveries(app)
    posts = [post["form"] for post in merchant["received"]]
    assert [post["trade_status"] for post in posts] == ["TRADE_FINISHED", "TRADE_SUCCESS"]
    assert posts[0]["notify_id"] != posts[1]["notify_id"] and "gmt_close" in posts[0]
    assert all(sdk_genuine(key_files, post) for post in posts)
    answer, _ = call(client, key_files, "alipay.trade.query", {"trade_no": trade_no})
    assert answer["trade_status"] == "TRADE_FINISHED"


@pytest.mark.parametrize("controls", [{"notify_copies": "0"}, {"notify_copies": "x"},
                                      {"notify_order": "sideways"}, {"notify_delay": "-1"},
                                      {"notify_delay": "nan"}])
def test_bad_test_controls_change_nothing(app, client, key_files, merchant, controls):
    trade_no = trade_no_of(page_pay(client, key_files, merchant))
    response = pay(client, trade_no, **controls)
    assert response.status_code == 400 and "测试选项无效" in response.get_data(as_text=True)
    answer, _ = call(client, key_files, "alipay.trade.query", {"trade_no": trade_no})
    assert answer["trade_status"] == "WAIT_BUYER_PAY"


# --- server-to-server calls ------------------------------------------------------------

def test_query_answers_a_paid_trade_signed_over_the_exact_text(app, client, key_files,
                                                               merchant):
    trade_no = paid_trade(client, key_files, merchant, app)
    answer, body = call(client, key_files, "alipay.trade.query",
                        {"out_trade_no": "CE20261201000123"})
    assert {k: answer[k] for k in ("code", "msg", "trade_no", "out_trade_no", "trade_status",
                                   "total_amount", "buyer_pay_amount")} == {
        "code": "10000", "msg": "Success", "trade_no": trade_no,
        "out_trade_no": "CE20261201000123", "trade_status": "TRADE_SUCCESS",
        "total_amount": "150.00", "buyer_pay_amount": "150.00"}
    assert answer["send_pay_date"] and "*" in answer["buyer_logon_id"]
    # The signature covers the response object's text as sent, byte for byte.
    prefix = '{"alipay_trade_query_response":'
    assert body.startswith(prefix)
    text, sign = body[len(prefix):body.rindex(',"sign":"')], json.loads(body)["sign"]
    assert alipay_signing.verify(text, sign, key_files["alipay_public"])
    assert not alipay_signing.verify(text.replace("150.00", "150.01"), sign,
                                     key_files["alipay_public"])


def test_query_for_an_unknown_trade_says_it_does_not_exist(client, key_files):
    answer, _ = call(client, key_files, "alipay.trade.query", {"out_trade_no": "NOPE"})
    assert (answer["code"], answer["msg"], answer["sub_code"], answer["sub_msg"]) == (
        "40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")


def test_refunds_are_idempotent_per_request_and_never_exceed_the_payment(
        app, client, key_files, merchant):
    trade_no = paid_trade(client, key_files, merchant, app)
    refund = {"out_trade_no": "CE20261201000123", "refund_amount": "50.00",
              "out_request_no": "R1", "refund_reason": "学员申请退款"}
    first, _ = call(client, key_files, "alipay.trade.refund", refund)
    assert {k: first[k] for k in ("code", "trade_no", "out_trade_no", "fund_change",
                                  "refund_fee")} == {
        "code": "10000", "trade_no": trade_no, "out_trade_no": "CE20261201000123",
        "fund_change": "Y", "refund_fee": "50.00"}
    again, _ = call(client, key_files, "alipay.trade.refund", refund)
    assert (again["code"], again["fund_change"], again["refund_fee"]) == ("10000", "N", "50.00")
    assert again["gmt_refund_pay"] == first["gmt_refund_pay"]

    other_amount, _ = call(client, key_files, "alipay.trade.refund",
                           {**refund, "refund_amount": "60.00"})
    assert other_amount["code"] == "40004"
    too_much, _ = call(client, key_files, "alipay.trade.refund",
                       {**refund, "out_request_no": "R2", "refund_amount": "100.01"})
    assert (too_much["code"], too_much["sub_code"]) == ("40004", "ACQ.REFUND_FEE_ERROR")
    assert re.search(r"[\u4e00-\u9fff]", too_much["sub_msg"])

    rest, _ = call(client, key_files, "alipay.trade.refund",
                   {"trade_no": trade_no, "out_request_no": "R2", "refund_amount": "100.00"})
    assert (rest["code"], rest["fund_change"], rest["refund_fee"]) == ("10000", "Y", "150.00")
    answer, _ = call(client, key_files, "alipay.trade.query", {"trade_no": trade_no})
    assert answer["trade_status"] == "TRADE_CLOSED"  # refunded in full
    after, _ = call(client, key_files, "alipay.trade.refund",
                    {**refund, "out_request_no": "R3", "refund_amount": "0.01"})
    assert after["code"] == "40004"
    repeat, _ = call(client, key_files, "alipay.trade.refund", refund)  # still the same
    assert (repeat["code"], repeat["fund_change"]) == ("10000", "N")

    # Each refund is also notified, as Alipay does: out_biz_no, refund_fee, gmt_refund.
    wait_for_deliveries(app)
    refunds = [post["form"] for post in merchant["received"] if "out_biz_no" in post["form"]]
    assert [(n["out_biz_no"], n["refund_fee"], n["trade_status"]) for n in refunds] == [
        ("R1", "50.00", "TRADE_SUCCESS"), ("R2", "150.00", "TRADE_CLOSED")]
    assert all(sdk_genuine(key_files, n) for n in refunds)


def test_refunding_an_unpaid_trade_is_refused(client, key_files, merchant):
    page_pay(client, key_files, merchant)
    answer, _ = call(client, key_files, "alipay.trade.refund", {
        "out_trade_no": "CE20261201000123", "refund_amount": "1.00", "out_request_no": "R1"})
    assert (answer["code"], answer["sub_code"]) == ("40004", "ACQ.TRADE_STATUS_ERROR")


def test_close_ends_a_waiting_trade_only(app, client, key_files, merchant):
    waiting = trade_no_of(page_pay(client, key_files, merchant, "CE-WAIT"))
    answer, body = call(client, key_files, "alipay.trade.close", {"out_trade_no": "CE-WAIT"})
    assert body.startswith('{"alipay_trade_close_response":')
    assert (answer["code"], answer["trade_no"]) == ("10000", waiting)
    assert "交易关闭" in client.get(f"/cashier/{waiting}").get_data(as_text=True)
    assert pay(client, waiting).status_code == 409
    paid = paid_trade(client, key_files, merchant, app, "CE-PAID")
    answer, _ = call(client, key_files, "alipay.trade.close", {"trade_no": paid})
    assert (answer["code"], answer["sub_code"]) == ("40004", "ACQ.TRADE_STATUS_ERROR")


def test_an_unpaid_trade_closes_when_its_time_runs_out(client, key_files, merchant):
    response = page_pay(client, key_files, merchant, time_expire="2020-01-01 00:00:00")
    assert response.status_code == 200 and "交易关闭" in response.get_data(as_text=True)
    answer, _ = call(client, key_files, "alipay.trade.query",
                     {"out_trade_no": "CE20261201000123"})
    assert answer["trade_status"] == "TRADE_CLOSED"


def test_bad_calls_get_alipays_gateway_errors(client, key_files):
    good = sdk_signed(key_files, "alipay.trade.query", {"out_trade_no": "X"})

    def answer(params):
        response = client.post("/gateway.do", data=params)
        assert response.status_code == 200
        document = json.loads(response.get_data(as_text=True))
        [key] = [k for k in document if k != "sign"]
        return key, document[key]

    key, tampered = answer({**good, "biz_content": '{"out_trade_no":"Y"}'})
    assert key == "alipay_trade_query_response"
    assert (tampered["code"], tampered["msg"], tampered["sub_code"]) == (
        "40002", "Invalid Arguments", "isv.invalid-signature")
    assert answer({**good, "app_id": "2021000000009999"})[1]["sub_code"] == "isv.invalid-app-id"
    key, unknown = answer(sdk_signed(key_files, "alipay.trade.pay.everything", {}))
    assert (key, unknown["sub_code"]) == ("error_response", "isv.invalid-method")
    unsigned = answer({k: v for k, v in good.items() if k != "sign"})[1]
    assert (unsigned["code"], unsigned["sub_code"]) == ("40001", "isv.missing-signature")


def test_a_refund_amount_with_three_decimals_is_an_invalid_parameter(
        app, client, key_files, merchant):
    paid_trade(client, key_files, merchant, app)
    for amount, code, sub_code in (("1.001", "40002", "isv.invalid-parameter"),
                                   ("one", "40002", "isv.invalid-parameter"),
                                   (1.005, "40002", "isv.invalid-parameter"),  # a JSON number
                                   ("0", "40002", "isv.invalid-parameter"),
                                   ("", "40001", "isv.missing-parameter")):
        answer, _ = call(client, key_files, "alipay.trade.refund", {
            "out_trade_no": "CE20261201000123", "refund_amount": amount})
        assert (answer["code"], answer["sub_code"]) == (code, sub_code), amount


@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/gateway.do", {}),
    ("post", "/gateway.do", {"data": b"\xff\xfe\x00garbage", "content_type":
                             "application/x-www-form-urlencoded"}),
    ("post", "/gateway.do", {"data": "a=%zz&&=&method=alipay.trade.query"}),
    ("get", "/gateway.do", {"query_string": {"method": "alipay.trade.page.pay"}}),
    ("post", "/gateway.do", {"data": {"method": "alipay.trade.query", "sign": "!!"}}),
    ("post", "/gateway.do", {"data": "x", "content_type": "multipart/form-data"}),
    ("post", "/gateway.do", {"data": "x" * (2 * 1024 * 1024)}),
    ("get", "/cashier/1", {}), ("get", "/cashier/%00%ff", {}), ("post", "/cashier/1/pay", {}),
    ("get", "/cashier/1/pay", {}), ("get", "/nowhere", {}), ("delete", "/gateway.do", {}),
])
def test_garbage_never_gets_a_500(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("biz", ["{", "[1]", "null", '"text"', "[" * 100000,
                                 '{"out_trade_no": 5, "total_amount": true}',
                                 '{"out_trade_no": {"a": 1}}', '{"trade_no": ["x"]}'])
@pytest.mark.parametrize("method", ["alipay.trade.page.pay", "alipay.trade.query",
                                    "alipay.trade.refund", "alipay.trade.close"])
def test_garbage_biz_content_is_refused_cleanly(client, key_files, method, biz):
    params = {"app_id": APP_ID, "method": method, "charset": "utf-8", "sign_type": "RSA2",
              "timestamp": "2026-12-01 14:10:00", "version": "1.0", "biz_content": biz}
    params["sign"] = sign_with_rsa2(key_files["sdk_merchant_private"],
                                    get_sign_content(params), "utf-8")
    response = client.post("/gateway.do", data=params)
    text = response.get_data(as_text=True)
    if method == "alipay.trade.page.pay":
        assert response.status_code == 400 and "参数" in text
    else:
        assert response.status_code == 200
        answer = next(iter(json.loads(text).values()))
        assert answer["code"] in ("40001", "40002", "40004") and answer["sub_msg"]


def test_health_and_the_trades_page(client, key_files, merchant):
    assert client.get("/healthz").get_data(as_text=True) == "ok"
    page_pay(client, key_files, merchant)
    page = client.get("/trades").get_data(as_text=True)
    assert "沙箱交易记录" in page and "CE20261201000123" in page and "等待付款" in page
