"""What credited time adds up to: a course's progress and its completion when every
chapter is complete (course_completed, in each plan the learner has it in: exams open on
it), the first studied second of a plan (learning_started, 参训), and whether a plan is
now passed. Applied for a whole batch of heartbeats at once: a few statements per batch,
not per learner."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, insert, select, tuple_, update

from .domain import hours as hrs
from .models import chapters, course_progress, courses, enrolments, selections
from .plan_completion import evaluate


@dataclass(frozen=True)
class Credit:
    """Watched time newly covered in one chapter of a course, by one learner."""
    user_id: int
    course_id: int
    delta_ms: int
    at: datetime
    chapter_completed: bool


def apply_credits(uow, credits):
    if not credits:
        return
    pairs = list({(c.user_id, c.course_id) for c in credits})
    held = {(r["user_id"], r["course_id"]): dict(r) for r in uow.session.execute(
        select(course_progress).where(tuple_(course_progress.c.user_id,
                                             course_progress.c.course_id).in_(pairs))
    ).mappings()}
    fresh, changes = {}, {}
    for c in credits:
        key = (c.user_id, c.course_id)
        target = changes if key in held else fresh
        entry = target.setdefault(key, {"delta": 0, "done": 0, "at": c.at})
        entry["delta"] += c.delta_ms
        entry["done"] += 1 if c.chapter_completed else 0
        entry["at"] = max(entry["at"], c.at)
    if fresh:
        uow.session.execute(insert(course_progress), [
            {"user_id": u, "course_id": k, "chapters_completed": e["done"],
             "covered_ms": e["delta"], "started_at": e["at"], "completed_at": None}
            for (u, k), e in fresh.items()])
    if changes:
        uow.session.execute(
            update(course_progress).where(and_(
                course_progress.c.user_id == bindparam("uid"),
                course_progress.c.course_id == bindparam("cid")))
            .values(covered_ms=course_progress.c.covered_ms + bindparam("delta"),
                    chapters_completed=course_progress.c.chapters_completed + bindparam("done")),
            [{"uid": u, "cid": k, "delta": e["delta"], "done": e["done"]}
             for (u, k), e in changes.items()],
            execution_options={"synchronize_session": False})
    _first_study(uow, pairs, {**changes, **fresh})
    for (user_id, course_id), entry in {**changes, **fresh}.items():
        if entry["done"]:
            done_before = held.get((user_id, course_id), {})
            if done_before.get("completed_at") is None:
                _maybe_complete(uow, user_id, course_id,
                                done_before.get("chapters_completed", 0) + entry["done"],
                                entry["at"])


def _first_study(uow, pairs, entries):
    """learning_started for each enrolment whose first studied second this is."""
    rows = uow.session.execute(
        select(selections.c.enrolment_id, selections.c.plan_id, selections.c.user_id,
               selections.c.course_id)
        .join(enrolments, enrolments.c.id == selections.c.enrolment_id)
        .where(tuple_(selections.c.user_id, selections.c.course_id).in_(pairs),
               selections.c.status == "active", enrolments.c.started_at.is_(None))).all()
    starts = {}
    for row in rows:  # one course may sit in several of the learner's plans
        starts.setdefault(row.enrolment_id, row)
    if not starts:
        return
    uow.session.execute(
        update(enrolments).where(enrolments.c.id == bindparam("eid"))
        .values(started_at=bindparam("at")),
        [{"eid": e, "at": entries[(r.user_id, r.course_id)]["at"]} for e, r in starts.items()],
        execution_options={"synchronize_session": False})
    uow.add_events("learning_started", [
        {"enrolment_id": e, "user_id": r.user_id, "plan_id": r.plan_id,
         "course_id": r.course_id, "started_at": entries[(r.user_id, r.course_id)]["at"]}
        for e, r in starts.items()])


def _maybe_complete(uow, user_id, course_id, completed_chapters, at):
    total = uow.session.execute(select(func.count()).select_from(chapters).where(
        chapters.c.course_id == course_id, chapters.c.video_key.is_not(None))).scalar()
    if completed_chapters < total:
        return
    uow.session.execute(update(course_progress).where(
        course_progress.c.user_id == user_id, course_progress.c.course_id == course_id)
        .values(completed_at=at))
    course_hours = uow.session.execute(select(courses.c.hours).where(
        courses.c.id == course_id)).scalar()
    taken = uow.session.execute(
        select(selections.c.enrolment_id, selections.c.plan_id, selections.c.kind)
        .where(selections.c.user_id == user_id, selections.c.course_id == course_id,
               selections.c.status == "active")).all()
    for enrolment in taken:
        uow.add_event("course_completed", {
            "enrolment_id": enrolment.enrolment_id, "user_id": user_id,
            "plan_id": enrolment.plan_id, "course_id": course_id, "kind": enrolment.kind,
            "hours": hrs.text(course_hours), "completed_at": at})
        evaluate(uow, enrolment.enrolment_id, at)
