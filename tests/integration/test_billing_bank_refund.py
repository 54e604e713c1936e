"""Refunds of bank-card (UnionPay) payments, nothing stubbed: billing and learning on the
real broker, the gateway's Flask app served over HTTP, and so is the sandbox's UnionPay
side (sandbox.app, with a certificate chain of its own from `sandbox.keys`); billing's
UNIONPAY_* settings point at it. The learner pays at the bank's page and the sandbox's
back notification reaches the gateway's notify door; the operator's refund goes to the
sandbox as ACP's 退货 (backTransReq.do, txnType 04, origQryId the payment's queryId) under
billing's refund number, once; the refund's own back notification is acknowledged and
is not a payment; learning withdraws the course. A refund UnionPay could not be asked
about stays pending and `retry_pending` asks again under the same number. A second payment
by bank card (the order already paid from the balance) is returned the same way by
`return_surplus_payments`."""
import re
import uuid

import pytest
import requests
import sqlalchemy as sa

from sandbox import keys as sandbox_keys
from sandbox.app import create_app as create_sandbox
from services.billing import balance, refunds, unionpay_signing
from services.billing.models import notifications, payments
from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.integration.test_billing_sandbox import (HTTP_TIMEOUT, api, billing_rows,
                                                    closed_port, eventually_paid, order_of,
                                                    place_order, serve, start_playback)
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
MER_ID = "777290058110048"
NOTIFY = "/api/v1/payments/bank/notify"


@pytest.fixture
def key_files(tmp_path):
    """The sandbox's UnionPay chain and the merchant's key and certificate, as
    `python -m sandbox.keys` makes them (the Alipay pair too: the sandbox wants both)."""
    return {**sandbox_keys.ensure_keys(tmp_path), **sandbox_keys.ensure_unionpay_keys(tmp_path)}


@pytest.fixture
def sandbox(tmp_path, key_files):
    """The sandbox over HTTP, its UnionPay side configured with its own chain; retries
    after 0.2, 0.5 and 1 s. Yields {"url", "app", "store", "notifier"} (UnionPay's)."""
    app = create_sandbox({
        "VAR_DIR": str(tmp_path), "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_ALIPAY_PRIVATE_KEY_FILE": str(key_files["alipay_sandbox_private"]),
        "SANDBOX_MERCHANT_PUBLIC_KEY_FILE": str(key_files["alipay_merchant_public"]),
        "SANDBOX_UNIONPAY_MER_ID": MER_ID,
        "SANDBOX_UNIONPAY_SIGN_KEY_FILE": str(key_files["unionpay_sign_key"]),
        "SANDBOX_UNIONPAY_SIGN_CERT_FILE": str(key_files["unionpay_sign_cert"]),
        "SANDBOX_UNIONPAY_MERCHANT_CERT_FILE": str(key_files["unionpay_merchant_cert"]),
        "SANDBOX_NOTIFY_RETRY_SECONDS": "0.2,0.5,1"})
    url, stop = serve(app, "unionpay-sandbox")
    state = app.extensions["unionpay_sandbox"]
    try:
        assert requests.get(f"{url}/healthz", timeout=HTTP_TIMEOUT).text == "ok"
        yield {"url": url, "app": app, "store": state.store, "notifier": state.notifier}
    finally:
        state.notifier.stop()
        state.notifier.wait(10)
        stop()
        app.extensions["alipay_sandbox"].store.dispose()


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, monkeypatch, key_files, sandbox):
    """The platform with billing, its gateway served over HTTP, billing's UnionPay adapter
    configured for the sandbox; a plan with a required course and a 10.00 elective, a
    learner who activated it, and the operator."""
    holder = {}

    def gateway_app(environ, start_response):
        return holder["app"](environ, start_response)

    def discard_proxy():
        holder["app"].extensions["rpc"]._discard()

    gateway_url, stop_gateway = serve(gateway_app, "gateway", discard_proxy)
    api_url = f"{sandbox['url']}/unionpay/gateway/api"
    cert_id = unionpay_signing.cert_id(unionpay_signing.load_certificate(
        key_files["unionpay_merchant_cert"].read_bytes()))
    # billing reads these when it builds a request; set before its container starts.
    monkeypatch.setenv("UNIONPAY_GATEWAY", f"{api_url}/frontTransReq.do")
    monkeypatch.setenv("UNIONPAY_BACK_GATEWAY", f"{api_url}/queryTrans.do")
    monkeypatch.setenv("UNIONPAY_BACK_TRANS_URL", f"{api_url}/backTransReq.do")
    monkeypatch.setenv("UNIONPAY_MER_ID", MER_ID)
    monkeypatch.setenv("UNIONPAY_PRIVATE_KEY_FILE", str(key_files["unionpay_merchant_private"]))
    monkeypatch.setenv("UNIONPAY_CERT_ID", cert_id)
    monkeypatch.setenv("UNIONPAY_ROOT_CERT_FILE", str(key_files["unionpay_root"]))
    monkeypatch.setenv("UNIONPAY_MIDDLE_CERT_FILE", str(key_files["unionpay_middle"]))
    monkeypatch.setenv("PUBLIC_BASE_URL", gateway_url)
    try:
        platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                                 billing=True)
        holder["app"] = platform["app"]
        platform["app"].testing = False  # a real server: errors are answered, not raised
        client = platform["client"]
        operator = operator_headers(client, uow_factory)
        required = make_course(client, operator, tmp_path, "必修课", "6.0")
        elective = make_course(client, operator, tmp_path, "选修课甲", "2.0")
        plan = published_plan(client, operator, [
            {"course_id": required["course_id"], "kind": "required"},
            {"course_id": elective["course_id"], "kind": "elective"}])
        learner, user_id = new_learner(client, platform["orgs"]["open"])
        assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                           headers=learner).status_code == 200
        yield {**platform, "url": gateway_url, "sandbox": sandbox, "plan": plan,
               "elective": elective, "learner": learner, "user_id": user_id,
               "operator": operator}
    finally:
        sandbox["notifier"].stop()  # no retry may reach a gateway that is going away
        stop_gateway()


# --- the learner's browser at the bank --------------------------------------------------

def open_bank_page(world, order_no, bank="中国工商银行"):
    """去支付 by bank card, then the browser posts the signed form to the sandbox's
    gateway: the bank page's queryId."""
    started = api(world, "post", f"/api/v1/me/orders/{order_no}/payment", world["learner"],
                  json={"method": "bank", "bank": bank})
    assert started.status_code == 200, started.text
    form = started.json()["form"]
    assert form["action"] == f"{world['sandbox']['url']}/unionpay/gateway/api/frontTransReq.do"
    page = requests.post(form["action"], data=form["fields"], timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, page.text
    assert bank in page.text and "￥10.00" in page.text and order_no in page.text
    return re.search(r"/unionpay/cashier/(\d{21})/pay", page.text)[1]


def pay_at_the_bank(world, query_id):
    paid = requests.post(f"{world['sandbox']['url']}/unionpay/cashier/{query_id}/pay",
                         data={"card_no": "6212143700000000011"}, timeout=HTTP_TIMEOUT)
    assert paid.status_code == 200, paid.text


def wait_for_deliveries(world):
    assert world["sandbox"]["notifier"].wait(30), "the sandbox's deliveries did not finish"


def bank_trade(world, query_id):
    [trade] = [t for t in world["sandbox"]["store"].overview() if t["query_id"] == query_id]
    return trade


def kept_bank_notifications(world, order_no):
    with world["uow"]("billing")() as uow:
        return [tuple(row) for row in uow.session.execute(
            sa.select(notifications.c.outcome, notifications.c.trade_no).where(
                notifications.c.order_no == order_no, notifications.c.channel == "bank")
            .order_by(notifications.c.id))]


# --- the operator's refund of a bank-paid order ------------------------------------------

def test_an_operator_refunds_a_bank_paid_order_through_unionpay(world):
    order_no = place_order(world)
    query_id = open_bank_page(world, order_no)
    pay_at_the_bank(world, query_id)
    paid = eventually_paid(world, order_no)
    assert (paid["channel"], paid["channel_label"]) == ("bank", "银行卡")
    wait_for_deliveries(world)
    assert bank_trade(world, query_id)["notification"]["acknowledged_at"]  # billing's 200
    assert eventually(lambda: start_playback(world).status_code == 201, timeout=20)

    request_id = str(uuid.uuid4())
    path = f"/api/v1/admin/orders/{order_no}/refunds"
    body = {"request_id": request_id, "whole": True, "reason": "学员申请退款"}
    refunded = api(world, "post", path, world["operator"], json=body)
    assert refunded.status_code == 200, refunded.text
    refund = refunded.json()
    assert (refund["status"], refund["amount_fen"], refund["order_no"]) == ("done", 1000,
                                                                             order_no)

    # At UnionPay: 退货 of the payment (origQryId) in full, under billing's refund number.
    trade = bank_trade(world, query_id)
    assert trade["refunded_fen"] == 1000
    [made] = trade["refunds"]
    assert (made["order_id"], made["orig_query_id"], made["txn_amt"]) == (
        refund["refund_no"], query_id, 1000)
    assert order_of(world, order_no)["status"] == "refunded"

    # The same request again: the same refund, nothing more at UnionPay.
    again = api(world, "post", path, world["operator"], json=body)
    assert again.status_code == 200, again.text
    assert (again.json()["refund_no"], again.json()["status"]) == (refund["refund_no"], "done")
    assert len(bank_trade(world, query_id)["refunds"]) == 1
    more = api(world, "post", path, world["operator"],
               json={"request_id": str(uuid.uuid4()), "whole": True})
    assert (more.status_code, more.json()["code"]) == (409, "order_not_refundable")

    # The refund's back notification (txnType 04) is acknowledged and is not a payment:
    # kept under the order it refunds.
    wait_for_deliveries(world)
    [made] = bank_trade(world, query_id)["refunds"]
    assert made["notification"]["acknowledged_at"], made["attempts"]
    assert kept_bank_notifications(world, order_no) == [
        ("apply", query_id), ("not_a_payment", made["query_id"])]
    rows, _ = billing_rows(world, order_no)
    assert [(r["status"], r["trade_no"]) for r in rows] == [("applied", query_id)]
    assert order_of(world, order_no)["status"] == "refunded"

    # learning takes the course back.
    def withdrawn():
        answer = start_playback(world)
        return answer.status_code == 403 and answer.json().get("code") == "course_not_selected"
    assert eventually(withdrawn, timeout=20)


def test_a_refund_unionpay_could_not_be_asked_about_is_asked_again(world, monkeypatch):
    order_no = place_order(world)
    query_id = open_bank_page(world, order_no)
    pay_at_the_bank(world, query_id)
    eventually_paid(world, order_no)
    wait_for_deliveries(world)

    # UnionPay's backTransReq.do out of reach: the refund stays pending.
    sandbox_refunds = f"{world['sandbox']['url']}/unionpay/gateway/api/backTransReq.do"
    monkeypatch.setenv("UNIONPAY_BACK_TRANS_URL",
                       f"http://127.0.0.1:{closed_port()}/gateway/api/backTransReq.do")
    path = f"/api/v1/admin/orders/{order_no}/refunds"
    body = {"request_id": str(uuid.uuid4()), "whole": True}
    pending = api(world, "post", path, world["operator"], json=body)
    assert pending.status_code == 200, pending.text
    assert (pending.json()["status"], pending.json()["amount_fen"]) == ("pending", 1000)
    assert order_of(world, order_no)["status"] == "paid"
    assert bank_trade(world, query_id)["refunds"] == []

    db = world["uow"]("billing")
    refunds.retry_pending(db)  # still away: still pending
    assert api(world, "post", path, world["operator"], json=body).json()["status"] == "pending"

    monkeypatch.setenv("UNIONPAY_BACK_TRANS_URL", sandbox_refunds)
    refunds.retry_pending(db)
    assert order_of(world, order_no)["status"] == "refunded"
    again = api(world, "post", path, world["operator"], json=body).json()
    assert (again["refund_no"], again["status"]) == (pending.json()["refund_no"], "done")
    [made] = bank_trade(world, query_id)["refunds"]
    assert (made["order_id"], made["txn_amt"]) == (pending.json()["refund_no"], 1000)
    refunds.retry_pending(db)  # nothing pending: nothing more asked
    assert len(bank_trade(world, query_id)["refunds"]) == 1


# --- a second payment by bank card goes back ---------------------------------------------

def test_a_second_bank_payment_is_returned_through_unionpay(world):
    order_no = place_order(world)
    query_id = open_bank_page(world, order_no)  # the bank's page open in one tab …
    with world["uow"]("billing")() as uow:      # … paid from the balance in another
        balance.credit(uow, world["user_id"], balance.GENERAL, 1000, "recharge", "RC-bank-1")
        uow.commit()
    by_balance = api(world, "post", f"/api/v1/me/orders/{order_no}/payment", world["learner"],
                     json={"method": "balance"})
    assert by_balance.status_code == 200, by_balance.text
    pay_at_the_bank(world, query_id)  # … and then at the bank as well
    wait_for_deliveries(world)
    assert bank_trade(world, query_id)["notification"]["acknowledged_at"]

    rows, _ = billing_rows(world, order_no)
    [surplus] = [r for r in rows if r["channel"] == "bank"]
    assert (surplus["status"], surplus["trade_no"], surplus["amount_fen"]) == (
        "refund_due", query_id, 1000)

    db = world["uow"]("billing")
    refunds.return_surplus_payments(db)
    trade = bank_trade(world, query_id)
    assert trade["refunded_fen"] == 1000
    assert [(r["order_id"], r["txn_amt"]) for r in trade["refunds"]] == [
        (f"RP{surplus['id']:010d}", 1000)]
    with db() as uow:
        assert uow.session.execute(sa.select(payments.c.status).where(
            payments.c.id == surplus["id"])).scalar_one() == "returned"
    refunds.return_surplus_payments(db)  # nothing left to return: nothing more asked
    assert len(bank_trade(world, query_id)["refunds"]) == 1

    wait_for_deliveries(world)
    [made] = bank_trade(world, query_id)["refunds"]
    assert made["notification"]["acknowledged_at"], made["attempts"]
    assert kept_bank_notifications(world, order_no) == [
        ("second_payment", query_id), ("not_a_payment", made["query_id"])]
    # The order stays paid by the balance.
    assert (order_of(world, order_no)["status"], order_of(world, order_no)["channel"]) == (
        "paid", "balance")
