"""A plan passes (已通过) when the learner's standing meets the plan's rule
(domain/completion.py): plan_completed is published and the certificate is queued (a job
renders and signs it)."""
import secrets

from sqlalchemy import insert, select, update

from services.common.jobs import enqueue

from .domain import hours as hrs
from .domain.calendar import shanghai_today
from .domain.completion import passed
from .models import certificates, enrolments, jobs
from .plans import get_plan

# Crockford's base32 without I, L, O, U: read aloud or typed from paper without doubt.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code():
    """A certificate's verification code: 16 characters (80 random bits), in four groups."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def evaluate(uow, enrolment_id, at):
    """Pass the enrolment if its standing now meets the plan's rule; once only."""
    from .enrolment import standing_of
    enrolment = uow.session.execute(select(enrolments).where(
        enrolments.c.id == enrolment_id).with_for_update()).mappings().first()
    if enrolment is None or enrolment["status"] == "passed":
        return False
    plan = get_plan(uow, enrolment["plan_id"])
    st = standing_of(uow, plan, dict(enrolment))
    if not passed(plan, st):
        return False
    uow.session.execute(update(enrolments).where(enrolments.c.id == enrolment_id).values(
        status="passed", passed_at=at))
    uow.add_event("plan_completed", {
        "enrolment_id": enrolment_id, "user_id": enrolment["user_id"], "plan_id": plan["id"],
        "required_hours": hrs.text(st.required_completed),
        "elective_hours": hrs.text(st.elective_completed),
        "total_hours": hrs.text(st.total_completed), "completed_at": at})
    uow.session.execute(insert(certificates).values(
        code=new_code(), enrolment_id=enrolment_id, user_id=enrolment["user_id"],
        plan_id=plan["id"], status="pending",
        fields={"required_hours": hrs.text(st.required_completed),
                "elective_hours": hrs.text(st.elective_completed),
                "hours_total": hrs.text(st.total_completed),
                "completed_on": shanghai_today(at).isoformat()}))
    job_id = enqueue(uow, jobs, "certificate", params={"enrolment_id": enrolment_id},
                     requested_by=enrolment["user_id"])
    uow.add_event("certificate_requested", {"job_id": job_id, "enrolment_id": enrolment_id})
    return True
