"""Nameko glue: the database dependency (engine, unit of work, outbox relay, clock),
idempotent event handlers and an event entrypoint that dead-letters instead of dropping."""
import functools
import logging
import os

from kombu import Queue
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from sqlalchemy.exc import IntegrityError

from .broker_outages import CONNECTION_LOST
from .clock import Clock
from .db import UnitOfWork, make_engine, replay_events, session_factory
from .events import read_envelope
from .relay import OutboxRelay
from .settings import database_url

log = logging.getLogger(__name__)


class Database(DependencyProvider):
    """Injects a unit-of-work factory: `with self.db() as uow: ...; uow.commit()`.
    Also runs this service's outbox relay for as long as the container runs."""

    def __init__(self, producer, outbox, inbox, url_key="DATABASE_URL"):
        self.producer = producer
        self.outbox = outbox
        self.inbox = inbox
        self.url_key = url_key
        self.clock = Clock()

    def setup(self):
        config = self.container.config
        self.engine = make_engine(config.get(self.url_key) or database_url(self.producer))
        self.sessions = session_factory(self.engine)
        self.relay = OutboxRelay(self.engine, self.outbox, self.producer, config["AMQP_URI"],
                                 self.clock,
                                 poll_interval=float(config.get("OUTBOX_POLL_SECONDS", 1.0)))
        self.relay_enabled = str(config.get("OUTBOX_RELAY", "on")).lower() != "off"

    def start(self):
        if self.relay_enabled:
            import eventlet
            self.container.spawn_managed_thread(lambda: self.relay.run(eventlet.sleep),
                                                identifier=f"{self.producer}.outbox_relay")

    def stop(self):
        self.relay.stop()

    def kill(self):
        self.relay.stop()

    def get_dependency(self, worker_ctx):
        return UnitOfWorkFactory(self)


class Heartbeat(DependencyProvider):
    """Touches /tmp/<service>.heartbeat every few seconds from the service's own event
    loop; `services.common.probe` reads its age. A blocked hub stops the beat."""

    interval = 5.0

    def setup(self):
        from .probe import heartbeat_path
        self.path = heartbeat_path(self.container.service_name)
        self._running = True

    def start(self):
        self.container.spawn_managed_thread(self._beat, identifier="heartbeat")

    def stop(self):
        self._running = False

    kill = stop

    def _beat(self):
        import eventlet
        while self._running:
            try:
                with open(self.path, "a"):
                    os.utime(self.path, None)
            except OSError as exc:
                log.warning("heartbeat %s: %s", self.path, exc)
            eventlet.sleep(self.interval)


class UnitOfWorkFactory:
    def __init__(self, provider):
        self.provider = provider
        self.engine = provider.engine

    def __call__(self):
        p = self.provider
        return UnitOfWork(p.sessions, p.producer, p.outbox, p.inbox, p.clock,
                          on_events=p.relay.notify)

    def replay_events(self, after_id, limit):
        return replay_events(self.engine, self.provider.outbox, after_id, limit)


def idempotent(method):
    """Wrap an event handler `(self, uow, payload, envelope)` so each event is applied
    once: the inbox row and the handler's writes commit in one transaction."""
    handler_name = method.__qualname__

    @functools.wraps(method)
    def wrapper(self, body):
        envelope = read_envelope(body)
        with self.db() as uow:
            try:
                if not uow.claim_event(envelope, handler_name):
                    log.info("skip duplicate %s %s", envelope["type"], envelope["id"])
                    return
                method(self, uow, envelope["payload"], envelope)
                uow.commit()
            except IntegrityError:
                # Either a concurrent delivery of the same event won the race (then its
                # inbox row exists now and this one is a duplicate) or the handler broke a
                # constraint, which is a real failure and must be dead-lettered.
                uow.rollback()
                with self.db() as check:
                    if not check.claim_event(envelope, handler_name):
                        return
                raise
    return wrapper


class ReliableEventHandler(EventHandler):
    """Nameko acks an event even when its handler raises, which would lose it. This
    entrypoint moves a failed message to a durable dead-letter queue first
    (`<queue>.dead`), from which ops can replay it (`scripts/replay_dead_letters.py`)."""

    def handle_message_processed(self, message, result=None, exc_info=None):
        try:
            self._settle(message, exc_info)
        except CONNECTION_LOST as exc:
            # The connection dropped under this worker. Raising here would end the whole
            # container; unacked, the message comes back with the broker (the inbox makes
            # a second delivery harmless).
            log.warning("%s: connection lost before the message was settled (%s); it will "
                        "be redelivered", self.queue.name, exc)

    def _settle(self, message, exc_info):
        if exc_info is not None:
            try:
                self._dead_letter(message, exc_info)
            except Exception:
                log.exception("could not dead-letter; requeueing %s", self.queue.name)
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def _dead_letter(self, message, exc_info):
        dead = Queue(f"{self.queue.name}.dead", durable=True)
        publisher = Publisher(self.container.config["AMQP_URI"], use_confirms=True,
                              delivery_mode=PERSISTENT, declare=[dead])
        headers = dict(message.headers or {})
        headers.update({
            "x-original-exchange": message.delivery_info.get("exchange", ""),
            "x-original-routing-key": message.delivery_info.get("routing_key", ""),
            "x-original-queue": self.queue.name,
            "x-error": f"{exc_info[0].__name__}: {exc_info[1]}"[:1000],
        })
        publisher.publish(message.payload, exchange="", routing_key=dead.name,
                          headers=headers)
        log.error("event handler %s failed; message moved to %s: %s",
                  self.method_name, dead.name, exc_info[1])


event_handler = ReliableEventHandler.decorator
