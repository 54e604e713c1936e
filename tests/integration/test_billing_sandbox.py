"""A whole Alipay purchase through the project's Alipay sandbox, nothing stubbed: billing
and learning run in Nameko containers on the real broker, the gateway's Flask app is
served over HTTP, and so is the sandbox (sandbox.app), with key pairs made by
`sandbox.keys`. The learner's browser is played with `requests`: the signed page-pay URL
opens the sandbox's cashier, paying there sends the browser back through the gateway's
return door while the sandbox posts its signed notifications (duplicated and out of
order on request) to the gateway's notify door. A notification that never arrives is
repaired by reconciliation (`alipay.trade.query`), and an operator's refund goes to the
sandbox through `alipay.trade.refund`."""
import re
import socket
import threading
import uuid
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import ThreadedWSGIServer

from sandbox import keys as sandbox_keys
from sandbox.app import create_app as create_sandbox
from services.billing import notices
from services.billing.models import notifications, orders, payments
from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
APP_ID, SELLER_ID = "2021000000000001", "2088000000000001"
RETURN = "/api/v1/payments/alipay/return"
NOTIFY = "/api/v1/payments/alipay/notify"
HTTP_TIMEOUT = 30


def serve(app, name, on_request_done=None):
    """`app` (a WSGI callable) served on a free port of 127.0.0.1, a thread per request (green
    threads: tests/conftest.py monkey-patches eventlet). Returns (url, stop)."""

    class Server(ThreadedWSGIServer):
        def process_request_thread(self, request, client_address):
            try:
                super().process_request_thread(request, client_address)
            finally:
                if on_request_done is not None:
                    on_request_done()

    server = Server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=name, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    return f"http://127.0.0.1:{server.server_port}", stop


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def key_files(tmp_path):
    """The sandbox's pair ("Alipay's") and the merchant's, as `python -m sandbox.keys`
    makes them under tmp_path/keys."""
    return sandbox_keys.ensure_keys(tmp_path)


@pytest.fixture
def sandbox(tmp_path, key_files):
    """The Alipay sandbox over HTTP: its own keys and database, retries after 0.2, 0.5 and
    1 s. Yields {"url", "app", "store", "notifier"}."""
    app = create_sandbox({
        "VAR_DIR": str(tmp_path), "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_APP_ID": APP_ID, "SANDBOX_SELLER_ID": SELLER_ID,
        "SANDBOX_ALIPAY_PRIVATE_KEY_FILE": str(key_files["alipay_sandbox_private"]),
        "SANDBOX_MERCHANT_PUBLIC_KEY_FILE": str(key_files["alipay_merchant_public"]),
        "SANDBOX_NOTIFY_RETRY_SECONDS": "0.2,0.5,1"})
    url, stop = serve(app, "alipay-sandbox")
    state = app.extensions["alipay_sandbox"]
    try:
        assert requests.get(f"{url}/healthz", timeout=HTTP_TIMEOUT).text == "ok"
        yield {"url": url, "app": app, "store": state.store, "notifier": state.notifier}
    finally:
        state.notifier.stop()
        state.notifier.wait(10)
        stop()
        state.store.dispose()


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, monkeypatch, key_files, sandbox):
    """The platform with billing, its gateway served over HTTP, billing configured for the
    sandbox; a plan with a required course and a 10.00 elective, a learner who activated
    it, and the operator."""
    holder = {}

    def gateway_app(environ, start_response):
        return holder["app"](environ, start_response)

    def discard_proxy():
        # The gateway keeps an RPC proxy per thread; a request's thread ends here.
        holder["app"].extensions["rpc"]._discard()

    gateway_url, stop_gateway = serve(gateway_app, "gateway", discard_proxy)
    # billing reads these when it builds a request; set before its container starts.
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY_FILE", str(key_files["alipay_merchant_private"]))
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY_FILE", str(key_files["alipay_sandbox_public"]))
    monkeypatch.setenv("ALIPAY_APP_ID", APP_ID)
    monkeypatch.setenv("ALIPAY_SELLER_ID", SELLER_ID)
    monkeypatch.setenv("ALIPAY_GATEWAY", f"{sandbox['url']}/gateway.do")
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
        ready = requests.get(f"{gateway_url}/readyz?verbose", timeout=HTTP_TIMEOUT)
        assert ready.status_code == 200, ready.text
        yield {**platform, "url": gateway_url, "sandbox": sandbox, "plan": plan,
               "elective": elective, "learner": learner, "user_id": user_id,
               "operator": operator}
    finally:
        sandbox["notifier"].stop()  # no retry may reach a gateway that is going away
        stop_gateway()


# --- the learner's browser -----------------------------------------------------------------

def api(world, method, path, headers, **kwargs):
    return requests.request(method, world["url"] + path, headers=headers,
                            timeout=HTTP_TIMEOUT, **kwargs)


def place_order(world):
    placed = api(world, "post", "/api/v1/me/orders", world["learner"], json={
        "plan_id": world["plan"]["plan_id"], "course_ids": [world["elective"]["course_id"]]})
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "unpaid" and placed.json()["total_fen"] == 1000
    return placed.json()["order_no"]


def open_cashier(world, order_no):
    """去支付 with Alipay, then the browser at the sandbox's cashier: (page, pay URL)."""
    started = api(world, "post", f"/api/v1/me/orders/{order_no}/payment", world["learner"],
                  json={"method": "alipay"})
    assert started.status_code == 200, started.text
    redirect_url = started.json()["redirect_url"]
    assert redirect_url.startswith(f"{world['sandbox']['url']}/gateway.do?")
    cashier = requests.get(redirect_url, timeout=HTTP_TIMEOUT)
    assert cashier.status_code == 200, cashier.text
    page = cashier.text
    assert "支付宝沙箱收银台" in page and "￥10.00" in page and order_no in page
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action, page
    return page, urljoin(cashier.url, action[1])


def pay_at_cashier(pay_url, **controls):
    """支付 at the cashier (its test controls as given): the sandbox's 303 to return_url."""
    form = {"notify_copies": "1", "notify_order": "normal", "notify_delay": "0", **controls}
    paid = requests.post(pay_url, data=form, allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert paid.status_code == 303, paid.text
    return paid.headers["Location"]


def order_of(world, order_no):
    answer = api(world, "get", f"/api/v1/me/orders/{order_no}", world["learner"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def eventually_paid(world, order_no, timeout=20):
    return eventually(lambda: (lambda o: o if o["status"] == "paid" else None)(
        order_of(world, order_no)), timeout=timeout)


def start_playback(world):
    chapter = world["elective"]["chapters"][0]["chapter_id"]
    return api(world, "post", "/api/v1/me/playbacks", world["learner"],
               json={"chapter_id": chapter, "mode": "restart"})


def wait_for_deliveries(world):
    assert world["sandbox"]["notifier"].wait(30), "the sandbox's deliveries did not finish"


def sandbox_trade(world, order_no):
    [trade] = [t for t in world["sandbox"]["store"].overview() if t["out_trade_no"] == order_no]
    return trade


def billing_rows(world, order_no):
    """(payments of the order, outcomes of the notifications kept for it) in billing."""
    with world["uow"]("billing")() as uow:
        s = uow.session
        order_id = s.execute(sa.select(orders.c.id).where(orders.c.order_no == order_no)
                             ).scalar_one()
        paid = s.execute(sa.select(payments).where(payments.c.order_id == order_id)
                         ).mappings().all()
        kept = [row.outcome for row in s.execute(
            sa.select(notifications.c.outcome).where(notifications.c.order_no == order_no)
            .order_by(notifications.c.id))]
    return [dict(row) for row in paid], kept


def buy(world, **controls):
    """A whole purchase of the elective, paid at the cashier and settled by the sandbox's
    notification: the order number."""
    order_no = place_order(world)
    _, pay_url = open_cashier(world, order_no)
    pay_at_cashier(pay_url, **controls)
    eventually_paid(world, order_no)
    wait_for_deliveries(world)
    return order_no


# --- A: the learner's purchase ---------------------------------------------------------------

def test_a_purchase_at_the_sandbox_cashier_is_paid_once_and_the_elective_becomes_watchable(
        world):
    order_no = place_order(world)
    page, pay_url = open_cashier(world, order_no)
    # Alipay's worst: each notification three times at once, TRADE_FINISHED first.
    location = pay_at_cashier(pay_url, notify_copies="3", notify_order="finished_first")
    back = urlsplit(location)
    assert f"{back.scheme}://{back.netloc}{back.path}" == world["url"] + RETURN
    returned = dict(parse_qsl(back.query))
    assert returned["out_trade_no"] == order_no and returned["total_amount"] == "10.00"
    assert returned["method"] == "alipay.trade.page.pay.return"

    # The browser back at the gateway: only sent on to the result page.
    result = requests.get(location, allow_redirects=False, timeout=HTTP_TIMEOUT)
    assert result.status_code == 303, result.text
    assert urlsplit(result.headers["Location"]).path == f"/orders/{order_no}/result"

    paid = eventually_paid(world, order_no)
    assert paid["channel"] == "alipay"
    wait_for_deliveries(world)
    trade = sandbox_trade(world, order_no)
    assert trade["status"] == "TRADE_FINISHED" and trade["total_fen"] == 1000
    sent = trade["notifications"]
    assert [n["trade_status"] for n in sent] == ["TRADE_FINISHED", "TRADE_SUCCESS"]
    assert all(n["acknowledged_at"] for n in sent), sent  # billing said `success` to each

    rows, kept = billing_rows(world, order_no)
    assert len(rows) == 1, rows
    assert (rows[0]["status"], rows[0]["channel"], rows[0]["trade_no"], rows[0]["amount_fen"]) \
        == ("applied", "alipay", trade["trade_no"], 1000)
    assert Counter(kept) == {"apply": 1, "already_applied": 5}, kept  # 2 notices x 3 copies
    assert order_of(world, order_no)["status"] == "paid"

    # Paid in billing: learning makes the elective the learner's.
    assert eventually(lambda: start_playback(world).status_code == 201, timeout=20)

    # A second click at the cashier pays nothing more and sends nothing new.
    assert pay_at_cashier(pay_url).startswith(world["url"] + RETURN)
    wait_for_deliveries(world)
    assert len(sandbox_trade(world, order_no)["notifications"]) == 2
    assert len(billing_rows(world, order_no)[0]) == 1


# --- B: reconciliation repairs a lost notification ----------------------------------------

def test_reconciliation_settles_a_payment_whose_notification_was_lost(world, monkeypatch):
    order_no = place_order(world)
    # This order's notify_url (and return_url) points where nothing listens.
    monkeypatch.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    _, pay_url = open_cashier(world, order_no)
    pay_at_cashier(pay_url)
    wait_for_deliveries(world)  # the first try and three retries, all refused
    [note] = sandbox_trade(world, order_no)["notifications"]
    assert note["acknowledged_at"] is None and len(note["attempts"]) == 4
    assert all(a["http_status"] is None for a in note["attempts"])
    assert sandbox_trade(world, order_no)["status"] == "TRADE_SUCCESS"

    # Paid at Alipay, unknown to billing.
    assert order_of(world, order_no)["status"] == "unpaid"
    assert billing_rows(world, order_no) == ([], [])

    db = world["uow"]("billing")
    assert notices.reconcile(db, datetime.now(timezone.utc)) == 1
    paid = order_of(world, order_no)
    assert (paid["status"], paid["channel"]) == ("paid", "alipay")
    rows, _ = billing_rows(world, order_no)
    assert [(r["status"], r["trade_no"], r["amount_fen"]) for r in rows] == [
        ("applied", sandbox_trade(world, order_no)["trade_no"], 1000)]

    # Again: nothing left to settle, nothing changes.
    assert notices.reconcile(db, datetime.now(timezone.utc)) == 0
    assert billing_rows(world, order_no)[0] == rows
    assert order_of(world, order_no)["status"] == "paid"
    # The payment reconciliation applied reaches learning as any other.
    assert eventually(lambda: start_playback(world).status_code == 201, timeout=20)


# --- C: an Alipay refund ---------------------------------------------------------------------

def test_an_operator_refunds_an_alipay_order_through_the_sandbox(world):
    order_no = buy(world)
    assert eventually(lambda: start_playback(world).status_code == 201, timeout=20)

    request_id = str(uuid.uuid4())
    path = f"/api/v1/admin/orders/{order_no}/refunds"
    refunded = api(world, "post", path, world["operator"],
                   json={"request_id": request_id, "whole": True, "reason": "学员申请退款"})
    assert refunded.status_code == 200, refunded.text
    refund = refunded.json()
    assert (refund["status"], refund["amount_fen"], refund["order_no"]) == ("done", 1000,
                                                                             order_no)

    # At Alipay: refunded in full under billing's refund number, the trade closed.
    trade = sandbox_trade(world, order_no)
    assert (trade["status"], trade["refunded_fen"]) == ("TRADE_CLOSED", 1000)
    assert [(r["out_request_no"], r["refund_fen"]) for r in trade["refunds"]] == [
        (refund["refund_no"], 1000)]
    assert order_of(world, order_no)["status"] == "refunded"

    # The same request again: the same refund, nothing more at Alipay.
    again = api(world, "post", path, world["operator"],
                json={"request_id": request_id, "whole": True, "reason": "学员申请退款"})
    assert again.status_code == 200, again.text
    assert (again.json()["refund_no"], again.json()["status"]) == (refund["refund_no"], "done")
    assert len(sandbox_trade(world, order_no)["refunds"]) == 1

    # Alipay's refund notification is acknowledged and is not a payment.
    wait_for_deliveries(world)
    sent = sandbox_trade(world, order_no)["notifications"]
    assert [n["trade_status"] for n in sent] == ["TRADE_SUCCESS", "TRADE_CLOSED"]
    assert all(n["acknowledged_at"] for n in sent), sent
    rows, kept = billing_rows(world, order_no)
    assert [r["status"] for r in rows] == ["applied"]
    assert kept == ["apply", "not_a_payment"]
    assert order_of(world, order_no)["status"] == "refunded"

    # learning takes the course back.
    def withdrawn():
        answer = start_playback(world)
        return answer.status_code == 403 and answer.json().get("code") == "course_not_selected"
    assert eventually(withdrawn, timeout=20)
