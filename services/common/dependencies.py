"""Nameko glue: the database dependency (engine, unit of work, outbox relay, clock),
idempotent event handlers and an event entrypoint that retries, then dead-letters."""
import functools
import logging
import os

from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from sqlalchemy.exc import IntegrityError

from . import topology
from .clock import Clock
from .db import UnitOfWork, make_engine, replay_events, session_factory
from .events import PERMANENT_FAILURES, NotYetApplicable, read_envelope
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

    def replay_events(self, after_position, limit):
        return replay_events(self.engine, self.provider.outbox, after_position, limit)


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
    """An event entrypoint that loses nothing and never dies of the broker.

    Nameko acks an event even when its handler raises, which would lose it. Here a failed
    event is retried a few times with growing delay, kept by the broker (see
    services.common.topology), then moved to the service's dead letters, from which ops
    replay it (`python -m services.common.dead_letters`). A message the broker redelivers
    (its consumer died or lost the connection before settling it) is counted before it
    runs again, so even one that kills its consumer each time ends up there.
    Acknowledging on a connection that dropped meanwhile must not end the container: the
    broker redelivers such a message, and the inbox makes that harmless."""

    def setup(self):
        super().setup()
        config = self.container.config
        service = self.container.service_name
        self.delays = topology.retry_delays(config)
        self.delivery_limit = topology.delivery_limit(config)
        self.queue = topology.consumer_queue(self.source_service, self.event_type, service,
                                             self.method_name, topology.queue_type(config))
        self.dead_exchange = topology.dead_letter_exchange(service)
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True,
                                   delivery_mode=PERSISTENT, retry=False,
                                   declare=topology.support_entities(service, config))

    def start(self):
        # Dead letters and retries go to exchanges that must exist before the first failure.
        key = (self.container.config["AMQP_URI"], self.container.service_name)
        if key not in _support_declared:
            try:
                with Connection(key[0], connect_timeout=5) as connection:
                    for entity in topology.support_entities(key[1], self.container.config):
                        topology.declare(connection, entity)
                _support_declared.add(key)
            except Exception as exc:  # the queue consumer will wait for the broker too
                log.warning("could not declare retry and dead-letter queues: %s", exc)
        super().start()

    def handle_message(self, body, message):
        if message.delivery_info.get("redelivered"):
            self._count_redelivery(message)
            return
        super().handle_message(body, message)

    def _count_redelivery(self, message):
        """The broker hands a message out again when its last delivery was never settled:
        the consumer crashed, restarted or lost its connection — or the message itself
        kills it. Classic queues keep no count of that, so the count travels in the
        message: it goes to the back of its queue with `x-redeliveries` raised by one, and
        past EVENT_DELIVERY_LIMIT to the dead letters, before running again."""
        headers = dict(message.headers or {})
        count = int(headers.get("x-redeliveries", 0)) + 1
        headers.update({"x-redeliveries": count, "x-original-queue": self.queue.name})
        try:
            if count > self.delivery_limit:
                headers["x-error"] = (f"delivered {count} times without being settled "
                                      f"(it ends its consumer?)")
                self.publisher.publish(message.payload, exchange=self.dead_exchange,
                                       routing_key=self.queue.name, headers=headers)
                log.error("%s: %s; moved to %s.dead", self.method_name, headers["x-error"],
                          self.container.service_name)
            else:
                self.publisher.publish(message.payload, exchange="",
                                       routing_key=self.queue.name, headers=headers)
        except Exception as exc:
            log.warning("%s: could not count a redelivery (%s); returning it to %s",
                        self.method_name, exc, self.queue.name)
            _settle(message, "reject", requeue=True)
            return
        _settle(message, "ack")

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            _settle(message, "ack")
            return
        try:
            self._retry_or_dead_letter(message, exc_info)
        except Exception as exc:
            # Could not hand the message on (broker away): let the broker have it back; it
            # comes again as a redelivery, which is counted.
            log.warning("%s: could not retry or dead-letter (%s); returning it to %s",
                        self.method_name, exc, self.queue.name)
            _settle(message, "reject", requeue=True)
            return
        _settle(message, "ack")

    def _retry_or_dead_letter(self, message, exc_info):
        error = exc_info[1]
        attempts = int((message.headers or {}).get("x-attempts", 0)) + 1
        headers = dict(message.headers or {})
        headers.update({"x-attempts": attempts, "x-original-queue": self.queue.name,
                        "x-error": f"{exc_info[0].__name__}: {error}"[:1000]})
        permanent = isinstance(error, PERMANENT_FAILURES)
        if not permanent and attempts <= len(self.delays):
            delay = self.delays[attempts - 1]
            self.publisher.publish(message.payload, exchange=topology.retry_exchange(delay),
                                   routing_key=self.queue.name, headers=headers)
            level = logging.INFO if isinstance(error, NotYetApplicable) else logging.WARNING
            log.log(level, "%s failed (attempt %d): %s; retrying in %ss", self.method_name,
                    attempts, error, delay)
            return
        self.publisher.publish(message.payload, exchange=self.dead_exchange,
                               routing_key=self.queue.name, headers=headers)
        log.error("%s failed %d time(s): %s; moved to %s.dead", self.method_name, attempts,
                  error, self.container.service_name)


_support_declared = set()


def _settle(message, how, **kwargs):
    """ack / reject a message; on a dead channel there is nothing to settle (the broker
    gives the message to another consumer), and that must not end the container."""
    try:
        if message.channel is None or not message.channel.connection:
            return
        getattr(message, how)(**kwargs)
    except Exception as exc:  # ConnectionResetError, RecoverableConnectionError, ...
        log.warning("could not %s a message (%s); the broker will redeliver it", how, exc)


event_handler = ReliableEventHandler.decorator
