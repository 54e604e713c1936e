"""Who may sit an exam (问题三: 需确认学习进度为100%完成后，才可进行考试): a course's exam
opens to a learner once learning says they completed the course (course_completed) and
they hold the course — in the exam's plan, when the exam names one; a make-up plan's own
exams open to the learners who activated that plan. An exam opens to a learner once
(exam_opened, which reporting counts as 应参考): when the last of those facts arrives,
or when the exam is published to learners already eligible — in whatever order the
events come."""
from sqlalchemy import insert, select

from .models import candidates, completions, enrolments, exams, plans, selections


def _holds_course(uow, user_id, course_id, plan_id):
    query = select(selections.c.user_id).where(
        selections.c.user_id == user_id, selections.c.course_id == course_id,
        selections.c.active.is_(True))
    if plan_id is not None:
        query = query.where(selections.c.plan_id == plan_id)
    return uow.session.execute(query.limit(1)).first() is not None


def eligible(uow, exam, user_id):
    if exam["course_id"] is None:
        return uow.session.execute(select(enrolments.c.user_id).where(
            enrolments.c.user_id == user_id, enrolments.c.plan_id == exam["plan_id"])
        ).first() is not None
    completed = uow.session.execute(select(completions.c.user_id).where(
        completions.c.user_id == user_id, completions.c.course_id == exam["course_id"])
    ).first() is not None
    return completed and _holds_course(uow, user_id, exam["course_id"], exam["plan_id"])


def open_to(uow, exam, user_id):
    """Opens `exam` to the learner unless it is open already (their candidate row)."""
    if uow.session.execute(select(candidates.c.user_id).where(
            candidates.c.exam_id == exam["id"], candidates.c.user_id == user_id)
    ).first() is not None:
        return False
    uow.session.execute(insert(candidates).values(exam_id=exam["id"], user_id=user_id,
                                                  attempts_taken=0))
    uow.add_event("exam_opened", {"exam_id": exam["id"], "user_id": user_id,
                                  "course_id": exam["course_id"], "plan_id": exam["plan_id"],
                                  "opened_at": uow.clock.now()})
    return True


def recheck(uow, user_id, course_id=None, plan_id=None):
    """After news about a learner's course or plan: opens each published exam it now
    makes them eligible for."""
    query = select(exams).where(exams.c.status == "published")
    if course_id is not None:
        query = query.where(exams.c.course_id == course_id)
    else:
        query = query.where(exams.c.course_id.is_(None), exams.c.plan_id == plan_id)
    for exam in uow.session.execute(query).mappings().all():
        if eligible(uow, exam, user_id):
            open_to(uow, exam, user_id)


def open_for_eligible(uow, exam):
    """At publishing: every learner already eligible."""
    if exam["course_id"] is None:
        users = select(enrolments.c.user_id).where(enrolments.c.plan_id == exam["plan_id"])
    else:
        held = select(selections.c.user_id).where(
            selections.c.course_id == exam["course_id"], selections.c.active.is_(True))
        if exam["plan_id"] is not None:
            held = held.where(selections.c.plan_id == exam["plan_id"])
        users = select(completions.c.user_id).where(
            completions.c.course_id == exam["course_id"],
            completions.c.user_id.in_(held))
    opened = select(candidates.c.user_id).where(candidates.c.exam_id == exam["id"])
    newly = uow.session.execute(users.where(users.selected_columns[0].not_in(opened))
                                ).scalars().all()
    for start in range(0, len(newly), 1000):  # in bulk: an exam may open to thousands
        chunk = newly[start:start + 1000]
        uow.session.execute(insert(candidates), [
            {"exam_id": exam["id"], "user_id": u, "attempts_taken": 0} for u in chunk])
        now = uow.clock.now()
        uow.add_events("exam_opened", [
            {"exam_id": exam["id"], "user_id": u, "course_id": exam["course_id"],
             "plan_id": exam["plan_id"], "opened_at": now} for u in chunk])


def makeup_plan(uow, plan_id):
    return bool(uow.session.execute(select(plans.c.makeup).where(
        plans.c.plan_id == plan_id)).scalar())


