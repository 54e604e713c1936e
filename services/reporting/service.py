"""reporting's Nameko entrypoints. Thin: unpack, call the service layer, return plain data.
reporting calls no other service: everything it shows comes from their events
(event_feed.py), kept in its own database."""
from nameko.rpc import rpc

from services.common.dependencies import Database, Heartbeat
from services.common.errors import DomainError
from services.common.runtime import prepare_service_process

from . import completion, exam_reports, inactive, money, participation
from .event_feed import EventFeed
from .models import inbox, outbox
from .status import feed_status

prepare_service_process()

expected = (DomainError,)


class ReportingService:
    name = "reporting"

    db = Database("reporting", outbox, inbox)
    heartbeat = Heartbeat()
    feed = EventFeed()  # the other services' events, applied in batches

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
