"""The batch consumer of heartbeats, inside the learning service: it drains up to
HEARTBEAT_BATCH_SIZE heartbeats or waits HEARTBEAT_BATCH_MS, applies them in one
transaction, and acknowledges them (one multiple ack) only after the commit — a crash
before it redelivers the batch, which the sequence numbers make harmless. A batch that
fails is applied one heartbeat at a time, so one bad message cannot hold the rest; one
that fails alone is logged and dropped (a lost heartbeat only delays credit). Nameko's
one-message-per-worker entrypoints would commit per heartbeat; this is plain kombu on the
service's event loop, reconnecting by itself when the broker goes away.

A message holds one heartbeat or a list of them (the gateway sends the heartbeats that
arrive while its previous message is being confirmed as one list)."""
import logging
import time

from kombu import Connection, Consumer
from nameko.extensions import DependencyProvider

from services.common.dependencies import Database, UnitOfWorkFactory

from . import heartbeat_queue
from .heartbeats import apply_batch, parse
from .settings import complete_ratio_permille, credit_rules
from .xapi import LrsForwarder

log = logging.getLogger(__name__)


class HeartbeatConsumer(DependencyProvider):

    def setup(self):
        config = self.container.config
        # xAPI statements go to a Learning Record Store only when one is configured.
        endpoint = config.get("LRS_ENDPOINT") or ""
        self.forwarder = LrsForwarder(endpoint) if endpoint else None
        self.uri = config["AMQP_URI"]
        self.batch_size = int(config.get("HEARTBEAT_BATCH_SIZE", 500))
        self.batch_seconds = float(config.get("HEARTBEAT_BATCH_MS", 200)) / 1000
        self.enabled = str(config.get("HEARTBEAT_CONSUMER", "on")).lower() != "off"
        self.rules = credit_rules()
        self.ratio = complete_ratio_permille()
        self._running = False
        self._buffer = []
        self._buffered = 0  # heartbeats in the buffer's messages
        self.applied = 0

    def _db(self):
        provider = next(d for d in self.container.dependencies if isinstance(d, Database))
        return UnitOfWorkFactory(provider)

    def start(self):
        if self.enabled:
            self._running = True
            self.container.spawn_managed_thread(self._run, identifier="learning.heartbeats")

    def stop(self):
        self._running = False

    kill = stop

    def _run(self):
        import eventlet
        pause = 0.5
        while self._running:
            try:
                with Connection(self.uri, connect_timeout=5, heartbeat=30) as connection:
                    connection.ensure_connection(max_retries=1)
                    pause = 0.5
                    self._consume(connection)
            except Exception as exc:  # broker away, channel closed ...: reconnect
                if self._running:
                    log.warning("heartbeat consumer: %s; reconnecting in %.1fs", exc, pause)
                self._buffer, self._buffered = [], 0  # unacknowledged: redelivered
                eventlet.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _consume(self, connection):
        channel = connection.channel()
        heartbeat_queue.QUEUE(channel).declare()
        channel.basic_qos(0, self.batch_size * 2, False)
        consumer = Consumer(channel, queues=[heartbeat_queue.QUEUE], accept=["json"],
                            callbacks=[self._receive])
        with consumer:
            while self._running:
                deadline = time.monotonic() + self.batch_seconds
                while self._buffered < self.batch_size:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    try:
                        connection.drain_events(timeout=remaining)
                    except TimeoutError:
                        break
                connection.heartbeat_check()
                if self._buffer:
                    batch, self._buffer, self._buffered = self._buffer, [], 0
                    self._flush(batch)

    def _receive(self, body, message):
        self._buffer.append((body if isinstance(body, list) else [body], message))
        self._buffered += len(self._buffer[-1][0])

    def _flush(self, batch):
        beats = []
        for bodies, _message in batch:
            for body in bodies:
                try:
                    beats.append(parse(body))
                except ValueError as exc:
                    log.warning("dropping a heartbeat: %s", exc)
        db = self._db()
        try:
            moments = self._apply(db, beats)
        except Exception:
            log.exception("a batch of %d heartbeats failed; applying them one by one", len(beats))
            moments = []
            for beat in beats:
                try:
                    moments += self._apply(db, [beat])
                except Exception:
                    log.exception("dropping heartbeat %s of user %s", beat[1].seq, beat[0])
        last = batch[-1][1]
        last.channel.basic_ack(last.delivery_tag, multiple=True)
        self.applied += len(beats)
        if self.forwarder is not None and moments:
            self.forwarder.send(moments)

    def _apply(self, db, beats):
        with db() as uow:
            _, moments = apply_batch(uow, beats, self.rules, self.ratio)
            uow.commit()
        return moments
