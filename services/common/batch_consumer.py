"""A service's batch consumer of a work queue (work_queues.py): it drains up to
`batch_size` items or waits `batch_ms`, applies them in one transaction, and acknowledges
them (one multiple ack) only after the commit — a crash before it redelivers the batch,
which the subclass's apply must make harmless. A batch that fails is applied one item at
a time, so one bad item cannot hold the rest; one that fails alone is logged and dropped.
Nameko's one-message-per-worker entrypoints would commit per item; this is plain kombu
on the service's event loop, reconnecting by itself when the broker goes away.

A message holds one item or a list of them (the gateway sends the items that arrive while
its previous message is being confirmed as one list).

A subclass names `work` (the WorkQueue), `config_prefix` (its settings are
<prefix>_BATCH_SIZE, <prefix>_BATCH_MS, <prefix>_CONSUMER=off) and implements
`parse(body)` (an item, or ValueError) and `apply(uow, items)` (committed by the caller);
`after(result)` runs after the acknowledgement; `failed(db, item, exc)` gets an item that
failed alone (logged and dropped by default)."""
import json
import logging
import time

from kombu import Connection, Consumer
from nameko.extensions import DependencyProvider

from .dependencies import Database, UnitOfWorkFactory

log = logging.getLogger(__name__)


class BatchConsumer(DependencyProvider):
    work = None
    config_prefix = ""
    default_batch_size = 500
    default_batch_ms = 200

    def setup(self):
        config = self.container.config
        self.uri = config["AMQP_URI"]
        prefix = self.config_prefix
        self.batch_size = int(config.get(f"{prefix}_BATCH_SIZE", self.default_batch_size))
        self.batch_seconds = float(config.get(f"{prefix}_BATCH_MS", self.default_batch_ms)) / 1000
        # YAML reads a bare `off` from the config's ${...} substitution as false
        self.enabled = str(config.get(f"{prefix}_CONSUMER", "on")).lower() not in (
            "off", "false", "no", "0")
        self._running = False
        self._buffer = []
        self._buffered = 0  # items in the buffer's messages
        self.applied = 0

    def parse(self, body):
        return body

    def apply(self, uow, items):
        raise NotImplementedError

    def after(self, result):
        pass

    def failed(self, db, item, exc):
        """An item that failed alone; logged and dropped unless a subclass keeps it."""
        log.error("%s: dropping %r: %s", self.work.queue.name, item, exc)

    def _db(self):
        provider = next(d for d in self.container.dependencies if isinstance(d, Database))
        return UnitOfWorkFactory(provider)

    def start(self):
        if self.enabled:
            self._running = True
            self.container.spawn_managed_thread(self._run, identifier=self.work.queue.name)

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
                    log.warning("%s consumer: %s; reconnecting in %.1fs",
                                self.work.queue.name, exc, pause)
                self._buffer, self._buffered = [], 0  # unacknowledged: redelivered
                eventlet.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _consume(self, connection):
        channel = connection.channel()
        self.work.queue(channel).declare()
        channel.basic_qos(0, self.batch_size * 2, False)
        consumer = Consumer(channel, queues=[self.work.queue], accept=["json"],
                            on_message=self._receive)
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

    def _receive(self, message):
        # The body read as plain JSON: kombu's decoder would run its type hook on every
        # object of it, a tenth of a feed's time at thousands a second.
        try:
            body = json.loads(message.body)
        except ValueError:
            body = None  # dropped by parse, acknowledged with the batch
        self._buffer.append((body if isinstance(body, list) else [body], message))
        self._buffered += len(self._buffer[-1][0])

    def _flush(self, batch):
        items = []
        for bodies, _message in batch:
            for body in bodies:
                try:
                    items.append(self.parse(body))
                except (ValueError, TypeError, KeyError) as exc:
                    log.warning("%s: dropping an item: %s", self.work.queue.name, exc)
        db = self._db()
        try:
            results = [self._apply(db, items)]
        except Exception:
            log.exception("a batch of %d %s failed; applying them one by one", len(items),
                          self.work.queue.name)
            results = []
            for item in items:
                try:
                    results.append(self._apply(db, [item]))
                except Exception as exc:
                    self.failed(db, item, exc)
        last = batch[-1][1]
        last.channel.basic_ack(last.delivery_tag, multiple=True)
        self.applied += len(items)
        for result in results:
            self.after(result)

    def _apply(self, db, items):
        with db() as uow:
            result = self.apply(uow, items)
            uow.commit()
        return result
