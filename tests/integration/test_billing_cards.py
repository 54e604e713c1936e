"""Learning cards through the gateway: the operator issues a batch (a job that makes the
cards and the .xlsx to print), registers sales until the batch is sold out; a learner
redeems a card once — also when the same card is tried at the same moment in several
places — and its money pays only the plans the card allows; wrong passwords are
limited."""
import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from tests.conftest import eventually
from tests.integration.test_billing_alipay import keys, world  # noqa: F401 — fixtures
from tests.learning_helpers import new_learner

pytestmark = pytest.mark.integration


def issue(client, operator, **overrides):
    today = date.today()
    body = {"name": f"测试批次{uuid.uuid4().hex[:4]}", "face_fen": 1000, "quantity": 20,
            "plan_year": today.year, "plan_kind": "public",
            "valid_from": (today - timedelta(days=1)).isoformat(),
            "valid_to": (today + timedelta(days=30)).isoformat(), **overrides}
    made = client.post("/api/v1/admin/card-batches", headers=operator, json=body)
    assert made.status_code == 202, made.json
    assert made.json["status"] == "issuing"
    batch_id = made.json["batch_id"]

    def issued():
        row = client.get(f"/api/v1/admin/card-batches/{batch_id}", headers=operator).json
        return row if row["status"] == "issued" else None
    return eventually(issued, timeout=60)


def printed_cards(client, operator, batch_id):
    link = client.get(f"/api/v1/admin/card-batches/{batch_id}/export", headers=operator)
    assert link.status_code == 200, link.json
    data = client.get(link.json["url"]).data
    sheet = load_workbook(io.BytesIO(data), read_only=True)["学习卡"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("卡号", "密码", "面值（元）", "适用范围", "有效期")
    return [(number, password) for number, password, *_ in rows[1:]]


def test_cards_are_issued_sold_redeemed_once_and_pay_only_what_they_may(world):  # noqa: F811
    client, operator, learner = world["client"], world["operator"], world["learner"]
    batch = issue(client, operator)
    assert (batch["unsold"], batch["face"], batch["sold_out"]) == (20, "10.00", False)
    assert batch["scope"].endswith("公需科目培训计划专用）")
    printed = printed_cards(client, operator, batch["batch_id"])
    assert len(printed) == 20 and len({n for n, _ in printed}) == 20
    assert all(len(n) == 16 and len(p) == 12 for n, p in printed)

    sold = client.post(f"/api/v1/admin/card-batches/{batch['batch_id']}/sales",
                       headers=operator, json={"count": 15})
    assert sold.status_code == 200 and sold.json["batch"]["unsold"] == 5
    assert sold.json["first"] == printed[0][0] and sold.json["count"] == 15
    too_many = client.post(f"/api/v1/admin/card-batches/{batch['batch_id']}/sales",
                           headers=operator, json={"count": 6})
    assert (too_many.status_code, too_many.json["code"]) == (409, "cards_sold_out")
    client.post(f"/api/v1/admin/card-batches/{batch['batch_id']}/sales", headers=operator,
                json={"count": 5})
    assert client.get(f"/api/v1/admin/card-batches/{batch['batch_id']}",
                      headers=operator).json["sold_out"] is True

    # One card tried at the same moment in five places: one redemption.
    number, password = printed[0]
    body = {"card_no": number, "password": password}
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: client.post(
            "/api/v1/me/cards/redemptions", headers=learner, json=body), range(5)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409, 409]
    assert {a.json["code"] for a in answers if a.status_code == 409} == {"card_unusable"}
    account = client.get("/api/v1/me/account", headers=learner).json
    assert account["balance_fen"] == 1000
    assert account["pockets"][0]["label"].startswith("学习卡")

    # The plan (this year's 公需科目, cards allowed) is paid from the card's pocket.
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": world["plan"]["plan_id"],
        "course_ids": [world["elective"]["course_id"]]}).json
    paid = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                       json={"method": "balance"})
    assert paid.status_code == 200, paid.json
    assert client.get("/api/v1/me/account", headers=learner).json["balance_fen"] == 0


def test_a_card_for_another_year_does_not_pay_and_wrong_passwords_are_limited(world):  # noqa: F811
    client, operator = world["client"], world["operator"]
    other_year = issue(client, operator, plan_year=date.today().year - 2, quantity=2)
    (number, password), (number2, _) = printed_cards(client, operator, other_year["batch_id"])
    learner = world["learner"]
    redeemed = client.post("/api/v1/me/cards/redemptions", headers=learner,
                           json={"card_no": number, "password": password})
    assert redeemed.status_code == 200 and redeemed.json["amount_fen"] == 1000
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": world["plan"]["plan_id"],
        "course_ids": [world["elective"]["course_id"]]}).json
    refused = client.post(f"/api/v1/me/orders/{order['order_no']}/payment", headers=learner,
                          json={"method": "balance"})
    assert (refused.status_code, refused.json["code"]) == (409, "balance_insufficient")

    guesser, _ = new_learner(client, world["orgs"]["open"])
    for _ in range(5):
        wrong = client.post("/api/v1/me/cards/redemptions", headers=guesser,
                            json={"card_no": number2, "password": "000000000000"})
        assert (wrong.status_code, wrong.json["code"]) == (422, "card_invalid")
    locked = client.post("/api/v1/me/cards/redemptions", headers=guesser,
                         json={"card_no": number2, "password": "000000000000"})
    assert (locked.status_code, locked.json["code"]) == (423, "card_attempts_locked")
    typo = client.post("/api/v1/me/cards/redemptions", headers=learner,
                       json={"card_no": number2[:-1] + str((int(number2[-1]) + 1) % 10),
                             "password": "000000000000"})
    assert (typo.status_code, typo.json["code"]) == (422, "card_invalid")
