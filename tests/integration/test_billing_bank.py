"""银行卡支付 through the gateway with billing and learning on the real broker: the learner
pays by bank card at 中国工商银行, billing answers with the ACP 5.1.0 front form signed by
the merchant's key (which the sandbox's UnionPay gateway accepts, opening the ICBC page);
the back notification the sandbox signs — its certificate issued from the sandbox's root
— reaches /api/v1/payments/bank/notify ten times at once and pays the order once, and the
elective becomes watchable in learning. A forged signature, a certificate from another
root, another merchant, another amount and an unknown order are not applied (and not
acknowledged: HTTP 400, so UnionPay sends them again). A payment whose notification was
lost is repaired by reconciliation (queryTrans.do at the sandbox, over HTTP)."""
import json
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from sandbox import keys as sandbox_keys
from sandbox.app import create_app as create_sandbox
from services.billing import notices, unionpay_signing
from services.billing.models import notifications, orders, payments
from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
MER_ID = "777290058110048"
NOTIFY = "/api/v1/payments/bank/notify"
GATEWAY = "https://gateway.test.95516.com/gateway/api/frontTransReq.do"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def key_files(tmp_path, monkeypatch):
    """The sandbox's UnionPay chain and the merchant's key and certificate, as
    `python -m sandbox.keys` makes them; billing configured with them."""
    paths = {**sandbox_keys.ensure_keys(tmp_path), **sandbox_keys.ensure_unionpay_keys(tmp_path)}
    cert_id = unionpay_signing.cert_id(unionpay_signing.load_certificate(
        paths["unionpay_merchant_cert"].read_bytes()))
    monkeypatch.setenv("UNIONPAY_GATEWAY", GATEWAY)
    monkeypatch.setenv("UNIONPAY_MER_ID", MER_ID)
    monkeypatch.setenv("UNIONPAY_PRIVATE_KEY_FILE", str(paths["unionpay_merchant_private"]))
    monkeypatch.setenv("UNIONPAY_CERT_ID", cert_id)
    monkeypatch.setenv("UNIONPAY_ROOT_CERT_FILE", str(paths["unionpay_root"]))
    monkeypatch.setenv("UNIONPAY_MIDDLE_CERT_FILE", str(paths["unionpay_middle"]))
    # Where the back notification would go: nothing listens, the test posts it itself.
    monkeypatch.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    return {**paths, "cert_id": cert_id}


@pytest.fixture
def sandbox(tmp_path, key_files):
    """The sandbox's app (UnionPay half), no retries: what it sends is read from its store."""
    app = create_sandbox({
        "VAR_DIR": str(tmp_path), "SANDBOX_DB": str(tmp_path / "sandbox.db"),
        "SANDBOX_ALIPAY_PRIVATE_KEY_FILE": str(key_files["alipay_sandbox_private"]),
        "SANDBOX_MERCHANT_PUBLIC_KEY_FILE": str(key_files["alipay_merchant_public"]),
        "SANDBOX_UNIONPAY_MER_ID": MER_ID,
        "SANDBOX_UNIONPAY_SIGN_KEY_FILE": str(key_files["unionpay_sign_key"]),
        "SANDBOX_UNIONPAY_SIGN_CERT_FILE": str(key_files["unionpay_sign_cert"]),
        "SANDBOX_UNIONPAY_MERCHANT_CERT_FILE": str(key_files["unionpay_merchant_cert"]),
        "SANDBOX_NOTIFY_RETRY_SECONDS": ""})
    state = app.extensions["unionpay_sandbox"]
    yield {"app": app, "client": app.test_client(), "state": state}
    state.notifier.stop()
    state.notifier.wait(10)
    app.extensions["alipay_sandbox"].store.dispose()


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, key_files, sandbox):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                             billing=True)
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
    return {**platform, "plan": plan, "elective": elective, "learner": learner,
            "user_id": user_id, "keys": key_files, "sandbox": sandbox}


def place_order(world):
    order = world["client"].post("/api/v1/me/orders", headers=world["learner"], json={
        "plan_id": world["plan"]["plan_id"], "course_ids": [world["elective"]["course_id"]]})
    assert order.status_code == 201, order.json
    assert order.json["total_fen"] == 1000
    return order.json["order_no"]


def pay_by_bank(world, order_no, bank="中国工商银行"):
    started = world["client"].post(f"/api/v1/me/orders/{order_no}/payment",
                                   headers=world["learner"], json={"method": "bank", "bank": bank})
    assert started.status_code == 200, started.json
    return started.json


def pay_at_the_bank(world, fields):
    """The browser posts the form to the sandbox's gateway and pays at the bank's page.
    Returns (the back notification the sandbox sent, the front notification fields)."""
    sandbox = world["sandbox"]
    page = sandbox["client"].post("/unionpay/gateway/api/frontTransReq.do", data=fields)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    assert "中国工商银行" in text and "￥10.00" in text and fields["orderId"] in text
    query_id = re.search(r"/unionpay/cashier/(\d{21})/pay", text)[1]
    paid = sandbox["client"].post(f"/unionpay/cashier/{query_id}/pay",
                                  data={"card_no": "6212143700000000011"})
    assert paid.status_code == 200
    assert sandbox["state"].notifier.wait(10)  # its one try went nowhere (a closed port)
    with sandbox["state"].store.engine.begin() as db:
        sent = db.execute(sa.text("SELECT params FROM unionpay_notifications "
                                  "WHERE query_id = :q"), {"q": query_id}).scalar_one()
    front = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                            paid.get_data(as_text=True)))
    return json.loads(sent), front


def notify(client, form):
    answer = client.post(NOTIFY, data=urlencode(form),
                         content_type="application/x-www-form-urlencoded")
    assert answer.mimetype == "text/plain"
    return answer.status_code, answer.get_data(as_text=True)


def signed_by(chain_key, chain_cert_pem, form, **changes):
    fields = {k: v for k, v in {**form, **changes}.items()
              if k not in ("signature", "signPubKeyCert")}
    return unionpay_signing.sign_as_unionpay(fields, chain_key, chain_cert_pem)


def test_a_bank_card_purchase_is_applied_once_and_the_elective_becomes_watchable(world):
    client, learner, keys = world["client"], world["learner"], world["keys"]
    order_no = place_order(world)

    unknown = client.post(f"/api/v1/me/orders/{order_no}/payment", headers=learner,
                          json={"method": "bank", "bank": "某某银行"})
    assert (unknown.status_code, unknown.json["code"]) == (422, "bank_unknown")

    started = pay_by_bank(world, order_no)
    assert started["status"] == "unpaid" and started["redirect_url"] is None
    form = started["form"]
    assert form["action"] == GATEWAY
    fields = form["fields"]
    assert {k: fields[k] for k in ("version", "encoding", "signMethod", "txnType",
                                   "txnSubType", "bizType", "channelType", "accessType",
                                   "merId", "orderId", "txnAmt", "currencyCode",
                                   "issInsCode", "certId")} == {
        "version": "5.1.0", "encoding": "UTF-8", "signMethod": "01", "txnType": "01",
        "txnSubType": "01", "bizType": "000201", "channelType": "07", "accessType": "0",
        "merId": MER_ID, "orderId": order_no, "txnAmt": "1000", "currencyCode": "156",
        "issInsCode": "ICBC", "certId": keys["cert_id"]}
    assert fields["backUrl"].endswith(NOTIFY)
    assert fields["frontUrl"].endswith("/api/v1/payments/bank/return")
    assert re.fullmatch(r"\d{14}", fields["txnTime"]) and fields["payTimeout"] > fields["txnTime"]
    merchant_cert = unionpay_signing.load_certificate(
        keys["unionpay_merchant_cert"].read_bytes())
    assert unionpay_signing.signature_matches(fields, merchant_cert.public_key())
    # Asked again (a double click, another tab): the same transaction, orderId + txnTime.
    assert pay_by_bank(world, order_no)["form"]["fields"]["txnTime"] == fields["txnTime"]

    back, front = pay_at_the_bank(world, fields)
    assert back["orderId"] == order_no and back["issInsCode"] == "ICBC"

    # The browser's return only shows the result page; it never pays.
    returned = client.post("/api/v1/payments/bank/return", data=urlencode(front),
                           content_type="application/x-www-form-urlencoded")
    assert returned.status_code == 303
    assert returned.headers["Location"].endswith(f"/orders/{order_no}/result")

    sign_key = unionpay_signing.load_private_key(keys["unionpay_sign_key"].read_bytes())
    sign_cert = keys["unionpay_sign_cert"].read_text()
    other = sandbox_keys.make_unionpay_chain()  # a look-alike UnionPay from another root
    refused = [
        {**back, "signature": back["signature"][::-1]},                      # forged
        {**back, "txnAmt": "1"},                                             # tampered
        signed_by(other["sign_key"], sandbox_keys.pem_of(other["sign_cert"]).decode(),
                  back),                                                     # not our root
        signed_by(sign_key, sign_cert, back, merId="777290058110049"),       # another merchant
        signed_by(sign_key, sign_cert, back, txnAmt="999"),                  # another amount
        signed_by(sign_key, sign_cert, back, txnAmt="10.00"),                # not fen
        signed_by(sign_key, sign_cert, back, orderId="CE20991231000000000000"),  # no such order
    ]
    for form_fields in refused:
        assert notify(client, form_fields) == (400, "fail")
    assert client.get(f"/api/v1/me/orders/{order_no}", headers=learner).json["status"] == \
        "unpaid"

    # UnionPay's retries and duplicates, ten at once: one effect, every reply 200 ok.
    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda _: notify(client, back), range(10)))
    assert replies == [(200, "ok")] * 10
    paid = client.get(f"/api/v1/me/orders/{order_no}", headers=learner).json
    assert (paid["status"], paid["channel"], paid["channel_label"]) == ("paid", "bank", "银行卡")
    with world["uow"]("billing")() as uow:
        s = uow.session
        assert s.execute(sa.select(payments.c.channel, payments.c.trade_no,
                                   payments.c.amount_fen, payments.c.status)).all() == [
            ("bank", back["queryId"], 1000, "applied")]
        kept = dict(s.execute(sa.select(notifications.c.outcome, sa.func.count())
                              .where(notifications.c.channel == "bank")
                              .group_by(notifications.c.outcome)).all())
        assert sum(kept.values()) == len(refused) + 10  # every one kept, raw
        assert kept["apply"] == 1 and kept["forged"] == 3 and kept["reject"] == 3
        assert kept["unknown_order"] == 1
        assert s.execute(sa.select(orders.c.trade_no)).scalar() == back["queryId"]

    # Paid in billing: learning makes the elective the learner's.
    chapter = world["elective"]["chapters"][0]["chapter_id"]

    def watchable():
        started = client.post("/api/v1/me/playbacks", headers=learner,
                              json={"chapter_id": chapter, "mode": "restart"})
        return started.status_code == 201
    assert eventually(watchable, timeout=15)


def test_reconciliation_settles_a_bank_payment_whose_notification_was_lost(world, monkeypatch):
    order_no = place_order(world)
    fields = pay_by_bank(world, order_no)["form"]["fields"]
    back, _ = pay_at_the_bank(world, fields)  # sent to a closed port: lost
    assert world["client"].get(f"/api/v1/me/orders/{order_no}",
                                headers=world["learner"]).json["status"] == "unpaid"

    server = make_server("127.0.0.1", 0, world["sandbox"]["app"], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("UNIONPAY_BACK_GATEWAY", f"http://127.0.0.1:{server.server_port}"
                                                    "/unionpay/gateway/api/queryTrans.do")
        db = world["uow"]("billing")
        assert notices.reconcile_bank(db, datetime.now(timezone.utc)) == 1
        assert notices.reconcile_bank(db, datetime.now(timezone.utc)) == 0  # nothing left
    finally:
        server.shutdown()
        server.server_close()
    paid = world["client"].get(f"/api/v1/me/orders/{order_no}", headers=world["learner"]).json
    assert (paid["status"], paid["channel"]) == ("paid", "bank")
    with world["uow"]("billing")() as uow:
        assert uow.session.execute(sa.select(payments.c.trade_no, payments.c.status)).all() == [
            (back["queryId"], "applied")]
