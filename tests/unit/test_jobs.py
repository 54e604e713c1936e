"""The job mechanism on SQLite with a frozen clock: claims, leases, expiry, fencing of a
worker that lost its lease, checkpoints, retries and giving up."""
from datetime import timedelta

import pytest
from sqlalchemy import Column, Integer, String, Table, func, insert, select

from services.common.clock import as_utc
from services.common.db import inbox_table, outbox_table, service_metadata
from services.common.jobs import (JobFailed, JobKind, JobQueue, LeaseLost, Outcome, enqueue,
                                  jobs_table)
from services.common.scripting import UnitOfWorkFactory

metadata = service_metadata()
jobs = jobs_table(metadata)
# What the test jobs write: one row per item, unique, so a step done twice would show.
items = Table("items", metadata, Column("item", Integer, primary_key=True),
              Column("job_id", Integer, nullable=False), Column("note", String(20)))
outbox, inbox = outbox_table(metadata), inbox_table(metadata)
LEASE = timedelta(seconds=60)


@pytest.fixture
def db(tmp_path, clock):
    factory = UnitOfWorkFactory("test", outbox, inbox, url=f"sqlite:///{tmp_path / 'jobs.db'}",
                                clock=clock)
    metadata.create_all(factory.engine)
    return factory


@pytest.fixture
def queue():
    return JobQueue(jobs, lease=LEASE, max_attempts=3, retry_delay=timedelta(seconds=30))


def new_job(db, kind="count", **params):
    with db() as uow:
        job_id = enqueue(uow, jobs, kind, params=params, org_id=3, requested_by=7)
        uow.commit()
    return job_id


def job_row(db, job_id):
    with db() as uow:
        return dict(uow.session.execute(select(jobs).where(jobs.c.id == job_id)).mappings().one())


def claim(db, queue, kinds=("count",), job_id=None):
    with db() as uow:
        return queue.claim(uow, [JobKind(k, None) for k in kinds], job_id=job_id)


def item_count(db):
    with db() as uow:
        return uow.session.execute(select(func.count()).select_from(items)).scalar()


def counting(upto, per_step=2, crash_at=None):
    """A handler that writes items 1..upto, `per_step` per step, with its cursor; it
    "dies" (an exception that is not an error of the job) before writing `crash_at`."""
    class Crash(BaseException):
        pass

    def run(ctx):
        done = (ctx.job.checkpoint or {}).get("next", 1) - 1
        ctx.beat(done=done, total=upto)
        while done < upto:
            with ctx.db() as uow:
                batch = range(done + 1, min(done + per_step, upto) + 1)
                for item in batch:
                    if item == crash_at:
                        raise Crash()
                    uow.session.execute(insert(items).values(item=item, job_id=ctx.job.id))
                done = batch[-1]
                ctx.step(uow, {"next": done + 1}, done=done, total=upto)
                uow.commit()
        return Outcome(result={"items": upto}, result_key=f"exports/test/{ctx.job.id}.txt")
    run.Crash = Crash
    return run


def test_a_queued_job_is_claimed_once_and_its_lease_keeps_others_out(db, queue, clock):
    job_id = new_job(db, size=5)
    job = claim(db, queue)
    assert (job.id, job.kind, job.params, job.attempts) == (job_id, "count", {"size": 5}, 1)
    assert (job.org_id, job.requested_by, job.checkpoint) == (3, 7, None)
    row = job_row(db, job_id)
    assert row["status"] == "running" and row["lease_owner"] == job.lease_owner
    assert as_utc(row["lease_expires_at"]) == clock.now() + LEASE
    assert claim(db, queue) is None
    clock.advance(seconds=59)
    assert claim(db, queue) is None


def test_claim_takes_only_the_kinds_and_the_job_asked_for(db, queue):
    first, second = new_job(db, kind="export"), new_job(db, kind="count")
    assert claim(db, queue, kinds=("count",)).id == second
    assert claim(db, queue, kinds=("count",)) is None
    assert claim(db, queue, kinds=("export",), job_id=second) is None
    assert claim(db, queue, kinds=("export", "count"), job_id=first).id == first


def test_a_job_whose_lease_ran_out_goes_to_the_next_worker_and_the_old_one_is_fenced_off(
        db, queue, clock):
    job_id = new_job(db)
    old = claim(db, queue)
    with db() as uow:
        uow.session.execute(insert(items).values(item=1, job_id=job_id))
        queue.checkpoint(uow, old, {"next": 2}, done=1, total=4)
        uow.commit()
    clock.advance(seconds=61)
    new = claim(db, queue)
    assert new.id == job_id and new.attempts == 2 and new.lease_owner != old.lease_owner
    assert new.checkpoint == {"next": 2}  # the next worker continues where the first stopped
    with db() as uow:  # the first worker wakes up: its step must not count
        uow.session.execute(insert(items).values(item=2, job_id=job_id, note="stale"))
        with pytest.raises(LeaseLost):
            queue.checkpoint(uow, old, {"next": 3}, done=2, total=4)
    with db() as uow, pytest.raises(LeaseLost):
        queue.finish(uow, old, Outcome(result={"items": 1}))
    assert item_count(db) == 1
    row = job_row(db, job_id)
    assert (row["status"], row["checkpoint"], row["progress_done"]) == ("running", {"next": 2}, 1)


def test_steps_and_heartbeats_extend_the_lease(db, queue, clock):
    job_id = new_job(db)
    job = claim(db, queue)
    clock.advance(seconds=50)
    with db() as uow:
        queue.heartbeat(uow, job, done=0, total=10)
        uow.commit()
    clock.advance(seconds=50)
    assert claim(db, queue) is None
    with db() as uow:
        queue.checkpoint(uow, job, {"next": 3}, done=2)
        uow.commit()
    clock.advance(seconds=59)
    assert claim(db, queue) is None
    row = job_row(db, job_id)
    assert (row["progress_done"], row["progress_total"]) == (2, 10)
    clock.advance(seconds=2)
    assert claim(db, queue).id == job_id


def test_a_crashed_job_continues_from_its_cursor_and_does_each_step_once(db, queue, clock):
    job_id = new_job(db)
    crashing = counting(10, crash_at=6)
    with pytest.raises(crashing.Crash):
        queue.run(db, [JobKind("count", crashing)])
    assert item_count(db) == 4  # two steps committed, the third died with the worker
    row = job_row(db, job_id)
    assert (row["status"], row["checkpoint"], row["progress_done"]) == ("running", {"next": 5}, 4)
    assert queue.run_due(db, [JobKind("count", counting(10))]) == []  # lease still held
    clock.advance(seconds=61)
    assert queue.run_due(db, [JobKind("count", counting(10))]) == [job_id]
    with db() as uow:
        written = uow.session.execute(select(items.c.item).order_by(items.c.item)).scalars().all()
    assert written == list(range(1, 11))
    row = job_row(db, job_id)
    assert (row["status"], row["attempts"], row["result"]) == ("done", 2, {"items": 10})
    assert row["result_key"] == f"exports/test/{job_id}.txt" and row["lease_owner"] is None
    assert (row["progress_done"], row["progress_total"]) == (10, 10)
    assert row["finished_at"] is not None and row["started_at"] is not None


def test_a_job_that_keeps_dying_fails_after_its_attempts_with_a_chinese_message(
        db, queue, clock):
    job_id = new_job(db)
    dying = counting(10, crash_at=1)
    kind = JobKind("count", dying, gave_up="导入多次中断，未能完成，请重新导入")
    for _ in range(3):
        with pytest.raises(dying.Crash):
            queue.run(db, [kind])
        clock.advance(seconds=61)
    assert queue.run(db, [kind]) is None
    row = job_row(db, job_id)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert row["error"] == "导入多次中断，未能完成，请重新导入" and row["lease_owner"] is None


def test_an_error_is_retried_later_with_a_growing_delay_then_fails(db, queue, clock):
    job_id = new_job(db)
    calls = []

    def broken(ctx):
        calls.append(ctx.job.attempts)
        raise RuntimeError("database restarted")
    kind = JobKind("count", broken)
    assert queue.run(db, [kind]) == job_id
    row = job_row(db, job_id)
    assert row["status"] == "queued" and row["lease_owner"] is None
    clock.advance(seconds=29)
    assert queue.run(db, [kind]) is None
    clock.advance(seconds=1)
    assert queue.run(db, [kind]) == job_id
    clock.advance(seconds=59)
    assert queue.run(db, [kind]) is None
    clock.advance(seconds=1)
    assert queue.run(db, [kind]) == job_id
    assert calls == [1, 2, 3]
    row = job_row(db, job_id)
    assert (row["status"], row["error"]) == ("failed", "任务多次中断，未能完成，请重新提交")


def test_a_refusal_fails_the_job_at_once(db, queue, clock):
    job_id = new_job(db)

    def refuse(ctx):
        raise JobFailed("表头与模板不一致，请使用下载的模板")
    queue.run(db, [JobKind("count", refuse)])
    clock.advance(days=1)
    assert queue.run(db, [JobKind("count", refuse)]) is None
    row = job_row(db, job_id)
    assert (row["status"], row["error"], row["attempts"]) == (
        "failed", "表头与模板不一致，请使用下载的模板", 1)


def test_a_finished_job_is_never_claimed_again(db, queue, clock):
    job_id = new_job(db)
    assert queue.run(db, [JobKind("count", counting(3))]) == job_id
    clock.advance(days=1)
    assert claim(db, queue) is None and claim(db, queue, job_id=job_id) is None
    assert item_count(db) == 3
