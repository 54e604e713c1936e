"""What credited time adds up to: a course's progress and its completion when every
chapter is complete (course_completed, in each plan the learner has it in: exams open on
it), the first studied second of a plan (learning_started, 参训), and whether a plan is
now passed."""
from sqlalchemy import func, insert, select, update

from .domain import hours as hrs
from .models import chapters, course_progress, courses, enrolments, selections
from .plan_completion import evaluate


def _enrolments_with(uow, user_id, course_id):
    return uow.session.execute(
        select(selections.c.enrolment_id, selections.c.plan_id, selections.c.kind,
               enrolments.c.started_at)
        .join(enrolments, enrolments.c.id == selections.c.enrolment_id)
        .where(selections.c.user_id == int(user_id), selections.c.course_id == int(course_id),
               selections.c.status == "active")).mappings().all()


def chapter_credited(uow, user_id, course_id, delta_ms, at, chapter_completed):
    held = uow.session.execute(select(course_progress).where(
        course_progress.c.user_id == user_id, course_progress.c.course_id == course_id)
    ).mappings().first()
    done = 1 if chapter_completed else 0
    if held is None:
        uow.session.execute(insert(course_progress).values(
            user_id=user_id, course_id=course_id, chapters_completed=done, covered_ms=delta_ms,
            started_at=at, completed_at=None))
        completed_chapters, course_done = done, False
    else:
        uow.session.execute(update(course_progress).where(
            course_progress.c.user_id == user_id, course_progress.c.course_id == course_id)
            .values(covered_ms=course_progress.c.covered_ms + delta_ms,
                    chapters_completed=course_progress.c.chapters_completed + done))
        completed_chapters = held["chapters_completed"] + done
        course_done = held["completed_at"] is not None
    taken = _enrolments_with(uow, user_id, course_id)
    for enrolment in taken:
        if enrolment["started_at"] is None:
            uow.session.execute(update(enrolments).where(
                enrolments.c.id == enrolment["enrolment_id"]).values(started_at=at))
            uow.add_event("learning_started", {
                "enrolment_id": enrolment["enrolment_id"], "user_id": user_id,
                "plan_id": enrolment["plan_id"], "course_id": course_id, "started_at": at})
    if not chapter_completed or course_done:
        return
    total = uow.session.execute(select(func.count()).select_from(chapters).where(
        chapters.c.course_id == course_id, chapters.c.video_key.is_not(None))).scalar()
    if completed_chapters < total:
        return
    uow.session.execute(update(course_progress).where(
        course_progress.c.user_id == user_id, course_progress.c.course_id == course_id)
        .values(completed_at=at))
    course_hours = uow.session.execute(select(courses.c.hours).where(
        courses.c.id == course_id)).scalar()
    for enrolment in taken:
        uow.add_event("course_completed", {
            "enrolment_id": enrolment["enrolment_id"], "user_id": user_id,
            "plan_id": enrolment["plan_id"], "course_id": course_id,
            "kind": enrolment["kind"], "hours": hrs.text(course_hours), "completed_at": at})
        evaluate(uow, enrolment["enrolment_id"], at)
