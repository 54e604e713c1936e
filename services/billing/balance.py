"""余额: a learner's money held by the platform, per pocket (domain/pockets.py: general
money, and card money restricted as the card was) — as a ledger of immutable entries and
a running balance that a CHECK keeps at zero or above. Paying by balance debits in the
transaction that marks the order paid; the debit's guard (`balance >= amount`) and the
order row's lock make two orders racing for the same money pay one."""
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.common.errors import Conflict

from .domain import pockets
from .domain.money import yuan_text
from .learners import require_learner
from .models import accounts, ledger_entries
from .orders import own_order, require_payable
from .payments import mark_paid

GENERAL = pockets.GENERAL


def pockets_for(order):
    return pockets.pockets_for(order["plan_year"], order["plan_kind"], order["cards_allowed"])


def balances(uow, user_id):
    return {r.pocket: r.balance_fen for r in uow.session.execute(
        select(accounts).where(accounts.c.user_id == user_id))}


def credit(uow, user_id, pocket, amount_fen, kind, reference):
    """Money in (recharge, card, refund to balance); once per (pocket, kind, reference)."""
    table = accounts
    dialect = uow.session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    uow.session.execute(upsert.values(user_id=user_id, pocket=pocket, balance_fen=0)
                        .on_conflict_do_nothing())
    exists = uow.session.execute(select(ledger_entries.c.id).where(
        ledger_entries.c.user_id == user_id, ledger_entries.c.pocket == pocket,
        ledger_entries.c.kind == kind, ledger_entries.c.reference == reference)).first()
    if exists:
        return False
    after = uow.session.execute(update(accounts).where(
        accounts.c.user_id == user_id, accounts.c.pocket == pocket)
        .values(balance_fen=accounts.c.balance_fen + amount_fen)
        .returning(accounts.c.balance_fen)).scalar_one()
    uow.session.execute(insert(ledger_entries).values(
        user_id=user_id, pocket=pocket, amount_fen=amount_fen, balance_after_fen=after,
        kind=kind, reference=reference, created_at=uow.clock.now()))
    return True


def _debit(uow, user_id, pocket, amount_fen, kind, reference):
    after = uow.session.execute(update(accounts).where(
        accounts.c.user_id == user_id, accounts.c.pocket == pocket,
        accounts.c.balance_fen >= amount_fen)
        .values(balance_fen=accounts.c.balance_fen - amount_fen)
        .returning(accounts.c.balance_fen)).scalar()
    if after is None:
        raise Conflict("balance_insufficient", "余额不足，请选择其他支付方式")
    uow.session.execute(insert(ledger_entries).values(
        user_id=user_id, pocket=pocket, amount_fen=-amount_fen, balance_after_fen=after,
        kind=kind, reference=reference, created_at=uow.clock.now()))


def pay(uow, actor, order_no):
    """余额支付: the order's amount from the pockets that may pay it, restricted first."""
    order = own_order(uow, actor, order_no, lock=True)
    now = uow.clock.now()
    require_payable(order, now)
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
        _debit(uow, order["user_id"], pocket, take, "order", order["order_no"])
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
    for pocket, debit in taken:
        back = min(left, -debit - given.get(pocket, 0))
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
            "pockets": [{"pocket": p, "label": pockets.label(p), "balance_fen": v,
                         "balance": yuan_text(v)} for p, v in sorted(held.items())],
            "entries": [{"amount_fen": e["amount_fen"], "amount": yuan_text(e["amount_fen"]),
                         "balance_after_fen": e["balance_after_fen"], "kind": e["kind"],
                         "pocket": e["pocket"], "reference": e["reference"],
                         "created_at": e["created_at"].isoformat()} for e in entries]}
