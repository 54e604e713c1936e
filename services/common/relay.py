"""Publishes outbox rows to RabbitMQ with publisher confirms, oldest first.

A row is marked published (and given its replay `position`) only after the broker
confirmed it; a failure mid-batch marks exactly the rows confirmed before it and the rest
wait for the next pass, so a broker outage or a crash means a later retry, never a loss
(delivery is at least once; consumers dedupe).

One relay publishes at a time per service: on PostgreSQL each pass holds a transaction-
scoped advisory lock, so several replicas can run a relay and still publish each
aggregate's events in version order and hand out positions in the order rows became
visible. Events are published `mandatory`: consumers' queues are declared before any
event can need them (services.common.topology), so an unroutable event is one no service
consumes yet; it is logged and kept in the outbox for replay.
"""
import json
import logging
import threading
import zlib

from kombu import Connection, Producer
from kombu.messaging import Exchange
from nameko.amqp.publish import UndeliverableMessage
from nameko.constants import PERSISTENT
from sqlalchemy import bindparam, func, select, update

from .rpc_publishing import CONNECT_TIMEOUT

log = logging.getLogger(__name__)


def event_exchange(producer):
    # Must match nameko's get_event_exchange (durable, not auto-deleted), or the broker
    # refuses the redeclare.
    return Exchange(f"{producer}.events", type="topic", durable=True, auto_delete=False)


def relay_lock_key(producer):
    """A stable 63-bit advisory-lock key per producer."""
    return zlib.crc32(f"outbox-relay:{producer}".encode())


class ConfirmedPublisher:
    """Persistent, mandatory publishes, each confirmed by the broker, on one connection
    kept for the relay's life (re-opened after a failure). An event no queue takes comes
    back as basic.return before its confirm: it is reported as UndeliverableMessage
    without closing the channel. (Nameko's publisher closes it on every such return, and
    re-opening a channel per event cost the broker a third of a core while learning
    relayed 25,000 `learning_started` events nobody consumed yet.)"""

    def __init__(self, amqp_uri, declare=()):
        self.amqp_uri = amqp_uri
        self.declare = list(declare)
        self._connection = self._producer = None
        self._returned = []

    def _ready(self):
        if self._producer is None:
            connection = Connection(self.amqp_uri, connect_timeout=CONNECT_TIMEOUT,
                                    transport_options={"confirm_publish": True})
            try:
                connection.ensure_connection(max_retries=1)
                channel = connection.channel()
                for entity in self.declare:
                    entity(channel).declare()
                self._producer = Producer(channel, on_return=self._on_return)
            except Exception:
                connection.release()
                raise
            self._connection = connection
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message):
        self._returned.append(routing_key)

    def _discard(self):
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: BLE001 — already gone
                pass

    def publish(self, body, exchange, routing_key):
        producer = self._ready()
        self._returned.clear()
        try:
            producer.publish(body, exchange=exchange, routing_key=routing_key,
                             serializer="json", delivery_mode=PERSISTENT, mandatory=True,
                             retry=False)
        except Exception:
            self._discard()
            raise
        if self._returned:
            raise UndeliverableMessage()


class OutboxRelay:
    def __init__(self, engine, outbox, producer, amqp_uri, clock, batch_size=200,
                 poll_interval=1.0, max_backoff=5.0, publisher=None):
        self.engine = engine
        self.outbox = outbox
        self.producer = producer
        self.clock = clock
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.exchange = event_exchange(producer)
        self.publisher = publisher or ConfirmedPublisher(amqp_uri, declare=[self.exchange])
        self._wake = threading.Event()
        self._stopped = threading.Event()

    def notify(self):
        """Called after a commit that wrote events: publish now rather than at the next poll."""
        self._wake.set()

    def stop(self):
        self._stopped.set()
        self._wake.set()

    def publish_pending(self):
        """One pass: publish up to `batch_size` unpublished rows. Returns how many were
        sent; raises the publishing error after marking what was confirmed before it."""
        o = self.outbox
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql" and not conn.execute(
                    select(func.pg_try_advisory_xact_lock(relay_lock_key(self.producer)))
            ).scalar():
                return 0  # another replica is relaying this service's outbox
            rows = conn.execute(select(o.c.id, o.c.event_type, o.c.envelope)
                                .where(o.c.position.is_(None))
                                .order_by(o.c.id).limit(self.batch_size)).all()
            if not rows:
                return 0
            sent, error = self._publish(rows)
            if sent:
                last = conn.execute(select(func.coalesce(func.max(o.c.position), 0))).scalar()
                now = self.clock.now()
                conn.execute(update(o).where(o.c.id == bindparam("row_id"))
                             .values(position=bindparam("pos"), published_at=now),
                             [{"row_id": row_id, "pos": last + i}
                              for i, row_id in enumerate(sent, start=1)])
        if error is not None:
            raise error
        return len(sent)

    def _publish(self, rows):
        sent = []
        for row in rows:
            try:
                self.publisher.publish(json.loads(row.envelope), exchange=self.exchange,
                                       routing_key=row.event_type)
            except UndeliverableMessage:
                log.warning("outbox relay for %s: no queue takes %s yet (kept for replay)",
                            self.producer, row.event_type)
            except Exception as exc:  # broker away: mark what was confirmed, stop here
                return sent, exc
            sent.append(row.id)
        return sent, None

    def run(self, sleep):
        """Loop until stopped. `sleep` is eventlet.sleep in a service, time.sleep elsewhere.
        Never raises: a failure of the broker or the database is waited out."""
        backoff = 0.2
        while not self._stopped.is_set():
            try:
                sent = self.publish_pending()
                backoff = 0.2
            except Exception as exc:  # broker or database away: wait and try again
                log.warning("outbox relay for %s: %s; retrying in %.1fs", self.producer, exc,
                            backoff)
                sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if sent < self.batch_size:
                self._wait(sleep)

    def _wait(self, sleep):
        # threading.Event is green under eventlet's monkey patching, so this yields.
        self._wake.wait(self.poll_interval)
        self._wake.clear()
