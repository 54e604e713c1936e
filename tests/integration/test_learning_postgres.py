"""learning on PostgreSQL, where races are real: a learner's many simultaneous 去激活 make
one enrolment; two learning replicas consuming the heartbeat queue together credit every
learner exactly; an order notified twice at once selects its courses once."""
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Producer
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import Conflict
from services.common.relay import event_exchange
from services.common.scripting import UnitOfWorkFactory
from services.learning import heartbeat_queue, models
from services.learning.domain.calendar import shanghai_today
from services.learning.service import LearningService
from tests.conftest import eventually
from tests.foreign_producer import ForeignProducer
from tests.integration.conftest import service_config

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
OPERATOR = {"user_id": 1, "role": "operator"}


@pytest.fixture
def learning_pg(postgres_url, amqp_uri, container_factory):
    url = postgres_url("learning")
    replicas = []
    for _ in range(2):
        container = container_factory(LearningService, service_config(
            amqp_uri, url, HEARTBEAT_BATCH_MS=50))
        container.start()
        replicas.append(container)
    db = UnitOfWorkFactory("learning", models.outbox, models.inbox, url=url)
    return {"url": url, "db": db, "replicas": replicas}


def make_plan(db, learners):
    """A published plan with one required course of one 10-minute chapter, and an
    elective; learners enrolled in it with a playback each (as 开始学习 leaves them)."""
    now = datetime.now(timezone.utc)
    today = shanghai_today(now)
    with db() as uow:
        s = uow.session
        course = s.execute(sa.insert(models.courses).values(
            title="并发课程", teacher_name="王老师", hours="2.0", preview_seconds=0,
            status="active", created_at=now)).inserted_primary_key[0]
        elective = s.execute(sa.insert(models.courses).values(
            title="并发选修", teacher_name="王老师", hours="1.0", preview_seconds=0,
            status="active", created_at=now)).inserted_primary_key[0]
        chapter = s.execute(sa.insert(models.chapters).values(
            course_id=course, seq=1, title="第1节", video_key="v.webm", duration_ms=600_000,
            video_type="webm", created_at=now)).inserted_primary_key[0]
        plan = s.execute(sa.insert(models.plans).values(
            name="并发计划", year=today.year, kind="public", makeup=False, total_hours="3.0",
            required_hours="2.0", pricing="per_hour", price_per_hour_fen=500,
            flat_price_fen=0, required_free=True, cards_allowed=False,
            extra_required_exams=0, opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=1), pay_deadline=today + timedelta(days=1),
            scope_title_levels=[], scope_series=[], status="published", created_at=now,
            updated_at=now)).inserted_primary_key[0]
        s.execute(sa.insert(models.plan_courses), [
            {"plan_id": plan, "course_id": course, "kind": "required", "exam_required": False,
             "seq": 1},
            {"plan_id": plan, "course_id": elective, "kind": "elective",
             "exam_required": False, "seq": 2}])
        for user in learners:
            enrolment = s.execute(sa.insert(models.enrolments).values(
                plan_id=plan, user_id=user, status="learning", activated_at=now)
            ).inserted_primary_key[0]
            s.execute(sa.insert(models.selections).values(
                enrolment_id=enrolment, plan_id=plan, user_id=user, course_id=course,
                kind="required", status="active", selected_at=now))
            s.execute(sa.insert(models.playbacks).values(
                user_id=user, session_id=f"session-{user}", chapter_id=chapter,
                course_id=course, duration_ms=600_000, started_at=now, last_seq=0,
                last_position_ms=0, last_at=now, playing=False, anchor_at=now,
                credited_since_anchor_ms=0))
        uow.commit()
    return {"plan": plan, "course": course, "elective": elective, "chapter": chapter}


def test_simultaneous_activations_make_one_enrolment(learning_pg, amqp_uri):
    ids = make_plan(learning_pg["db"], [])
    actor = {"user_id": 4242, "role": "learner", "org_id": None, "org_path": "/1/"}

    def activate(_):
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            try:
                return rpc.learning.activate_plan(actor, ids["plan"])
            except Conflict as exc:
                return exc
    results = list(eventlet.GreenPool(20).imap(activate, range(20)))
    assert len([r for r in results if isinstance(r, dict)]) == 1
    assert {r.code for r in results if isinstance(r, Conflict)} == {"plan_already_activated"}
    with learning_pg["db"]() as uow:
        assert uow.session.execute(sa.select(sa.func.count()).select_from(models.enrolments)
                                   .where(models.enrolments.c.user_id == 4242)).scalar() == 1


def test_two_replicas_apply_heartbeats_together_and_credit_each_learner_exactly(
        learning_pg, amqp_uri):
    learners = list(range(5000, 5200))
    ids = make_plan(learning_pg["db"], learners)
    start = datetime.now(timezone.utc)
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=heartbeat_queue.EXCHANGE,
                            routing_key=heartbeat_queue.ROUTING_KEY)
        for k in range(6):  # a round every 10 s of play, for every learner at once
            for user in learners:
                producer.publish({
                    "user_id": user, "session_id": f"session-{user}",
                    "chapter_id": ids["chapter"], "seq": k + 1,
                    "event": "play" if k == 0 else "tick", "position_ms": k * 10_000,
                    "from_position_ms": None,
                    "received_at": (start + timedelta(seconds=10 * k)).isoformat()})
            eventually(lambda k=k: _all_at(learning_pg["db"], learners, k + 1), timeout=30)
    with learning_pg["db"]() as uow:
        covered = dict(uow.session.execute(sa.select(
            models.chapter_progress.c.user_id, models.chapter_progress.c.covered_ms)).all())
        started = uow.session.execute(sa.select(sa.func.count()).select_from(models.outbox)
                                      .where(models.outbox.c.event_type == "learning_started")
                                      ).scalar()
    assert covered == {user: 50_000 for user in learners}
    assert started == len(learners)  # once per enrolment, whichever replica saw it first


def _all_at(db, learners, seq):
    with db() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(models.playbacks)
                                   .where(models.playbacks.c.user_id.in_(learners),
                                          models.playbacks.c.last_seq == seq)
                                   ).scalar() == len(learners)


def test_an_order_delivered_twice_at_once_selects_its_course_once(learning_pg, amqp_uri,
                                                                   tmp_path):
    ids = make_plan(learning_pg["db"], [7001])
    billing = ForeignProducer("billing", amqp_uri, tmp_path)
    envelope = billing.publish("order_paid", {
        "order_no": "CPE20261201RACE0001", "user_id": 7001, "plan_id": ids["plan"],
        "lines": [{"kind": "course", "course_id": ids["elective"], "hours": "1.0",
                   "price_fen": 500}], "total_fen": 500, "channel": "alipay",
        "paid_at": datetime.now(timezone.utc)})
    # The broker hands the same event to both replicas again (a redelivery after a crash).
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=event_exchange("billing"))
        for _ in range(4):
            producer.publish(envelope, routing_key="order_paid")

    def selected():
        with learning_pg["db"]() as uow:
            return uow.session.execute(sa.select(models.selections).where(
                models.selections.c.user_id == 7001,
                models.selections.c.course_id == ids["elective"])).all()
    eventually(selected, timeout=15)
    eventlet.sleep(2)  # the redeliveries are applied (or skipped) meanwhile
    assert len(selected()) == 1
    with learning_pg["db"]() as uow:
        events = uow.session.execute(sa.select(sa.func.count()).select_from(models.outbox)
                                     .where(models.outbox.c.event_type == "course_selected")
                                     ).scalar()
    assert events == 1
