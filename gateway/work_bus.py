"""Puts work on a service's queue (services/common/work_queues.py: heartbeats for
learning, exam submissions) from the gateway.

WorkBus, from the event loop: one robust AMQP connection per gateway worker and queue
(aio-pika re-opens it, its channel and their declarations by itself after the broker comes
back) and a channel with publisher confirms — a request is answered 202 only once the
broker holds its message on disk. Messages travel in groups, as a database commits in
groups: while one message is on its way to the broker, the ones that arrive wait for it
and then go together as the next message (a JSON list, at most MAX_GROUP). A lone one
goes at once; under load the broker sees a few hundred messages a second however many
requests there are, and its per-message work (persisting, confirming, delivering,
acknowledging) stops being the platform's largest cost. The consumers take a list or a
single message.

Every wait is bounded (WORK_PUBLISH_TIMEOUT, or HEARTBEAT_PUBLISH_TIMEOUT as before); a
broker that cannot be reached is answered 503 at once for a second before the next
attempt, so a queue of requests does not form behind connection attempts.

WorkPublisher, blocking, for the Flask views (the in-process tests run the gateway as
plain WSGI): one kombu connection and producer per thread (kombu's are not thread-safe),
connected once with a bounded attempt; a lost connection is dropped and the next message
reconnects."""
import asyncio
import json
import logging
import time

import aio_pika
import aiormq

import threading

from kombu import Connection, Producer

from services.common.rpc_publishing import CONNECT_TIMEOUT, ONE_QUICK_RETRY
from services.common.settings import env

from .rpc import BROKER_UNREACHABLE, ServiceUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_SECONDS = 1.0
MAX_GROUP = 200
FAILURES = (aio_pika.exceptions.AMQPException, aiormq.exceptions.AMQPError, ConnectionError,
            OSError, TimeoutError, RuntimeError)


# Without the "connection.blocked" capability: py-amqp otherwise polls the socket for a
# blocked notice before every publish (a sixth of a heartbeat's time at the gateway). A
# broker short of memory still slows these publishers down by TCP back-pressure.
CLIENT_PROPERTIES = {"capabilities": {
    "publisher_confirms": True, "exchange_exchange_bindings": True, "basic.nack": True,
    "consumer_cancel_notify": True, "authentication_failure_close": True}}


class WorkBus:
    def __init__(self, uri, work, timeout=None):
        self.uri = uri
        self.work = work
        self.timeout = float(timeout or env("WORK_PUBLISH_TIMEOUT", "")
                             or env("HEARTBEAT_PUBLISH_TIMEOUT", "2"))
        self._connection = self._exchange = None
        self._lock = None
        self._down_until = 0.0
        self._waiting = []
        self._sending = False

    async def _connect(self):
        connection = await aio_pika.connect_robust(
            self.uri, timeout=self.timeout,
            client_properties={"connection_name": f"gateway {self.work.queue.name}"})
        try:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.declare_exchange(
                self.work.exchange.name, aio_pika.ExchangeType.DIRECT, durable=True)
            queue = await channel.declare_queue(self.work.queue.name, durable=True)
            await queue.bind(exchange, self.work.routing_key)
        except BaseException:
            await connection.close()
            raise
        self._connection, self._exchange = connection, exchange

    async def _ready(self):
        if self._exchange is None:
            if time.monotonic() < self._down_until:
                raise ConnectionError("broker unreachable moments ago")
            self._lock = self._lock or asyncio.Lock()
            async with self._lock:
                if self._exchange is None:
                    try:
                        await asyncio.wait_for(self._connect(), self.timeout)
                    except FAILURES:
                        self._down_until = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
                        raise
        return self._exchange

    async def publish(self, message):
        """Returns once the broker has confirmed the group `message` went with."""
        loop = asyncio.get_running_loop()
        confirmed = loop.create_future()
        self._waiting.append((message, confirmed))
        if not self._sending:
            self._sending = True
            loop.create_task(self._send_groups())
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), self.timeout)
        except TimeoutError:
            confirmed.cancel()  # its group's outcome then goes to nobody
            raise ServiceUnavailable(self.work.owner, "timeout") from None

    async def _send_groups(self):
        try:
            while self._waiting:
                group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
                outcome = await self._send([message for message, _ in group])
                for _, confirmed in group:
                    if confirmed.done():
                        continue
                    if outcome is None:
                        confirmed.set_result(None)
                    else:
                        confirmed.set_exception(outcome)
        finally:
            self._sending = False

    async def _send(self, messages):
        """None once the broker confirmed `messages`, else the error to answer with."""
        body = json.dumps(messages, separators=(",", ":")).encode()
        try:
            exchange = await self._ready()
            await exchange.publish(
                aio_pika.Message(body, content_type="application/json",
                                 content_encoding="utf-8",
                                 delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=self.work.routing_key, timeout=self.timeout)
            return None
        except TimeoutError:
            return ServiceUnavailable(self.work.owner, "timeout")
        except Exception as exc:  # noqa: BLE001 — whatever the client library raised
            log.warning("%s not published: %s", self.work.queue.name, type(exc).__name__)
            return ServiceUnavailable(self.work.owner, "broker")

    async def close(self):
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._exchange = None


class WorkPublisher:
    def __init__(self, uri, work):
        self.uri = uri
        self.work = work
        self._local = threading.local()

    def _producer(self):
        producer = getattr(self._local, "producer", None)
        if producer is None:
            connection = Connection(self.uri, connect_timeout=CONNECT_TIMEOUT,
                                    client_properties=CLIENT_PROPERTIES)
            connection.ensure_connection(**ONE_QUICK_RETRY)
            channel = connection.channel()
            self.work.queue(channel).declare()
            producer = Producer(channel, exchange=self.work.exchange,
                                routing_key=self.work.routing_key)
            self._local.connection, self._local.producer = connection, producer
        return producer

    def _discard(self):
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.producer = None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # already gone
                pass

    def publish(self, message):
        body = json.dumps(message, separators=(",", ":"))
        try:
            self._producer().publish(body, content_type="application/json",
                                     content_encoding="utf-8", delivery_mode=2)
        except BROKER_UNREACHABLE:
            self._discard()
            raise ServiceUnavailable(self.work.owner, "broker") from None


def publisher(app, work):
    """The app's blocking publisher for `work` (made on first use)."""
    key = f"publisher:{work.queue.name}"
    if key not in app.extensions:
        app.extensions[key] = WorkPublisher(app.extensions["rpc"].config["AMQP_URI"], work)
    return app.extensions[key]
