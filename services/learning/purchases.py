"""Orders paid and refunded in billing: a paid order's courses become the learner's and
watchable (a plan's flat fee buys every course of the plan); a refund takes back the
refunded courses the learner has not started. Applied once (inbox) and safe to repeat:
a course held stays held, a course withdrawn stays withdrawn."""
from sqlalchemy import and_, select, update

from services.common.events import NotYetApplicable

from .enrolment import enrolment_of, select_courses
from .models import course_progress, selections
from .plans import get_plan, plan_course_rows


def order_paid(uow, payload):
    enrolment = enrolment_of(uow, payload["user_id"], payload["plan_id"], lock=True)
    if enrolment is None:
        # An order is only quoted for an activated plan: the activation is on its way.
        raise NotYetApplicable(f"order {payload['order_no']}: plan not activated here yet")
    plan = get_plan(uow, payload["plan_id"])
    rows = {r["course_id"]: r for r in plan_course_rows(uow, plan["id"])}
    if any(line["kind"] == "plan_fee" for line in payload["lines"]):
        wanted = list(rows.values())
    else:
        wanted = [rows[line["course_id"]] for line in payload["lines"]
                  if line["kind"] == "course" and line.get("course_id") in rows]
    select_courses(uow, enrolment["id"], plan, payload["user_id"], wanted, payload["order_no"])


def order_refunded(uow, payload):
    """Withdraws the refunded courses bought with this order that the learner has not
    started; a started one stays (what was studied stays studied)."""
    enrolment = enrolment_of(uow, payload["user_id"], payload["plan_id"], lock=True)
    if enrolment is None:
        return
    query = select(selections.c.id, selections.c.course_id).outerjoin(
        course_progress, and_(course_progress.c.user_id == selections.c.user_id,
                              course_progress.c.course_id == selections.c.course_id)
    ).where(selections.c.enrolment_id == enrolment["id"], selections.c.status == "active",
            selections.c.order_no == payload["order_no"], course_progress.c.user_id.is_(None))
    if not payload["whole"]:
        query = query.where(selections.c.course_id.in_(payload["course_ids"]))
    now = uow.clock.now()
    for row in uow.session.execute(query).all():
        uow.session.execute(update(selections).where(selections.c.id == row.id).values(
            status="withdrawn", withdrawn_at=now))
        uow.add_event("course_withdrawn", {
            "enrolment_id": enrolment["id"], "user_id": payload["user_id"],
            "plan_id": payload["plan_id"], "course_id": row.course_id,
            "order_no": payload["order_no"], "withdrawn_at": now})
