"""reporting's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
reporting calls no other service: everything it shows comes from their events
(event_feed.py), kept in its own database."""
import gc

from eventlet import tpool
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.dependencies import Database, Heartbeat, event_handler
from services.common.errors import DomainError
from services.common.events import read_envelope
from services.common.jobs import JobQueue, sweep_seconds
from services.common.runtime import prepare_service_process
from services.common.storage import FileStorage

from . import (completion, exam_reports, exports, inactive, money, participation,
               plan_list)
from .event_feed import EventFeed
from .models import inbox, jobs, outbox
from .status import feed_status

prepare_service_process()
# Everything loaded by now lives as long as the process: keep it out of the garbage
# collector's full passes, which would walk it all each time. An export of a million rows
# sets off a few dozen of those; over ~130,000 objects each stalled the event loop up to
# ~250 ms, over what is left ~30 ms (benchmarks/reporting_export.sh).
gc.collect()
gc.freeze()

expected = (DomainError,)
JOBS = JobQueue.from_env(jobs)


def offload(function, *args):
    """Writing a workbook (an export's chunks, its save) off the event loop, so RPC and the
    broker's heartbeats go on."""
    return tpool.execute(function, *args)


class ReportingService:
    name = "reporting"

    db = Database("reporting", outbox, inbox)
    heartbeat = Heartbeat()
    feed = EventFeed()  # the other services' events, applied in batches
    storage = FileStorage()

    @rpc
    def ping(self):
        return "pong"

    @rpc
    def replay_events(self, after_position=0, limit=100):
        return self.db.replay_events(after_position, limit)

    @rpc
    def feed_status(self):
        """Per producer: events applied, the last one's time, and the lag behind it."""
        with self.db() as uow:
            return feed_status(uow)

    @rpc(expected_exceptions=expected)
    def plans(self, actor):
        """The report screens' plan picker (newest year first) and default org node."""
        with self.db() as uow:
            return plan_list.plan_list(uow, actor)

    @rpc(expected_exceptions=expected)
    def participation(self, actor, plan_id, org_id=None, day=None):
        with self.db() as uow:
            return participation.report(uow, actor, plan_id, org_id, day)

    @rpc(expected_exceptions=expected)
    def inactive(self, actor, plan_id, org_id=None, query=None):
        with self.db() as uow:
            return inactive.report(uow, actor, plan_id, org_id, query or {})

    @rpc(expected_exceptions=expected)
    def exams_by_person(self, actor, plan_id, org_id=None, query=None):
        with self.db() as uow:
            return exam_reports.by_person(uow, actor, plan_id, org_id, query or {})

    @rpc(expected_exceptions=expected)
    def exams_by_exam(self, actor, plan_id, org_id=None):
        with self.db() as uow:
            return exam_reports.by_exam(uow, actor, plan_id, org_id)

    @rpc(expected_exceptions=expected)
    def completion(self, actor, plan_id, org_id=None, query=None):
        with self.db() as uow:
            return completion.report(uow, actor, plan_id, org_id, query or {})

    @rpc(expected_exceptions=expected)
    def money(self, actor, date_from=None, date_to=None, plan_id=None):
        with self.db() as uow:
            today = uow.clock.now().astimezone(money.SHANGHAI).date()
            return money.report(uow, actor, date_from, date_to, plan_id, today)

    # --- 导出 Excel and the 导出数据暂存区 ---------------------------------------------

    @rpc(expected_exceptions=expected)
    def export_report(self, actor, data):
        with self.db() as uow:
            return exports.queue(uow, actor, data)

    @rpc(expected_exceptions=expected)
    def export_staging(self, actor):
        with self.db() as uow:
            return exports.staging_area(uow, actor, self.storage)

    def _job_kinds(self):
        return [exports.job_kind(self.storage, offload)]

    @event_handler("reporting", "report_export_requested")
    def on_report_export_requested(self, body):
        JOBS.run(self.db, self._job_kinds(), job_id=read_envelope(body)["payload"]["job_id"])

    @timer(interval=sweep_seconds())
    def run_due_jobs(self):
        JOBS.run_due(self.db, self._job_kinds())

    @timer(interval=3600)
    def remove_old_exports(self):
        with self.db() as uow:
            exports.sweep(uow, self.storage)
