"""What exam knows of learning, from learning's events: the plans (name, make-up and its
extra exams, which courses are examined), the learners' plans and courses, and which
courses each learner completed (学习进度100%: the course's exam opens). Plans and
selections are applied only when newer than what is held; a completion, once known, stays
— so the copy converges whatever the order of delivery."""
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from services.common.events import aggregate_version, is_newer

from .models import completions, enrolments, plan_courses, plans, selections


def _at(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def plan_changed(uow, payload, envelope):
    held = uow.session.execute(select(plans.c.version).where(
        plans.c.plan_id == payload["plan_id"])).scalar()
    if held is not None and not is_newer(envelope, held):
        return
    values = {"name": payload["name"], "year": payload["year"], "makeup": payload["makeup"],
              "extra_required_exams": payload.get("extra_required_exams") or 0,
              "status": payload["status"], "version": aggregate_version(envelope)}
    if held is None:
        uow.session.execute(insert(plans).values(plan_id=payload["plan_id"], **values))
    else:
        uow.session.execute(update(plans).where(plans.c.plan_id == payload["plan_id"])
                            .values(**values))
    uow.session.execute(delete(plan_courses).where(plan_courses.c.plan_id == payload["plan_id"]))
    if payload["courses"]:
        uow.session.execute(insert(plan_courses), [
            {"plan_id": payload["plan_id"], "course_id": c["course_id"], "title": c["title"],
             "exam_required": c["exam_required"]} for c in payload["courses"]])


def plan_activated(uow, payload):
    if uow.session.execute(select(enrolments.c.user_id).where(
            enrolments.c.user_id == payload["user_id"],
            enrolments.c.plan_id == payload["plan_id"])).first() is None:
        uow.session.execute(insert(enrolments).values(
            user_id=payload["user_id"], plan_id=payload["plan_id"],
            activated_at=_at(payload["activated_at"])))


def _selection(uow, payload, envelope, active):
    key = {"user_id": payload["user_id"], "plan_id": payload["plan_id"],
           "course_id": payload["course_id"]}
    held = uow.session.execute(select(selections.c.version).where(
        *(getattr(selections.c, k) == v for k, v in key.items()))).scalar()
    if held is not None and not is_newer(envelope, held):
        return
    version = aggregate_version(envelope)
    if held is None:
        uow.session.execute(insert(selections).values(**key, active=active, version=version))
    else:
        uow.session.execute(update(selections).where(
            *(getattr(selections.c, k) == v for k, v in key.items()))
            .values(active=active, version=version))


def course_selected(uow, payload, envelope):
    _selection(uow, payload, envelope, True)


def course_withdrawn(uow, payload, envelope):
    _selection(uow, payload, envelope, False)


def course_completed(uow, payload):
    """True when this completion is news (the course's exams then open to the learner)."""
    if uow.session.execute(select(completions.c.user_id).where(
            completions.c.user_id == payload["user_id"],
            completions.c.course_id == payload["course_id"])).first() is not None:
        return False
    uow.session.execute(insert(completions).values(
        user_id=payload["user_id"], course_id=payload["course_id"],
        completed_at=_at(payload["completed_at"])))
    return True


def completed(uow, user_id, course_id):
    return uow.session.execute(select(completions.c.completed_at).where(
        completions.c.user_id == user_id, completions.c.course_id == course_id)).scalar()
