"""Long work as jobs: imports now; exports, certificate batches and card batches later.

A job is a row of the service's `jobs` table. The request that starts one only enqueues
it (in its own unit of work) and returns; a worker claims it with a lease, runs the kind's
handler, and marks it done or failed. The handler works in steps and records its cursor
with each step's writes (`JobContext.step`), so a worker that dies mid-job leaves a job
whose lease runs out; the next claim continues from the cursor, and nothing is done twice.

Plain SQLAlchemy Core on a `UnitOfWork`; time comes from the unit of work's clock. How a
service wires it to Nameko: an event it sends itself starts a new job at once, and a
timer (`sweep_seconds()`) runs whatever is claimable, which includes jobs whose worker
died. See docs/architecture.md, "Jobs".
"""
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import (JSON, Column, DateTime, Index, Integer, String, Table, Text, and_, func,
                        insert, or_, select, update)

from .db import BigId
from .settings import env

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
GAVE_UP = "任务多次中断，未能完成，请重新提交"


def jobs_table(metadata, *extra_columns):
    """The job table of one service. `org_id` and `requested_by` say whose job it is (for
    lists and jurisdiction); a service adds its own columns through `extra_columns`."""
    table = Table(
        "jobs", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("kind", String(40), nullable=False),
        Column("status", String(20), nullable=False),  # queued | running | done | failed
        Column("org_id", Integer),
        Column("requested_by", BigId, index=True),
        Column("params", JSON, nullable=False),
        # The handler's cursor, written in the same transaction as the step it describes.
        Column("checkpoint", JSON),
        Column("progress_done", Integer, nullable=False),
        Column("progress_total", Integer),
        Column("result", JSON),
        Column("result_key", String(200)),  # a file in the service's file store
        Column("error", Text),  # why it failed, in Chinese: shown to the person
        Column("attempts", Integer, nullable=False),  # claims so far
        Column("lease_owner", String(80)),  # who runs it; a fresh token per claim
        Column("lease_expires_at", DateTime(timezone=True)),
        Column("not_before", DateTime(timezone=True)),  # a retry waits until then
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("started_at", DateTime(timezone=True)),
        Column("finished_at", DateTime(timezone=True)),
        *extra_columns,
    )
    unfinished = table.c.status.in_([QUEUED, RUNNING])
    Index("ix_jobs_unfinished", table.c.id, postgresql_where=unfinished,
          sqlite_where=unfinished)
    return table


def enqueue(uow, table, kind, *, params=None, org_id=None, requested_by=None):
    """Queue a job in the caller's unit of work (committed with the caller's writes)."""
    return uow.session.execute(insert(table).values(
        kind=kind, status=QUEUED, org_id=org_id, requested_by=requested_by,
        params=params or {}, progress_done=0, attempts=0, created_at=uow.clock.now())
    ).inserted_primary_key[0]


class LeaseLost(Exception):
    """Another worker holds the job now (this one was too slow, or the job was ended):
    stop, and roll back the step being written."""


class JobFailed(Exception):
    """A handler's final refusal (a bad file...): no retry. The message is shown."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Job:
    """A claimed job, as its handler sees it."""
    id: int
    kind: str
    params: dict
    checkpoint: dict | None
    org_id: int | None
    requested_by: int | None
    attempts: int
    lease_owner: str


@dataclass
class Outcome:
    """What a handler hands back: a small JSON result and/or the key of a result file."""
    result: dict | None = None
    result_key: str | None = None


@dataclass
class JobKind:
    """A kind of job and its handler: `run(ctx) -> Outcome | None`. `gave_up` is the
    error a person sees once the job failed `max_attempts` times."""
    name: str
    run: Callable
    gave_up: str = GAVE_UP


@dataclass
class JobQueue:
    """Claims and runs the jobs of one table. `lease`: how long a worker may go without
    a heartbeat or step before others may take the job over; `max_attempts`: claims
    before the job is failed; `retry_delay`: the wait after an error, doubled each time."""
    table: Table
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 3
    retry_delay: timedelta = timedelta(seconds=30)
    worker_name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @classmethod
    def from_env(cls, table):
        return cls(table, lease=timedelta(seconds=float(env("JOB_LEASE_SECONDS", "120"))),
                   max_attempts=int(env("JOB_MAX_ATTEMPTS", "3")),
                   retry_delay=timedelta(seconds=float(env("JOB_RETRY_SECONDS", "30"))))

    # --- claiming ----------------------------------------------------------

    def _claimable(self, now):
        t = self.table
        return or_(
            and_(t.c.status == QUEUED, or_(t.c.not_before.is_(None), t.c.not_before <= now)),
            and_(t.c.status == RUNNING, t.c.lease_expires_at <= now))

    def claim(self, uow, kinds, job_id=None):
        """Take one claimable job of `kinds` (a queued one, or a running one whose lease
        ran out) and commit the claim; None if there is none. A job that has used up its
        attempts is failed here instead (with its kind's `gave_up` message)."""
        t = self.table
        gave_up = {k.name: k.gave_up for k in kinds}
        for _ in range(10):  # each pass either claims, fails one job for good, or stops
            now = uow.clock.now()
            query = (select(t.c.id, t.c.kind, t.c.attempts)
                     .where(t.c.kind.in_(list(gave_up)), self._claimable(now))
                     .order_by(t.c.id).limit(1))
            if job_id is not None:
                query = query.where(t.c.id == job_id)
            if uow.session.get_bind().dialect.name == "postgresql":
                # Replicas pass over each other's candidates instead of queueing behind them.
                query = query.with_for_update(skip_locked=True)
            candidate = uow.session.execute(query).first()
            if candidate is None:
                uow.commit()
                return None
            still_claimable = and_(t.c.id == candidate.id, self._claimable(now))
            if candidate.attempts >= self.max_attempts:
                uow.session.execute(update(t).where(still_claimable).values(
                    status=FAILED, error=gave_up[candidate.kind], lease_owner=None,
                    lease_expires_at=None, finished_at=now))
                uow.commit()
                log.error("job %s failed after %s attempts", candidate.id, candidate.attempts)
                continue
            owner = f"{self.worker_name}:{uuid.uuid4().hex[:8]}"
            # Conditional: on SQLite nothing was locked, so another worker may have
            # claimed it since the SELECT; then no row matches and we look again.
            claimed = uow.session.execute(update(t).where(still_claimable).values(
                status=RUNNING, lease_owner=owner, lease_expires_at=now + self.lease,
                attempts=t.c.attempts + 1, not_before=None,
                started_at=func.coalesce(t.c.started_at, now))).rowcount
            uow.commit()
            if claimed:
                row = uow.session.execute(select(t).where(t.c.id == candidate.id)
                                          ).mappings().one()
                return Job(id=row["id"], kind=row["kind"], params=row["params"] or {},
                           checkpoint=row["checkpoint"], org_id=row["org_id"],
                           requested_by=row["requested_by"], attempts=row["attempts"],
                           lease_owner=owner)
        return None

    # --- while running (fenced: only the lease holder's writes count) -------

    def _fenced(self, uow, job, **values):
        t = self.table
        changed = uow.session.execute(update(t).where(
            t.c.id == job.id, t.c.status == RUNNING, t.c.lease_owner == job.lease_owner
        ).values(**values)).rowcount
        if not changed:
            raise LeaseLost(f"job {job.id}: lease {job.lease_owner} is no longer held")

    def _progress(self, done, total):
        values = {}
        if done is not None:
            values["progress_done"] = done
        if total is not None:
            values["progress_total"] = total
        return values

    def heartbeat(self, uow, job, done=None, total=None):
        """Extend the lease (and record progress) in the caller's unit of work."""
        self._fenced(uow, job, lease_expires_at=uow.clock.now() + self.lease,
                     **self._progress(done, total))

    def checkpoint(self, uow, job, cursor, done=None, total=None):
        """Record the handler's cursor in the caller's unit of work, with the writes of
        the step it describes: both commit, or neither. Also extends the lease."""
        self._fenced(uow, job, checkpoint=cursor,
                     lease_expires_at=uow.clock.now() + self.lease,
                     **self._progress(done, total))
        job.checkpoint = cursor

    def finish(self, uow, job, outcome=None):
        outcome = outcome or Outcome()
        self._fenced(uow, job, status=DONE, result=outcome.result,
                     result_key=outcome.result_key, lease_owner=None, lease_expires_at=None,
                     finished_at=uow.clock.now())

    def fail(self, uow, job, error):
        self._fenced(uow, job, status=FAILED, error=error, lease_owner=None,
                     lease_expires_at=None, finished_at=uow.clock.now())

    def retry_later(self, uow, job, gave_up=GAVE_UP):
        """After an unexpected error: queue it again after a growing delay, or fail it
        once its attempts are used up. Its cursor stays, so the retry continues."""
        if job.attempts >= self.max_attempts:
            self.fail(uow, job, gave_up)
            return
        delay = self.retry_delay * (2 ** (job.attempts - 1))
        self._fenced(uow, job, status=QUEUED, lease_owner=None, lease_expires_at=None,
                     not_before=uow.clock.now() + delay)

    # --- running -----------------------------------------------------------

    def run(self, db, kinds, job_id=None):
        """Claim one job (that one, if `job_id`) and run it to its end; its id, or None
        if there was nothing to claim. `db()` gives a unit of work."""
        by_name = {k.name: k for k in kinds}
        with db() as uow:
            job = self.claim(uow, kinds, job_id=job_id)
        if job is None:
            return None
        kind = by_name[job.kind]
        log.info("job %s (%s) claimed by %s, attempt %s", job.id, job.kind, job.lease_owner,
                 job.attempts)
        try:
            outcome = kind.run(JobContext(self, db, job))
            self._end(db, job, "finish", outcome)
        except LeaseLost as exc:
            log.warning("%s; leaving it to its holder", exc)
        except JobFailed as exc:
            self._end(db, job, "fail", exc.message)
        except Exception:
            log.exception("job %s (%s) failed on attempt %s", job.id, job.kind, job.attempts)
            self._end(db, job, "retry_later", kind.gave_up)
        return job.id

    def _end(self, db, job, how, *args):
        try:
            with db() as uow:
                getattr(self, how)(uow, job, *args)
                uow.commit()
        except LeaseLost as exc:
            log.warning("%s; not marking it %s", exc, how)

    def run_due(self, db, kinds, limit=20):
        """Run claimable jobs one after another (the sweep); the ids run."""
        ran = []
        while len(ran) < limit:
            job_id = self.run(db, kinds)
            if job_id is None:
                break
            ran.append(job_id)
        return ran


class JobContext:
    """What a handler gets: the job, a unit-of-work factory, and the two ways to show
    it is alive: `step` (cursor with the step's writes) and `beat` (progress alone)."""

    def __init__(self, queue, db, job):
        self.queue = queue
        self.db = db
        self.job = job

    def step(self, uow, cursor, done=None, total=None):
        """Call inside the step's unit of work, before its commit; raises LeaseLost
        (and the caller's unit of work rolls back) if the job was taken over."""
        self.queue.checkpoint(uow, self.job, cursor, done, total)

    def beat(self, done=None, total=None):
        with self.db() as uow:
            self.queue.heartbeat(uow, self.job, done, total)
            uow.commit()


def sweep_seconds():
    """How often a service looks for claimable jobs (new ones whose event was lost, and
    those whose worker died)."""
    return float(env("JOB_SWEEP_SECONDS", "10"))


def progress(row):
    """The progress a client polls: rows (or items) done of the total, once known."""
    return {"done": row["progress_done"], "total": row["progress_total"]}
