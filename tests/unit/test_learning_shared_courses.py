"""One course may sit in several plans, and what was watched stays watched: a learner who
finished a course in one plan and then gets it in another (bought, or selected with an
activation) has studied and completed it there too — learning announces what that means
for the new plan (learning_started, course_completed) and passes the plan if that was
all it needed. Found by reporting's truth test: the new plan's copies showed nothing."""
import json
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from services.learning import models, purchases
from services.learning.domain.calendar import shanghai_today


def make_world(db):
    now = datetime.now(timezone.utc)
    today = shanghai_today(now)
    with db() as uow:
        s = uow.session
        course = s.execute(sa.insert(models.courses).values(
            title="人工智能与数字经济", teacher_name="陈静", hours="2.0", preview_seconds=0,
            status="active", created_at=now)).inserted_primary_key[0]
        s.execute(sa.insert(models.chapters).values(
            course_id=course, seq=1, title="第1节", video_key="v.webm", duration_ms=20_000,
            video_type="webm", created_at=now))
        plan = s.execute(sa.insert(models.plans).values(
            name="专业科目", year=today.year, kind="professional", makeup=False,
            total_hours="2.0", required_hours="0.0", pricing="per_hour", price_per_hour_fen=500,
            flat_price_fen=0, required_free=True, cards_allowed=False, extra_required_exams=0,
            opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1),
            pay_deadline=today + timedelta(days=1), scope_title_levels=[], scope_series=[],
            status="published", created_at=now, updated_at=now)).inserted_primary_key[0]
        s.execute(sa.insert(models.plan_courses).values(
            plan_id=plan, course_id=course, kind="elective", exam_required=False, seq=1))
        enrolment = s.execute(sa.insert(models.enrolments).values(
            plan_id=plan, user_id=7, status="learning", activated_at=now)
        ).inserted_primary_key[0]
        uow.commit()
    return {"course": course, "plan": plan, "enrolment": enrolment, "now": now}


def events(db, event_type):
    with db() as uow:
        return [json.loads(e)["payload"] for e in uow.session.execute(
            sa.select(models.outbox.c.envelope).where(models.outbox.c.event_type == event_type)
            .order_by(models.outbox.c.id)).scalars()]


def buy(db, world, order_no="CPE2026120100000001"):
    with db() as uow:
        purchases.order_paid(uow, {
            "order_no": order_no, "user_id": 7, "plan_id": world["plan"],
            "lines": [{"kind": "course", "course_id": world["course"], "hours": "2.0",
                       "price_fen": 1000}]})
        uow.commit()


def test_a_course_finished_in_another_plan_counts_in_the_plan_that_gets_it(uow_factory):
    db = uow_factory("learning")
    world = make_world(db)
    watched, finished = (world["now"] - timedelta(days=3), world["now"] - timedelta(days=2))
    with db() as uow:
        uow.session.execute(sa.insert(models.course_progress).values(
            user_id=7, course_id=world["course"], chapters_completed=1, covered_ms=20_000,
            started_at=watched, completed_at=finished))
        uow.commit()
    buy(db, world)
    [started] = events(db, "learning_started")
    [completed] = events(db, "course_completed")
    [passed] = events(db, "plan_completed")
    assert (started["enrolment_id"], datetime.fromisoformat(started["started_at"])) == (
        world["enrolment"], watched)
    assert (completed["plan_id"], completed["kind"], completed["hours"]) == (
        world["plan"], "elective", "2.0")
    assert datetime.fromisoformat(completed["completed_at"]) == finished
    assert passed["total_hours"] == "2.0"
    with db() as uow:
        enrolment = uow.session.execute(sa.select(models.enrolments).where(
            models.enrolments.c.id == world["enrolment"])).mappings().one()
    assert enrolment["status"] == "passed" and enrolment["started_at"] is not None
    buy(db, world)  # the same order again changes nothing
    assert len(events(db, "course_completed")) == len(events(db, "learning_started")) == 1


def test_a_course_never_studied_brings_nothing_but_its_selection(uow_factory):
    db = uow_factory("learning")
    world = make_world(db)
    buy(db, world)
    assert len(events(db, "course_selected")) == 1
    assert events(db, "learning_started") == events(db, "course_completed") == \
        events(db, "plan_completed") == []
