"""Workers racing for jobs on PostgreSQL (psycopg2 made cooperative by psycogreen, so the
green threads' transactions really interleave): each job is claimed by one of them."""
from datetime import timedelta

import eventlet
import pytest
import sqlalchemy as sa

from services.common.jobs import JobKind, JobQueue, enqueue
from services.common.runtime import prepare_service_process
from services.common.scripting import UnitOfWorkFactory
from services.identity import models

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
KINDS = [JobKind("learner_import", None)]

prepare_service_process()


@pytest.fixture
def workers(postgres_url, clock):
    """Four workers, each with its own engine (connection pool), on one database."""
    url = postgres_url("identity")
    made = [UnitOfWorkFactory("identity", models.outbox, models.inbox, url=url, clock=clock)
            for _ in range(4)]
    yield made
    for factory in made:
        factory.engine.dispose()


def queue_jobs(db, count):
    with db() as uow:
        ids = [enqueue(uow, models.jobs, "learner_import", params={"n": n}, org_id=1,
                       requested_by=1) for n in range(count)]
        uow.commit()
    return ids


def race(workers, queue, job_id=None):
    """Every worker claims at the same moment; what each got."""
    start = eventlet.event.Event()

    def claim(db):
        start.wait()
        with db() as uow:
            job = queue.claim(uow, KINDS, job_id=job_id)
        return job and job.id
    threads = [eventlet.spawn(claim, db) for db in workers]
    eventlet.sleep(0)
    start.send()
    return [t.wait() for t in threads]


@pytest.mark.parametrize("state", ["queued", "lease_expired"])
def test_workers_racing_for_one_job_get_it_once(workers, clock, state):
    queue = JobQueue(models.jobs, lease=timedelta(seconds=60))
    for _ in range(15):
        (job_id,) = queue_jobs(workers[0], 1)
        if state == "lease_expired":  # its worker died: the others race to take it over
            with workers[0]() as uow:
                assert queue.claim(uow, KINDS, job_id=job_id).id == job_id
            clock.advance(seconds=61)
        got = race(workers, queue, job_id=job_id)
        assert sorted(got, key=bool) == [None, None, None, job_id]
        with workers[0]() as uow:
            attempts = uow.session.execute(sa.select(models.jobs.c.attempts).where(
                models.jobs.c.id == job_id)).scalar()
        assert attempts == (1 if state == "queued" else 2)


def test_workers_draining_a_queue_take_every_job_exactly_once(workers):
    queue = JobQueue(models.jobs, lease=timedelta(seconds=60))
    ids = queue_jobs(workers[0], 60)
    claimed = []
    while True:
        got = [job_id for job_id in race(workers, queue) if job_id]
        if not got:
            break
        claimed.extend(got)
    assert sorted(claimed) == ids
