"""A purchase through the gateway with billing and learning running on the real broker:
the cart, checkout at the quoted price, the signed Alipay page-pay request, and Alipay's
asynchronous notification — signed with Alipay's official Python SDK, as Alipay signs
it — applied exactly once however often and however concurrently it arrives; forged,
tampered and foreign notifications and ones for unknown orders are not acknowledged.
The elective becomes watchable in learning through `order_paid` on the bus."""
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode, urlparse

import pytest
import sqlalchemy as sa
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2, verify_with_rsa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.billing.models import notifications, orders, payments
from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration
APP_ID, SELLER_ID = "2021000000000001", "2088000000000001"
NOTIFY = "/api/v1/payments/alipay/notify"


def pem_body(pem):
    return "\n".join(line for line in pem.decode().splitlines() if not line.startswith("-----"))


@pytest.fixture
def keys(tmp_path, monkeypatch):
    """The merchant's key pair and a stand-in for Alipay's, as files billing reads."""
    made = {}
    for who in ("merchant", "alipay"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.TraditionalOpenSSL,
                                            serialization.NoEncryption())
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        (tmp_path / f"{who}_private.pem").write_bytes(private_pem)
        (tmp_path / f"{who}_public.pem").write_bytes(public_pem)
        made[who] = {"sdk_private": pem_body(private_pem), "sdk_public": pem_body(public_pem)}
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY_FILE", str(tmp_path / "merchant_private.pem"))
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY_FILE", str(tmp_path / "alipay_public.pem"))
    monkeypatch.setenv("ALIPAY_APP_ID", APP_ID)
    monkeypatch.setenv("ALIPAY_SELLER_ID", SELLER_ID)
    monkeypatch.setenv("ALIPAY_GATEWAY", "https://openapi.alipay.test/gateway.do")
    return made


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, tmp_path, keys):
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
            "user_id": user_id, "keys": keys, "operator": operator}


def alipay_notification(keys, order_no, total="10.00", trade_no="2026120122001403030500001234",
                        status="TRADE_SUCCESS", **changes):
    """A notification signed as Alipay signs it (the official SDK, Alipay's key)."""
    params = {"notify_time": "2026-12-01 14:10:49", "notify_type": "trade_status_sync",
              "notify_id": "ac05099524730693a8b330c5ecf72da9786", "app_id": APP_ID,
              "charset": "utf-8", "version": "1.0", "trade_no": trade_no,
              "out_trade_no": order_no, "seller_id": SELLER_ID, "total_amount": total,
              "receipt_amount": total, "subject": "培训计划", "trade_status": status,
              "gmt_create": "2026-12-01 14:10:44", "gmt_payment": "2026-12-01 14:10:47"}
    params.update({k: v for k, v in changes.items() if k not in ("sign", "sign_type")})
    params["sign"] = sign_with_rsa2(keys["alipay"]["sdk_private"], get_sign_content(params),
                                    "utf-8")
    params["sign_type"] = "RSA2"
    params.update({k: v for k, v in changes.items() if k in ("sign", "sign_type")})
    return urlencode(params)


def notify(client, body):
    answer = client.post(NOTIFY, data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return answer.get_data(as_text=True)


def test_an_alipay_purchase_is_applied_once_and_the_elective_becomes_watchable(world):
    client, learner, plan, elective = (world["client"], world["learner"], world["plan"],
                                       world["elective"])
    added = client.post("/api/v1/me/cart/items", headers=learner,
                        json={"plan_id": plan["plan_id"], "course_id": elective["course_id"]})
    assert added.status_code == 200, added.json
    assert added.json["total_fen"] == 1000 and added.json["total"] == "10.00"
    assert added.json["groups"][0]["lines"][0]["title"] == "选修课甲"

    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]})
    assert order.status_code == 201, order.json
    order_no = order.json["order_no"]
    assert order.json["status"] == "unpaid" and order.json["total_fen"] == 1000
    assert order.json["lines"][0]["price"] == "10.00"
    assert client.get("/api/v1/me/cart", headers=learner).json["groups"] == []
    # A double-click checks out the same order, not a second one.
    again = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]})
    assert again.json["order_no"] == order_no

    started = client.post(f"/api/v1/me/orders/{order_no}/payment", headers=learner,
                          json={"method": "alipay"})
    assert started.status_code == 200, started.json
    url = urlparse(started.json["redirect_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://openapi.alipay.test/gateway.do"
    params = dict(parse_qsl(url.query))
    assert params["method"] == "alipay.trade.page.pay" and params["sign_type"] == "RSA2"
    assert '"total_amount":"10.00"' in params["biz_content"]
    assert params["notify_url"].endswith(NOTIFY)
    content = get_sign_content({k: v for k, v in params.items() if k != "sign"})
    assert verify_with_rsa(world["keys"]["merchant"]["sdk_public"], content.encode(),
                           params["sign"])

    keys = world["keys"]
    refused = [
        alipay_notification(keys, order_no, sign="QUJD" * 86),                 # forged
        alipay_notification(keys, order_no, sign_type="RSA"),                  # not RSA2
        alipay_notification(keys, order_no, total="10.001"),                   # 3 decimals
        alipay_notification(keys, order_no, total="9.99"),                     # not the amount
        alipay_notification(keys, order_no, app_id="2021999999999999"),        # another app
        alipay_notification(keys, order_no, seller_id="2088999999999999"),     # another seller
        alipay_notification(keys, "CE20991231000000000000"),                   # no such order
    ]
    for body in refused:
        assert notify(client, body) == "fail", body[:80]
    assert client.get(f"/api/v1/me/orders/{order_no}", headers=learner).json["status"] == \
        "unpaid"

    # Alipay's retries, duplicates and TRADE_FINISHED, ten at once: one effect.
    genuine = [alipay_notification(keys, order_no)] * 8 + \
        [alipay_notification(keys, order_no, status="TRADE_FINISHED")] * 2
    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda body: notify(client, body), genuine))
    assert replies == ["success"] * 10
    paid = client.get(f"/api/v1/me/orders/{order_no}", headers=learner).json
    assert paid["status"] == "paid" and paid["channel"] == "alipay"
    with world["uow"]("billing")() as uow:
        s = uow.session
        assert s.execute(sa.select(sa.func.count()).select_from(payments)).scalar() == 1
        kept = s.execute(sa.select(notifications.c.outcome, sa.func.count())
                         .group_by(notifications.c.outcome)).all()
        assert sum(n for _, n in kept) == len(refused) + len(genuine)  # every one kept
        assert dict(kept)["apply"] == 1
        assert s.execute(sa.select(orders.c.status)).scalar() == "paid"

    # Paid in billing: learning makes the elective the learner's.
    chapter = elective["chapters"][0]["chapter_id"]

    def watchable():
        started = client.post("/api/v1/me/playbacks", headers=learner,
                              json={"chapter_id": chapter, "mode": "restart"})
        return started.status_code == 201
    assert eventually(watchable, timeout=15)

    # A second payment with another trade number for the paid order: kept for refund.
    second = alipay_notification(keys, order_no, trade_no="2026120122001403030500009999")
    assert notify(client, second) == "success"
    with world["uow"]("billing")() as uow:
        statuses = sorted(r.status for r in uow.session.execute(sa.select(payments.c.status)))
    assert statuses == ["applied", "refund_due"]
    listed = client.get("/api/v1/me/orders?status=paid&course=选修", headers=learner).json
    assert [o["order_no"] for o in listed["items"]] == [order_no]


def test_orders_of_others_are_not_found_and_paid_orders_are_not_deleted(world):
    client, learner, plan, elective = (world["client"], world["learner"], world["plan"],
                                       world["elective"])
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]}).json
    other, _ = new_learner(client, world["orgs"]["open"])
    for method, path in (("get", f"/api/v1/me/orders/{order['order_no']}"),
                         ("delete", f"/api/v1/me/orders/{order['order_no']}")):
        answer = getattr(client, method)(path, headers=other)
        assert (answer.status_code, answer.json["code"]) == (404, "order_not_found")
    refused = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                          json={"method": "balance"})
    assert (refused.status_code, refused.json["code"]) == (409, "balance_insufficient")
    assert refused.json["detail"].startswith("余额不足")
    assert notify(client, alipay_notification(world["keys"], order["order_no"])) == "success"
    kept = client.delete(f"/api/v1/me/orders/{order['order_no']}", headers=learner)
    assert (kept.status_code, kept.json["code"]) == (409, "order_not_deletable")
    # Bought already: the cart and checkout refuse it with learning's message.
    again = client.post("/api/v1/me/cart/items", headers=learner, json={
        "plan_id": plan["plan_id"], "course_id": elective["course_id"]})

    def refused_as_bought():
        answer = client.post("/api/v1/me/cart/items", headers=learner, json={
            "plan_id": plan["plan_id"], "course_id": elective["course_id"]})
        return answer.status_code == 409 and answer.json["code"] == "already_bought"
    assert again.status_code in (200, 409)
    assert eventually(refused_as_bought, timeout=15)
