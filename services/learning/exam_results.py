"""Exam results from the exam service's events: the best score per learner and exam, and
the first pass — after which the learner's plans containing the exam's course (or the
plan's own exam) are checked for completion."""
from datetime import datetime

from sqlalchemy import insert, select, update

from .models import exam_results, selections
from .plan_completion import evaluate


def _held(uow, payload):
    return uow.session.execute(select(exam_results).where(
        exam_results.c.user_id == payload["user_id"],
        exam_results.c.exam_id == payload["exam_id"]).with_for_update()).mappings().first()


def _ensure(uow, payload):
    held = _held(uow, payload)
    if held is None:
        uow.session.execute(insert(exam_results).values(
            user_id=payload["user_id"], exam_id=payload["exam_id"],
            course_id=payload.get("course_id"), plan_id=payload.get("plan_id"),
            best_score=None, attempts=0, passed_at=None))
        held = _held(uow, payload)
    return held


def attempt_submitted(uow, payload):
    held = _ensure(uow, payload)
    best = max(held["best_score"] or 0, payload["score"]) if held["best_score"] is not None \
        else payload["score"]
    uow.session.execute(update(exam_results).where(
        exam_results.c.user_id == payload["user_id"],
        exam_results.c.exam_id == payload["exam_id"]).values(
        best_score=best, attempts=exam_results.c.attempts + 1))


def exam_passed(uow, payload):
    held = _ensure(uow, payload)
    at = datetime.fromisoformat(payload["passed_at"])
    values = {"best_score": max(held["best_score"] or 0, payload["score"])}
    if held["passed_at"] is None:
        values["passed_at"] = at
    uow.session.execute(update(exam_results).where(
        exam_results.c.user_id == payload["user_id"],
        exam_results.c.exam_id == payload["exam_id"]).values(**values))
    query = select(selections.c.enrolment_id).where(
        selections.c.user_id == payload["user_id"], selections.c.status == "active")
    if payload.get("course_id") is not None:
        query = query.where(selections.c.course_id == payload["course_id"])
    elif payload.get("plan_id") is not None:
        query = query.where(selections.c.plan_id == payload["plan_id"])
    for enrolment_id in set(uow.session.execute(query).scalars()):
        evaluate(uow, enrolment_id, at)
