"""The other services' events, as reporting takes them: one durable queue bound to each
producer's event exchange for every event a projection reads, drained in batches —
thousands of events a second, one transaction and one acknowledgement per batch (after
the commit), where Nameko's one-message-per-worker handlers would commit each
(services/common/batch_consumer.py). An event that fails even alone is kept in
`failed_events` for ops, not lost."""
import traceback

from kombu import Queue, binding
from sqlalchemy import insert

from services.common.batch_consumer import BatchConsumer
from services.common.events import read_envelope
from services.common.relay import event_exchange
from services.common.work_queues import WorkQueue

from . import projections
from .models import failed_events

# One consumer at a time, whatever the replicas: the projections read rows, fold them and
# write them back (projections.py), which two consumers at once could interleave. The
# others stand by and take over when it goes.
QUEUE = Queue("reporting.events", durable=True, auto_delete=False,
              queue_arguments={"x-single-active-consumer": True}, bindings=[
                  binding(event_exchange(producer), routing_key=event_type)
                  for producer, event_type in sorted(projections.HANDLERS)])
WORK = WorkQueue("reporting", None, QUEUE, None)


class EventFeed(BatchConsumer):
    work = WORK
    config_prefix = "PROJECTION"
    default_batch_size = 1000
    default_batch_ms = 100

    def parse(self, body):
        try:
            return read_envelope(body)
        except Exception as exc:  # marshmallow's ValidationError: not an envelope
            raise ValueError(f"not an event envelope: {exc}") from None

    def apply(self, uow, envelopes):
        return projections.apply(uow, envelopes)

    def failed(self, db, envelope, exc):
        super().failed(db, envelope, exc)
        with db() as uow:
            uow.session.execute(insert(failed_events).values(
                event_id=envelope.get("id"), envelope=envelope, failed_at=uow.clock.now(),
                error="".join(traceback.format_exception_only(exc)).strip()[:2000]))
            uow.commit()
