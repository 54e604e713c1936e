"""Exam races on PostgreSQL, where they are real (two exam replicas, calls at once): fifty
starts at the same moment from one learner make one attempt — every caller continues the
same one — and once the allowed attempts are used, fifty more starts are all refused."""
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import DomainError
from services.common.scripting import UnitOfWorkFactory
from services.exam import models
from services.exam.service import ExamService
from tests.integration.conftest import service_config

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
LEARNER = {"user_id": 9001, "role": "learner", "org_id": None, "org_path": "/1/"}


@pytest.fixture
def exam_pg(postgres_url, amqp_uri, container_factory):
    url = postgres_url("exam")
    for _ in range(2):
        container_factory(ExamService, service_config(amqp_uri, url)).start()
    db = UnitOfWorkFactory("exam", models.outbox, models.inbox, url=url)
    now = datetime.now(timezone.utc)
    with db() as uow:
        s = uow.session
        s.execute(sa.insert(models.selections).values(user_id=9001, plan_id=1, course_id=7,
                                                      active=True, version=1))
        s.execute(sa.insert(models.completions).values(user_id=9001, course_id=7,
                                                       completed_at=now))
        s.execute(sa.insert(models.questions), [
            {"course_id": 7, "type": "judge", "stem": f"判断{i}", "options": [],
             "answer": [True], "difficulty": 1, "tags": [], "status": "active",
             "created_at": now, "updated_at": now} for i in range(5)])
        s.execute(sa.insert(models.exams).values(
            name="并发考试", course_id=7, plan_id=None, bank_course_id=7,
            paper_rule={"mode": "random", "draws": [{"type": "judge", "count": 5,
                                                     "score": 20}]},
            total_score=100, pass_score=60, duration_minutes=30,
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
            attempts_allowed=3, exempt_attempts=0, status="published", created_at=now,
            updated_at=now))
        uow.commit()
    return db


def at_once(amqp_uri, n, call):
    def one(i):
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            try:
                return call(rpc.exam, i)
            except DomainError as exc:
                return exc
    return list(eventlet.GreenPool(n).imap(one, range(n)))


def test_fifty_starts_at_once_make_one_attempt_and_the_limit_holds(exam_pg, amqp_uri):
    exam_id = 1
    for round_ in range(3):
        results = at_once(amqp_uri, 50, lambda exam, i: exam.start_attempt(LEARNER, exam_id))
        assert all(isinstance(r, dict) for r in results), [r for r in results
                                                          if not isinstance(r, dict)][:3]
        assert len({r["token"] for r in results}) == 1
        assert {r["number"] for r in results} == {round_ + 1}
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            graded = rpc.exam.submit_attempt(LEARNER, results[0]["token"], {})
        assert graded["status"] == "graded" and graded["score"] == 0
    refused = at_once(amqp_uri, 50, lambda exam, i: exam.start_attempt(LEARNER, exam_id))
    assert {getattr(r, "code", None) for r in refused} == {"attempts_exhausted"}
    with exam_pg() as uow:
        s = uow.session
        assert s.execute(sa.select(sa.func.count()).select_from(models.attempts)).scalar() == 3
        assert s.execute(sa.select(models.candidates.c.attempts_taken)).scalar() == 3
        assert s.execute(sa.select(sa.func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "attempt_submitted")).scalar() == 3
        assert s.execute(sa.select(sa.func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "exam_opened")).scalar() == 1
