"""账户充值: a learner puts money into their balance through Alipay or a bank. A recharge
is an order of its own kind (`kind` recharge, no plan, one line) so that it travels the
paths every order travels — the provider's page, the notification applied once,
reconciliation, closing when unpaid, a late or second payment refunded — and when it is
paid its amount is credited to the general pocket (payments.mark_paid) in the same
transaction. It is never paid from the balance itself, never refunded as a purchase is,
and never invoiced (the purchases it pays are)."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput

from .domain import order_numbers
from .domain.money import yuan_text
from .learners import require_learner
from .models import order_lines, orders
from .orders import CHANNEL_LABELS, STATUS_LABELS, detail_of
from .settings import order_timeout_minutes

SHANGHAI = ZoneInfo("Asia/Shanghai")
KIND = "recharge"
TITLE = "账户充值"
MIN_FEN, MAX_FEN = 100, 500_000  # 1 元 to 5,000 元 a time


def start(uow, actor, amount_fen):
    """An unpaid recharge order of `amount_fen`; the learner then pays it (去支付) by
    Alipay or a bank."""
    user_id = require_learner(actor)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) \
            or not MIN_FEN <= amount_fen <= MAX_FEN:
        raise InvalidInput("recharge_amount_invalid",
                           f"充值金额须在{yuan_text(MIN_FEN)}元到{yuan_text(MAX_FEN)}元之间",
                           fields={"amount_fen": ["金额超出范围"]})
    now = uow.clock.now()
    local = now.astimezone(SHANGHAI)
    for _ in range(5):  # a number clash (1 in 10^8 per second) draws again
        number = order_numbers.new_number(KIND, local)
        try:
            with uow.session.begin_nested():
                order_id = uow.session.execute(insert(orders).values(
                    order_no=number, kind=KIND, user_id=user_id, plan_id=0,
                    plan_name=TITLE, plan_year=local.year, plan_kind=KIND,
                    cards_allowed=False, total_fen=amount_fen, status="unpaid",
                    created_at=now,
                    expires_at=now + timedelta(minutes=order_timeout_minutes()),
                    pay_deadline=local.date().isoformat())).inserted_primary_key[0]
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("order_number_exhausted", "充值失败，请重试")
    uow.session.execute(insert(order_lines).values(
        order_id=order_id, kind=KIND, course_id=None, title=TITLE, hours=None,
        price_fen=amount_fen))
    return detail_of(uow, uow.session.execute(select(orders).where(
        orders.c.id == order_id)).mappings().one())


def records(uow, user_id, limit=50):
    """充值记录, newest first: every recharge the learner started, paid or not."""
    rows = uow.session.execute(select(orders).where(
        orders.c.user_id == user_id, orders.c.kind == KIND, orders.c.deleted.is_(False))
        .order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit)).mappings()
    return [{"order_no": r["order_no"], "amount_fen": r["total_fen"],
             "amount": yuan_text(r["total_fen"]), "status": r["status"],
             "status_label": STATUS_LABELS[r["status"]], "channel": r["channel"],
             "channel_label": CHANNEL_LABELS.get(r["channel"] or ""),
             "created_at": as_utc(r["created_at"]).isoformat(),
             "paid_at": as_utc(r["paid_at"]).isoformat() if r["paid_at"] else None}
            for r in rows]

