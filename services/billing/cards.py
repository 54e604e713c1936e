"""学习卡: the operator issues a batch (face value, which plans it may pay, valid dates) as
a job that makes the cards and the .xlsx to print them from; registers cards as sold (a
batch's stock is what is not sold: sold out, learners pay online); and a learner redeems
card number + password into the card's pocket of their balance — once, however many
times or places it is tried at the same moment — with wrong passwords limited."""
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, insert, select, update

from services.common import jobs as job_queue
from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput, Locked, NotFound
from services.common.jobs import JobKind, Outcome

from . import ledger
from .domain import cards as rules
from .domain import pockets
from .domain.money import yuan_text
from .learners import require_learner, require_operator
from .models import card_attempts, card_batches, cards, jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND = "card_batch"
MAX_QUANTITY = 20000
# Cheap enough to hash 20,000 passwords in a batch job (about 2 ms each), a real KDF all
# the same; the password's 10^12 and the attempt limit carry the rest.
HASHER = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)


def _today(uow):
    return uow.clock.now().astimezone(SHANGHAI).date()


def batch_view(row, counts=None):
    counts = counts or {}
    unsold = counts.get("unsold", 0)
    return {"batch_id": row["id"], "name": row["name"], "face_fen": row["face_fen"],
            "face": yuan_text(row["face_fen"]), "quantity": row["quantity"],
            "plan_year": row["plan_year"], "plan_kind": row["plan_kind"],
            "scope": pockets.label(pockets.card_pocket(row["plan_year"], row["plan_kind"])),
            "valid_from": row["valid_from"].isoformat(), "valid_to": row["valid_to"].isoformat(),
            "status": row["status"], "unsold": unsold, "sold": counts.get("sold", 0),
            "redeemed": counts.get("redeemed", 0),
            "sold_out": row["status"] == "issued" and unsold == 0,
            "created_at": as_utc(row["created_at"]).isoformat()}


def issue(uow, actor, data):
    """A batch, issued by a job (the request returns at once)."""
    require_operator(actor)
    if data["valid_to"] < data["valid_from"]:
        raise InvalidInput("card_dates_invalid", "有效期的结束日期不能早于开始日期",
                           fields={"valid_to": ["不能早于开始日期"]})
    now = uow.clock.now()
    batch_id = uow.session.execute(insert(card_batches).values(
        name=data["name"], face_fen=data["face_fen"], quantity=data["quantity"],
        plan_year=data.get("plan_year"), plan_kind=data.get("plan_kind"),
        valid_from=data["valid_from"], valid_to=data["valid_to"], status="issuing",
        created_by=actor.get("user_id"), created_at=now)).inserted_primary_key[0]
    job_id = job_queue.enqueue(uow, jobs, KIND, requested_by=actor.get("user_id"),
                               params={"batch_id": batch_id})
    uow.session.execute(update(card_batches).where(card_batches.c.id == batch_id)
                        .values(job_id=job_id))
    uow.add_event("card_batch_requested", {"job_id": job_id, "batch_id": batch_id})
    return batch(uow, actor, batch_id)


def _counts(uow, batch_ids):
    counted = {}
    for batch_id, status, n in uow.session.execute(
            select(cards.c.batch_id, cards.c.status, func.count())
            .where(cards.c.batch_id.in_(batch_ids)).group_by(cards.c.batch_id, cards.c.status)):
        counted.setdefault(batch_id, {})[status] = n
    return counted


def batch(uow, actor, batch_id):
    require_operator(actor)
    row = uow.session.execute(select(card_batches).where(card_batches.c.id == batch_id)
                              ).mappings().first()
    if row is None:
        raise NotFound("card_batch_not_found", "学习卡批次不存在")
    return batch_view(row, _counts(uow, [batch_id]).get(batch_id))


def batches(uow, actor):
    require_operator(actor)
    rows = uow.session.execute(select(card_batches).order_by(card_batches.c.id.desc())
                               ).mappings().all()
    counted = _counts(uow, [r["id"] for r in rows])
    return {"items": [batch_view(r, counted.get(r["id"])) for r in rows]}


def export_link(uow, actor, storage, batch_id):
    row = batch(uow, actor, batch_id)
    key = uow.session.execute(select(card_batches.c.export_key).where(
        card_batches.c.id == batch_id)).scalar()
    if row["status"] != "issued" or not key:
        raise Conflict("card_batch_not_ready", "该批次学习卡尚在生成中，请稍后再下载")
    return {"url": storage.signed_link(key, 300) + f"&name=学习卡_{row['name']}.xlsx"}


def sell(uow, actor, batch_id, count):
    """销售登记: the next `count` unsold cards of the batch are sold; none left is 已售罄."""
    row = batch(uow, actor, batch_id)
    ids = [r.id for r in uow.session.execute(
        select(cards.c.id, cards.c.card_no).where(cards.c.batch_id == batch_id,
                                                  cards.c.status == "unsold")
        .order_by(cards.c.card_no).limit(count).with_for_update())]
    if len(ids) < count:
        raise Conflict("cards_sold_out", f"库存不足：该批次只剩{row['unsold']}张学习卡，"
                       "售罄后请学员在线支付")
    uow.session.execute(update(cards).where(cards.c.id.in_(ids)).values(
        status="sold", sold_at=uow.clock.now()))
    numbers = [r.card_no for r in uow.session.execute(
        select(cards.c.card_no).where(cards.c.id.in_(ids)).order_by(cards.c.card_no))]
    return {"batch": batch(uow, actor, batch_id), "first": numbers[0], "last": numbers[-1],
            "count": len(numbers)}


def _recent_failures(uow, user_id):
    since = uow.clock.now() - timedelta(minutes=rules.FAILURE_WINDOW_MINUTES)
    return uow.session.execute(select(func.count()).select_from(card_attempts).where(
        card_attempts.c.user_id == user_id, card_attempts.c.at >= since,
        card_attempts.c.succeeded.is_(False))).scalar()


def check_attempt(uow, actor, card_no, password):
    """The card a learner may redeem now, or the refusal — with whether to count it as a
    wrong attempt (the caller records that in a transaction of its own, then raises)."""
    user_id = require_learner(actor)
    if _recent_failures(uow, user_id) >= rules.MAX_FAILURES:
        raise Locked("card_attempts_locked", f"学习卡密码错误次数过多，请{rules.FAILURE_WINDOW_MINUTES}分钟后再试")
    card_no = "".join(str(card_no or "").split())
    row = None
    if rules.well_formed(card_no):
        row = uow.session.execute(
            select(cards, card_batches.c.valid_from, card_batches.c.valid_to,
                   card_batches.c.face_fen, card_batches.c.plan_year, card_batches.c.plan_kind)
            .join(card_batches, card_batches.c.id == cards.c.batch_id)
            .where(cards.c.card_no == card_no)).mappings().first()
    if row is None or not _password_matches(row["password_hash"], str(password or "")):
        return None, InvalidInput("card_invalid", "卡号或密码错误")
    why = rules.refusal(rules.Card(row["status"], row["valid_from"], row["valid_to"]),
                        _today(uow))
    if why:
        return None, Conflict("card_unusable", why)
    return row, None


def _password_matches(password_hash, password):
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def record_attempt(uow, user_id, succeeded):
    uow.session.execute(insert(card_attempts).values(user_id=user_id, at=uow.clock.now(),
                                                     succeeded=succeeded))


def redeem(uow, actor, row):
    """The card's value into its pocket; exactly once (the card's state is the guard)."""
    user_id = actor["user_id"]
    taken = uow.session.execute(update(cards).where(
        cards.c.id == row["id"], cards.c.status.in_(("unsold", "sold"))).values(
        status="redeemed", redeemed_by=user_id, redeemed_at=uow.clock.now())).rowcount
    if taken != 1:
        raise Conflict("card_unusable", "该学习卡已被使用")
    pocket = pockets.card_pocket(row["plan_year"], row["plan_kind"])
    ledger.credit(uow, user_id, pocket, row["face_fen"], "card", row["card_no"])
    record_attempt(uow, user_id, True)
    uow.add_event("card_redeemed", {"card_no": row["card_no"], "batch_id": row["batch_id"],
                                    "user_id": user_id, "amount_fen": row["face_fen"],
                                    "pocket": pocket, "redeemed_at": uow.clock.now()})
    return {"card_no": row["card_no"], "amount_fen": row["face_fen"],
            "amount": yuan_text(row["face_fen"]), "pocket": pocket,
            "pocket_label": pockets.label(pocket)}


def job_kind(storage, offload=lambda f, *a: f(*a)):
    def run(ctx):
        batch_id = ctx.job.params["batch_id"]
        with ctx.db() as uow:
            row = uow.session.execute(select(card_batches).where(
                card_batches.c.id == batch_id)).mappings().one()
            if row["status"] != "issuing":
                return Outcome({"batch_id": batch_id})
        numbers = [rules.card_number(batch_id, n) for n in range(1, row["quantity"] + 1)]
        passwords = [rules.new_password() for _ in numbers]
        hashes = offload(lambda: [HASHER.hash(p) for p in passwords])
        ctx.beat(done=len(numbers) // 2, total=len(numbers))
        key = f"billing/cards/batch-{batch_id}.xlsx"
        storage.put(key, offload(workbook, row, numbers, passwords))
        with ctx.db() as uow:
            if uow.session.execute(select(card_batches.c.status).where(
                    card_batches.c.id == batch_id).with_for_update()).scalar() != "issuing":
                return Outcome({"batch_id": batch_id})
            uow.session.execute(insert(cards), [
                {"batch_id": batch_id, "card_no": n, "password_hash": h, "status": "unsold"}
                for n, h in zip(numbers, hashes, strict=True)])
            uow.session.execute(update(card_batches).where(card_batches.c.id == batch_id)
                                .values(status="issued", export_key=key))
            uow.commit()
        return Outcome({"batch_id": batch_id, "cards": len(numbers)}, key)
    return JobKind(KIND, run, gave_up="学习卡生成多次中断，未能完成，请重新发行")


def workbook(batch_row, numbers, passwords):
    """The batch for printing: 卡号, 密码, 面值, 适用范围, 有效期 — numbers and passwords as
    text (a spreadsheet must not turn them into numbers and lose leading zeros)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("学习卡")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDE", (22, 18, 10, 34, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for title in ("卡号", "密码", "面值（元）", "适用范围", "有效期"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    scope = pockets.label(pockets.card_pocket(batch_row["plan_year"], batch_row["plan_kind"]))
    validity = f"{batch_row['valid_from']:%Y-%m-%d} 至 {batch_row['valid_to']:%Y-%m-%d}"
    face = yuan_text(batch_row["face_fen"])
    for number, password in zip(numbers, passwords, strict=True):
        row = []
        for value in (number, password):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "@"
            row.append(cell)
        sheet.append(row + [face, scope, validity])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


