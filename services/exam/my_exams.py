"""我的考试: every exam the learner has — the exams of the courses they hold (in the exam's
plan, when it names one) and the own exams of their make-up plans — with its plan, window,
duration, pass line, attempts left, best score and status; and each examined course whose
exam nobody has scheduled yet, as not available with the reason (问题三: 如管理员没有安排
考试…)."""
from sqlalchemy import and_, or_, select

from services.common.clock import as_utc

from .access import require_learner
from .domain import standing
from .models import (attempts, candidates, completions, enrolments, exams, plan_courses, plans,
                     selections)

NOT_SCHEDULED = "管理员尚未安排该课程的考试"


def listing(uow, actor):
    user_id = require_learner(actor)
    now = uow.clock.now()
    held = uow.session.execute(select(selections.c.plan_id, selections.c.course_id).where(
        selections.c.user_id == user_id, selections.c.active.is_(True))).all()
    plan_ids = {p for p, _ in held} | set(uow.session.execute(
        select(enrolments.c.plan_id).where(enrolments.c.user_id == user_id)).scalars())
    course_ids = {c for _, c in held}
    rows = uow.session.execute(select(exams).where(
        exams.c.status.in_(("published", "closed")),
        or_(and_(exams.c.course_id.in_(course_ids),
                 or_(exams.c.plan_id.is_(None), exams.c.plan_id.in_(plan_ids))),
            and_(exams.c.course_id.is_(None), exams.c.plan_id.in_(plan_ids))))
        .order_by(exams.c.opens_at, exams.c.id)).mappings().all()
    rows = [r for r in rows if r["course_id"] is None or r["plan_id"] is None
            or (r["plan_id"], r["course_id"]) in set(held)]
    names = dict(uow.session.execute(select(plans.c.plan_id, plans.c.name).where(
        plans.c.plan_id.in_(plan_ids))).all())
    titles = dict(uow.session.execute(select(plan_courses.c.course_id, plan_courses.c.title)
                                      .where(plan_courses.c.course_id.in_(course_ids))).all())
    done = set(uow.session.execute(select(completions.c.course_id).where(
        completions.c.user_id == user_id)).scalars())
    standings = {r["exam_id"]: r for r in uow.session.execute(select(candidates).where(
        candidates.c.user_id == user_id, candidates.c.exam_id.in_([r["id"] for r in rows]))
    ).mappings()}
    open_ones = {r.exam_id: r.token for r in uow.session.execute(
        select(attempts.c.exam_id, attempts.c.token, attempts.c.deadline_at).where(
            attempts.c.user_id == user_id, attempts.c.status == "open")) if
        as_utc(r.deadline_at) > now}
    last_results = {}
    for exam_id, token in uow.session.execute(
            select(attempts.c.exam_id, attempts.c.token).where(
                attempts.c.user_id == user_id, attempts.c.status == "graded")
            .order_by(attempts.c.number)):
        last_results[exam_id] = token  # the latest graded attempt of each exam
    plan_of = {}
    for plan_id, course_id in held:
        plan_of.setdefault(course_id, plan_id)
    items = []
    for exam in rows:
        mine = standings.get(exam["id"]) or {}
        taken = mine.get("attempts_taken", 0)
        left = standing.left(exam["attempts_allowed"], exam["exempt_attempts"], taken)
        eligible = exam["course_id"] is None or exam["course_id"] in done
        status, reason = standing.status(
            now, as_utc(exam["opens_at"]), as_utc(exam["closes_at"]),
            exam["status"] == "published", eligible, mine.get("passed_at") is not None,
            taken, left, exam["id"] in open_ones)
        plan_id = exam["plan_id"] or plan_of.get(exam["course_id"])
        items.append({
            "exam_id": exam["id"], "name": exam["name"], "exam_type": exam["exam_type"],
            "plan_id": plan_id, "plan_name": names.get(plan_id),
            "course_id": exam["course_id"], "course_title": titles.get(exam["course_id"]),
            "opens_at": as_utc(exam["opens_at"]).isoformat(),
            "closes_at": as_utc(exam["closes_at"]).isoformat(),
            "duration_minutes": exam["duration_minutes"], "pass_score": exam["pass_score"],
            "total_score": exam["total_score"], "attempts_allowed": exam["attempts_allowed"],
            "attempts_taken": taken, "remaining_attempts": left.attempts,
            "remaining_exempt_attempts": left.exempt, "best_score": mine.get("best_score"),
            "counted_score": mine.get("counted_score"), "status": status,
            "status_label": standing.STATUS_LABELS[status], "reason": reason,
            "open_attempt": open_ones.get(exam["id"]),
            "last_result": last_results.get(exam["id"])})
    scheduled = {r["course_id"] for r in rows if r["course_id"] is not None}
    for plan_id, course_id, title in uow.session.execute(
            select(plan_courses.c.plan_id, plan_courses.c.course_id, plan_courses.c.title)
            .join(plans, plans.c.plan_id == plan_courses.c.plan_id)
            .where(plan_courses.c.exam_required.is_(True), plans.c.status == "published",
                   plan_courses.c.course_id.in_(course_ids))).all():
        if course_id in scheduled or (plan_id, course_id) not in set(held):
            continue
        scheduled.add(course_id)
        items.append({"exam_id": None, "name": f"{title}考试", "exam_type": None,
                      "plan_id": plan_id, "plan_name": names.get(plan_id),
                      "course_id": course_id, "course_title": title, "opens_at": None,
                      "closes_at": None, "duration_minutes": None, "pass_score": None,
                      "total_score": None, "attempts_allowed": None, "attempts_taken": 0,
                      "remaining_attempts": None, "remaining_exempt_attempts": None,
                      "best_score": None, "counted_score": None, "status": "unavailable",
                      "status_label": standing.STATUS_LABELS["unavailable"],
                      "reason": NOT_SCHEDULED, "open_attempt": None, "last_result": None})
    return {"items": items}
