"""购物车: electives of an activated plan, or a plan's flat fee. Adding asks learning to
quote the line (so a course already bought, past the payment deadline or out of the
learner's scope is refused at once, with learning's own message); the cart shows each
plan's lines at learning's price of the moment, and checkout quotes again."""
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from services.common.errors import DomainError

from .domain.money import yuan_text
from .learners import require_learner
from .models import cart_items


def add(uow, actor, quote, plan_id, course_id):
    user_id = require_learner(actor)
    quote(actor, plan_id, [course_id] if course_id else [])
    try:
        with uow.session.begin_nested():
            uow.session.execute(insert(cart_items).values(
                user_id=user_id, plan_id=plan_id, course_id=course_id or 0,
                added_at=uow.clock.now()))
    except IntegrityError:
        pass  # already in the cart: adding twice is adding once
    return view(uow, actor, quote)


def remove(uow, actor, quote, plan_id, course_id):
    user_id = require_learner(actor)
    uow.session.execute(delete(cart_items).where(
        cart_items.c.user_id == user_id, cart_items.c.plan_id == plan_id,
        cart_items.c.course_id == (course_id or 0)))
    return view(uow, actor, quote)


def view(uow, actor, quote):
    """The cart by plan, each at learning's price now; a plan whose lines can no longer
    be bought shows why (the deadline passed, a course was bought meanwhile)."""
    user_id = require_learner(actor)
    by_plan = {}
    for row in uow.session.execute(select(cart_items).where(cart_items.c.user_id == user_id)
                                   .order_by(cart_items.c.id)):
        by_plan.setdefault(row.plan_id, []).append(row.course_id)
    groups = []
    for plan_id, course_ids in by_plan.items():
        wanted = [c for c in course_ids if c]
        try:
            quoted = quote(actor, plan_id, wanted)
        except DomainError as exc:
            groups.append({"plan_id": plan_id, "course_ids": wanted, "payable": False,
                           "problem": {"code": exc.code, "detail": exc.detail}})
            continue
        groups.append({**quoted, "payable": True, "total": yuan_text(quoted["total_fen"]),
                       "lines": [{**line, "price": yuan_text(line["price_fen"])}
                                 for line in quoted["lines"]]})
    total = sum(g["total_fen"] for g in groups if g["payable"])
    return {"groups": groups, "total_fen": total, "total": yuan_text(total)}
