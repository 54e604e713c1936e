"""The learners' money as a ledger: a running balance per learner and pocket (a CHECK
keeps it at zero or above) and immutable entries, both changed in the transaction that
moves the money. Money in is credited once per (pocket, kind, reference); money out only
when the pocket holds it."""
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.common.errors import Conflict

from .domain import pockets
from .models import accounts, ledger_entries

GENERAL = pockets.GENERAL


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


def debit(uow, user_id, pocket, amount_fen, kind, reference):
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
