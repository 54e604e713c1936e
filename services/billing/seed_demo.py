"""Demo money.   python -m services.billing.seed_demo

Runs after learning's seed, with billing and learning up, through their RPCs as the
gateway would call them: the operator issues a batch of learning cards for this year's
public plans (50 元 each, an .xlsx to print) and registers ten as sold; the demo learner
zhangwei redeems one, buys an elective of this year's public plan with the balance (it
becomes watchable), asks for an invoice for that order, puts another elective in the
cart and leaves an order unpaid (待支付, to pay with Alipay in the payment sandbox).
Does nothing when zhangwei already has orders."""
import io
import time
from datetime import date

from nameko.standalone.rpc import ClusterRpcProxy
from openpyxl import load_workbook

from services.common.scripting import UnitOfWorkFactory
from services.common.settings import amqp_uri
from services.common.storage import FileStorage

from . import people
from .models import inbox, orders, outbox

OPERATOR = {"user_id": 0, "role": "operator", "username": "seed"}
DEMO_LEARNER = "zhangwei"


def wait_for(what, check, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise SystemExit(f"billing demo: gave up waiting for {what}")
        time.sleep(0.5)


def public_plan(rpc):
    """This year's public plan and two of its electives."""
    year = date.today().year
    listed = rpc.learning.list_plans(OPERATOR, {"year": year, "page_size": 50})["items"]
    plan = next(p for p in listed if p["kind"] == "public" and not p["makeup"])
    detail = rpc.learning.get_plan(OPERATOR, plan["plan_id"])
    electives = [c["course_id"] for c in detail["courses"] if c["kind"] == "elective"]
    return plan["plan_id"], electives


def seed(db, storage, rpc):
    user_id = wait_for("zhangwei in billing", lambda: _user_id(db))
    with db() as uow:
        if uow.session.execute(orders.select().where(orders.c.user_id == user_id)).first():
            return False
    learner = {"user_id": user_id, "role": "learner", "username": DEMO_LEARNER}
    plan_id, electives = public_plan(rpc)
    today = date.today()
    batch = rpc.billing.issue_card_batch(OPERATOR, {
        "name": f"{today.year}年公需科目学习卡", "face_fen": 5000, "quantity": 100,
        "plan_year": today.year, "plan_kind": "public", "valid_from": today.replace(month=1, day=1),
        "valid_to": today.replace(month=12, day=31)})
    wait_for("the card batch", lambda: rpc.billing.card_batch(
        OPERATOR, batch["batch_id"])["status"] == "issued")
    rpc.billing.sell_cards(OPERATOR, batch["batch_id"], 10)
    link = rpc.billing.card_batch_export(OPERATOR, batch["batch_id"])["url"]
    key = link.split("/api/v1/files/", 1)[1].split("?", 1)[0]
    with storage.open(key) as fh:
        sheet = load_workbook(io.BytesIO(fh.read()), read_only=True)["学习卡"]
        number, password = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[:2]
    rpc.billing.redeem_card(learner, number, password)
    bought = rpc.billing.place_order(learner, plan_id, [electives[0]])
    rpc.billing.pay_order(learner, bought["order_no"], "balance")
    rpc.billing.request_invoice(learner, {
        "kind": "ordinary", "title_type": "personal", "title": "张伟",
        "email": "zhangwei@example.cn", "order_nos": [bought["order_no"]]})
    rpc.billing.add_to_cart(learner, plan_id, electives[1])
    rpc.billing.place_order(learner, plan_id, [electives[2]])
    return True


def _user_id(db):
    with db() as uow:
        return people.user_id_of(uow, DEMO_LEARNER)


def main():
    db = UnitOfWorkFactory("billing", outbox, inbox)
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, timeout=60) as rpc:
        created = seed(db, FileStorage(), rpc)
    print("billing demo cards, orders and an invoice", "created" if created else "already present")




if __name__ == "__main__":
    main()
