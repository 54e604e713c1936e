"""Orders (我的订单): checkout turns learning's quote of the moment into an order whose
lines keep those prices; unpaid orders close after ORDER_TIMEOUT_MINUTES or when the
learner deletes them; a learner sees and filters only their own."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from services.common.clock import as_utc
from services.common.errors import Conflict, NotFound
from services.common.paging import page_request, paged

from .domain import order_numbers
from .domain.money import yuan_text
from .learners import require_learner, require_operator
from . import people
from .models import cart_items, learners, order_lines, orders
from .settings import order_timeout_minutes

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUS_LABELS = {"unpaid": "待支付", "paid": "已支付", "closed": "已关闭",
                 "partially_refunded": "部分退款", "refunded": "已退款"}
CHANNEL_LABELS = {"alipay": "支付宝", "bank": "银行卡", "balance": "余额"}
KIND_LABELS = {"purchase": "购课", "recharge": "账户充值"}


def checkout(uow, actor, quote, plan_id, course_ids):
    """An order for what `quote` (learning's answer for these courses of this plan, asked
    just now) says; the learner's unpaid order for exactly the same lines is returned
    instead of a second one (a double-click, a retried request)."""
    user_id = require_learner(actor)
    lines = quote["lines"]
    wanted = sorted((line["kind"], line["course_id"] or 0) for line in lines)
    for order in uow.session.execute(select(orders).where(
            orders.c.user_id == user_id, orders.c.plan_id == quote["plan_id"],
            orders.c.status == "unpaid", orders.c.deleted.is_(False)).with_for_update()
    ).mappings():
        held = sorted((r.kind, r.course_id or 0) for r in uow.session.execute(
            select(order_lines).where(order_lines.c.order_id == order["id"])))
        if held == wanted and order["total_fen"] == quote["total_fen"]:
            return detail_of(uow, order)
    now = uow.clock.now()
    for _ in range(5):  # an order number clash (1 in 10^8 per second) draws again
        number = order_numbers.new_number("order", now.astimezone(SHANGHAI))
        try:
            with uow.session.begin_nested():
                order_id = uow.session.execute(insert(orders).values(
                    order_no=number, user_id=user_id, plan_id=quote["plan_id"],
                    plan_name=quote["plan_name"], plan_year=quote["year"],
                    plan_kind=quote["kind"], cards_allowed=quote["cards_allowed"],
                    total_fen=quote["total_fen"], status="unpaid", created_at=now,
                    expires_at=now + timedelta(minutes=order_timeout_minutes()),
                    pay_deadline=quote["pay_deadline"])).inserted_primary_key[0]
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("order_number_exhausted", "下单失败，请重试")
    uow.session.execute(insert(order_lines), [
        {"order_id": order_id, "kind": line["kind"], "course_id": line["course_id"],
         "title": line["title"], "hours": line["hours"], "price_fen": line["price_fen"]}
        for line in lines])
    uow.session.execute(cart_items.delete().where(
        cart_items.c.user_id == user_id, cart_items.c.plan_id == quote["plan_id"],
        cart_items.c.course_id.in_([line["course_id"] or 0 for line in lines])))
    return detail(uow, actor, number)


def own_order(uow, actor, order_no, lock=False):
    user_id = require_learner(actor)
    query = select(orders).where(orders.c.order_no == str(order_no)[:40],
                                 orders.c.user_id == user_id, orders.c.deleted.is_(False))
    if lock:
        query = query.with_for_update()
    order = uow.session.execute(query).mappings().first()
    if order is None:
        raise NotFound("order_not_found", "订单不存在")
    return order


def order_by_number(uow, order_no, lock=False):
    query = select(orders).where(orders.c.order_no == order_no)
    if lock:
        query = query.with_for_update()
    return uow.session.execute(query).mappings().first()


def view(order, lines=None):
    answer = {
        "order_no": order["order_no"], "kind": order["kind"],
        "kind_label": KIND_LABELS[order["kind"]], "plan_id": order["plan_id"],
        "plan_name": order["plan_name"], "plan_year": order["plan_year"],
        "plan_kind": order["plan_kind"], "total_fen": order["total_fen"],
        "total": yuan_text(order["total_fen"]), "refunded_fen": order["refunded_fen"],
        "status": order["status"], "status_label": STATUS_LABELS[order["status"]],
        "channel": order["channel"],
        "channel_label": CHANNEL_LABELS.get(order["channel"] or "", None),
        "created_at": as_utc(order["created_at"]).isoformat(),
        "expires_at": as_utc(order["expires_at"]).isoformat(),
        "paid_at": as_utc(order["paid_at"]).isoformat() if order["paid_at"] else None,
        "cards_allowed": order["cards_allowed"], "pay_deadline": order["pay_deadline"]}
    if lines is not None:
        answer["lines"] = [{"kind": r.kind, "course_id": r.course_id, "title": r.title,
                            "hours": None if r.hours is None else f"{r.hours:.1f}",
                            "price_fen": r.price_fen, "price": yuan_text(r.price_fen),
                            "refunded": r.refunded} for r in lines]
    return answer


def lines_of(uow, order_id):
    return uow.session.execute(select(order_lines).where(order_lines.c.order_id == order_id)
                               .order_by(order_lines.c.id)).all()


def detail_of(uow, order):
    return view(order, lines_of(uow, order["id"]))


def detail(uow, actor, order_no):
    return detail_of(uow, own_order(uow, actor, order_no))


def listing(uow, actor, query):
    """我的订单, newest first: by order time (from / to, dates), status and course name."""
    user_id = require_learner(actor)
    page = page_request(query)
    rows = select(orders).where(orders.c.user_id == user_id, orders.c.deleted.is_(False),
                                orders.c.kind == "purchase")  # recharges: 我的账户
    if query.get("status"):
        rows = rows.where(orders.c.status == query["status"])
    if query.get("created_from"):
        rows = rows.where(orders.c.created_at >= query["created_from"])
    if query.get("created_to"):
        rows = rows.where(orders.c.created_at < query["created_to"])
    if query.get("course"):
        term = f"%{query['course']}%"
        rows = rows.where(or_(orders.c.plan_name.like(term), exists().where(and_(
            order_lines.c.order_id == orders.c.id, order_lines.c.title.like(term)))))
    answer = paged(uow.session, rows.order_by(orders.c.created_at.desc(), orders.c.id.desc()),
                   page)
    ids = [item["id"] for item in answer["items"]]
    by_order = {}
    for line in uow.session.execute(select(order_lines).where(order_lines.c.order_id.in_(ids))
                                    .order_by(order_lines.c.id)).all() if ids else []:
        by_order.setdefault(line.order_id, []).append(line)
    answer["items"] = [view(item, by_order.get(item["id"], [])) for item in answer["items"]]
    return answer


def delete(uow, actor, order_no):
    """删除: an unpaid order closes and leaves the list; a paid one stays."""
    order = own_order(uow, actor, order_no, lock=True)
    if order["status"] not in ("unpaid", "closed"):
        raise Conflict("order_not_deletable", "已支付的订单不能删除")
    uow.session.execute(update(orders).where(orders.c.id == order["id"]).values(
        deleted=True, status="closed", closed_at=order["closed_at"] or uow.clock.now(),
        close_reason=order["close_reason"] or "deleted"))
    return {"order_no": order["order_no"], "deleted": True}


def require_payable(order, now):
    if order["status"] == "paid":
        raise Conflict("order_paid", "该订单已支付")
    if order["status"] != "unpaid":
        raise Conflict("order_closed", "该订单已关闭，请重新下单")
    if as_utc(order["expires_at"]) <= now:
        raise Conflict("order_expired", "该订单已超过支付时限，请重新下单")


def close_expired(uow, limit=500):
    """Closes unpaid orders past their time; a payment that still arrives for one is
    refunded (settlement.LATE_PAYMENT). Returns how many closed."""
    now = uow.clock.now()
    ids = [r.id for r in uow.session.execute(
        select(orders.c.id).where(orders.c.status == "unpaid", orders.c.expires_at <= now)
        .limit(limit).with_for_update(skip_locked=True))]
    if ids:
        uow.session.execute(update(orders).where(orders.c.id.in_(ids),
                                                 orders.c.status == "unpaid")
                            .values(status="closed", closed_at=now, close_reason="timeout"))
    return len(ids)


def operator_listing(uow, actor, query):
    """Every learner's orders for the operator: by order number, learner, status."""
    require_operator(actor)
    page = page_request(query)
    rows = select(orders)
    if query.get("order_no"):
        rows = rows.where(orders.c.order_no == str(query["order_no"])[:40])
    if query.get("user_id"):
        rows = rows.where(orders.c.user_id == int(query["user_id"]))
    if query.get("learner"):
        term = f"%{query['learner']}%"
        rows = rows.where(orders.c.user_id.in_(select(learners.c.user_id).where(or_(
            learners.c.username.like(term), learners.c.real_name.like(term)))))
    if query.get("status"):
        rows = rows.where(orders.c.status == query["status"])
    if query.get("kind"):
        rows = rows.where(orders.c.kind == query["kind"])
    answer = paged(uow.session, rows.order_by(orders.c.created_at.desc(), orders.c.id.desc()),
                   page)
    who = people.names(uow, {item["user_id"] for item in answer["items"]})
    answer["items"] = [view(item, lines_of(uow, item["id"])) | {"user_id": item["user_id"]}
                       | who.get(item["user_id"], {"username": None, "real_name": None})
                       for item in answer["items"]]
    return answer
