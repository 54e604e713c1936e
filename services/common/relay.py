"""Publishes outbox rows to RabbitMQ with publisher confirms, oldest first.

A row is marked published only after the broker confirmed it, so a broker outage or a
crash means a later retry, never a loss (delivery is at least once; consumers dedupe).
With PostgreSQL, several replicas can relay at once: rows are claimed with SKIP LOCKED.
"""
import json
import logging
import threading

from kombu.messaging import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from sqlalchemy import select, update

log = logging.getLogger(__name__)


def event_exchange(producer):
    # Must match nameko's get_event_exchange (durable, not auto-deleted), or the broker
    # refuses the redeclare.
    return Exchange(f"{producer}.events", type="topic", durable=True, auto_delete=False)


class OutboxRelay:
    def __init__(self, engine, outbox, producer, amqp_uri, clock, batch_size=200,
                 poll_interval=1.0, max_backoff=5.0):
        self.engine = engine
        self.outbox = outbox
        self.producer = producer
        self.clock = clock
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.exchange = event_exchange(producer)
        self.publisher = Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT,
                                   serializer="json", declare=[self.exchange],
                                   retry=False)
        self._wake = threading.Event()
        self._stopped = threading.Event()

    def notify(self):
        """Called after a commit that wrote events: publish now rather than at the next poll."""
        self._wake.set()

    def stop(self):
        self._stopped.set()
        self._wake.set()

    def publish_pending(self):
        """One pass: publish up to `batch_size` unpublished rows. Returns how many were sent."""
        query = (select(self.outbox.c.id, self.outbox.c.event_type, self.outbox.c.envelope)
                 .where(self.outbox.c.published_at.is_(None))
                 .order_by(self.outbox.c.id).limit(self.batch_size))
        if self.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        sent = []
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
            try:
                for row in rows:
                    self.publisher.publish(json.loads(row.envelope), exchange=self.exchange,
                                           routing_key=row.event_type)
                    sent.append(row.id)
            finally:
                if sent:
                    conn.execute(update(self.outbox).where(self.outbox.c.id.in_(sent))
                                 .values(published_at=self.clock.now()))
        return len(sent)

    def run(self, sleep):
        """Loop until stopped. `sleep` is eventlet.sleep in a service, time.sleep elsewhere."""
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
