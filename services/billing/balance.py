"""余额: a learner's money held by the platform, per pocket (domain/pockets.py: general
money, and card money restricted as the card was) — as a ledger of immutable entries and
a running balance that a CHECK keeps at zero or above. Paying by balance debits in the
transaction that marks the order paid; the debit's guard (`balance >= amount`) and the
order row's lock make two orders racing for the same money pay one."""
from sqlalchemy import select

from services.common.errors import Conflict

from . import recharges
from .domain import pockets
from .domain.money import yuan_text
from .learners import require_learner
from .ledger import balances, credit, debit
from .models import ledger_entries
from .orders import own_order, require_payable
from .payments import mark_paid

GENERAL = pockets.GENERAL
__all__ = ["GENERAL", "balances", "credit", "pay", "refund_to_pockets", "account"]


def pockets_for(order):
    return pockets.pockets_for(order["plan_year"], order["plan_kind"], order["cards_allowed"])


def pay(uow, actor, order_no):
    """余额支付: the order's amount from the pockets that may pay it, restricted first."""
    order = own_order(uow, actor, order_no, lock=True)
    now = uow.clock.now()
    require_payable(order, now)
    if order["kind"] == "recharge":
        raise Conflict("recharge_needs_provider", "充值请使用支付宝或银行卡支付")
    held = balances(uow, order["user_id"])
    due = order["total_fen"]
    plan = []
    for pocket in pockets_for(order):
        take = min(due, held.get(pocket, 0))
        if take:
            plan.append((pocket, take))
            due -= take
    if due:
        raise Conflict("balance_insufficient",
                       f"余额不足：还差{yuan_text(due)}元，请选择其他支付方式")
    for pocket, take in plan:
        debit(uow, order["user_id"], pocket, take, "order", order["order_no"])
    mark_paid(uow, order, "balance", order["order_no"], now)
    return {"order_no": order["order_no"], "status": "paid"}


def refund_to_pockets(uow, order, amount_fen, refund_no):
    """A refund of a balance-paid order goes back to the pockets the order took it from
    (card money to its card pocket), the narrowest last."""
    taken = uow.session.execute(select(ledger_entries.c.pocket, ledger_entries.c.amount_fen)
                                .where(ledger_entries.c.user_id == order["user_id"],
                                       ledger_entries.c.kind == "order",
                                       ledger_entries.c.reference == order["order_no"])
                                .order_by(ledger_entries.c.id.desc())).all()
    given = {}
    for pocket, amount in uow.session.execute(
            select(ledger_entries.c.pocket, ledger_entries.c.amount_fen).where(
                ledger_entries.c.user_id == order["user_id"], ledger_entries.c.kind == "refund",
                ledger_entries.c.reference.like(f"{order['order_no']}/%"))).all():
        given[pocket] = given.get(pocket, 0) + amount
    left = amount_fen
    for pocket, taken_fen in taken:
        back = min(left, -taken_fen - given.get(pocket, 0))
        if back > 0:
            credit(uow, order["user_id"], pocket, back, "refund",
                   f"{order['order_no']}/{refund_no}")
            left -= back
    if left:
        credit(uow, order["user_id"], GENERAL, left, "refund",
               f"{order['order_no']}/{refund_no}")


def account(uow, actor, query):
    """我的账户: balances by pocket and the latest entries."""
    user_id = require_learner(actor)
    held = balances(uow, user_id)
    entries = uow.session.execute(
        select(ledger_entries).where(ledger_entries.c.user_id == user_id)
        .order_by(ledger_entries.c.id.desc()).limit(min(int(query.get("limit") or 50), 200))
    ).mappings().all()
    return {"balance_fen": sum(held.values()),
            "recharges": recharges.records(uow, user_id),
            "pockets": [{"pocket": p, "label": pockets.label(p), "balance_fen": v,
                         "balance": yuan_text(v)} for p, v in sorted(held.items())],
            "entries": [{"amount_fen": e["amount_fen"], "amount": yuan_text(e["amount_fen"]),
                         "balance_after_fen": e["balance_after_fen"], "kind": e["kind"],
                         "pocket": e["pocket"], "reference": e["reference"],
                         "created_at": e["created_at"].isoformat()} for e in entries]}
