"""The price of what a learner wants to buy, asked by billing before it creates an order
(the cart lives in billing): each line's hours and price in fen, the plan's year and
kind, whether learning cards may pay, and the payment deadline."""
from services.common.errors import Conflict, Forbidden, InvalidInput
from services.common.schema import load

from .contracts import QuoteBody
from .domain import hours as hrs
from .domain.calendar import payable
from .domain.pricing import course_price_fen, plan_fee_fen
from .enrolment import enrolment_of, require_course_in_plan, scope_refusal, today
from .models import selections
from .operators import require_learner
from .plans import KIND_LABELS, get_plan


def quote(uow, actor, plan_id, course_ids):
    require_learner(actor)
    clean = load(QuoteBody(), {"plan_id": plan_id, "course_ids": list(course_ids or [])})
    plan = get_plan(uow, clean["plan_id"])
    day = today(uow)
    if not payable(plan, day):
        raise Conflict("payment_closed", f"该培训计划的缴费已于{plan['pay_deadline']:%Y年%m月%d日}截止"
                       if day > plan["pay_deadline"] else "该培训计划不在开通期内，不能购买")
    refusal = scope_refusal(uow, plan, actor)
    if refusal:
        raise Forbidden("plan_out_of_scope", refusal)
    enrolment = enrolment_of(uow, actor["user_id"], plan["id"])
    if enrolment is None:
        raise Conflict("plan_not_activated", "请先激活该培训计划")
    held = {r.course_id for r in uow.session.execute(
        selections.select().where(selections.c.enrolment_id == enrolment["id"],
                                  selections.c.status == "active"))}
    base = {"plan_id": plan["id"], "plan_name": plan["name"], "year": plan["year"],
            "kind": plan["kind"], "kind_label": KIND_LABELS[plan["kind"]],
            "category": plan["category"], "makeup": plan["makeup"],
            "cards_allowed": plan["cards_allowed"],
            "pay_deadline": plan["pay_deadline"].isoformat()}
    if plan["pricing"] == "flat":
        if clean["course_ids"]:
            raise InvalidInput("plan_sold_whole", "该培训计划按计划收费，不能单独购买课程")
        if held:
            raise Conflict("already_bought", "您已购买该培训计划")
        fee = plan_fee_fen(plan)
        return base | {"lines": [{"kind": "plan_fee", "course_id": None,
                                  "title": f"{plan['name']}（{hrs.text(plan['total_hours'])}学时）",
                                  "hours": hrs.text(plan["total_hours"]), "price_fen": fee}],
                       "total_fen": fee}
    if not clean["course_ids"]:
        raise InvalidInput("no_courses", "请选择要购买的课程", fields={"course_ids": ["请选择课程"]})
    if len(set(clean["course_ids"])) != len(clean["course_ids"]):
        raise InvalidInput("duplicate_courses", "同一课程不能重复购买")
    rows = require_course_in_plan(uow, plan["id"], clean["course_ids"])
    for course_id in clean["course_ids"]:
        row = rows[course_id]
        if row["kind"] == "required" and plan["required_free"]:
            raise InvalidInput("required_course_free",
                               f"必修课《{row['title']}》免费，激活计划后即可学习")
    bought = [rows[c]["title"] for c in clean["course_ids"] if c in held]
    if bought:
        raise Conflict("already_bought", "以下课程已购买：" + "、".join(bought))
    lines = []
    for course_id in clean["course_ids"]:
        row = rows[course_id]
        lines.append({"kind": "course", "course_id": course_id, "title": row["title"],
                      "hours": hrs.text(row["hours"]),
                      "price_fen": course_price_fen(plan, row["hours"], row["kind"])})
    return base | {"lines": lines, "total_fen": sum(line["price_fen"] for line in lines)}
