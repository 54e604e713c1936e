"""Publishes heartbeats from the gateway's event loop: one robust AMQP connection per
gateway worker (aio-pika re-opens it, its channel and their declarations by itself after
the broker comes back) and a channel with publisher confirms — a heartbeat is answered
202 only once the broker holds it on disk.

Heartbeats travel in groups, as a database commits in groups: while one message is on its
way to the broker, the heartbeats that arrive wait for it and then go together as the
next message (a JSON list, at most MAX_GROUP). A lone heartbeat goes at once; under load
the broker sees a few hundred messages a second however many heartbeats there are, and
its per-message work (persisting, confirming, delivering, acknowledging) stops being the
platform's largest cost. learning's consumer takes a list or a single heartbeat.

Every wait is bounded (HEARTBEAT_PUBLISH_TIMEOUT); a broker that cannot be reached is
answered 503 at once for a second before the next attempt, so a queue of heartbeats does
not form behind connection attempts."""
import asyncio
import json
import logging
import time

import aio_pika
import aiormq

from services.common.settings import env
from services.learning import heartbeat_queue

from .rpc import ServiceUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_SECONDS = 1.0
MAX_GROUP = 200
FAILURES = (aio_pika.exceptions.AMQPException, aiormq.exceptions.AMQPError, ConnectionError,
            OSError, TimeoutError, RuntimeError)


class HeartbeatBus:
    def __init__(self, uri, timeout=None):
        self.uri = uri
        self.timeout = float(timeout or env("HEARTBEAT_PUBLISH_TIMEOUT", "2"))
        self._connection = self._exchange = None
        self._lock = None
        self._down_until = 0.0
        self._waiting = []
        self._sending = False

    async def _connect(self):
        connection = await aio_pika.connect_robust(
            self.uri, timeout=self.timeout,
            client_properties={"connection_name": "gateway heartbeats"})
        try:
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.declare_exchange(
                heartbeat_queue.EXCHANGE.name, aio_pika.ExchangeType.DIRECT, durable=True)
            queue = await channel.declare_queue(heartbeat_queue.QUEUE.name, durable=True)
            await queue.bind(exchange, heartbeat_queue.ROUTING_KEY)
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
            raise ServiceUnavailable("learning", "timeout") from None

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
                routing_key=heartbeat_queue.ROUTING_KEY, timeout=self.timeout)
            return None
        except TimeoutError:
            return ServiceUnavailable("learning", "timeout")
        except Exception as exc:  # noqa: BLE001 — whatever the client library raised
            log.warning("heartbeats not published: %s", type(exc).__name__)
            return ServiceUnavailable("learning", "broker")

    async def close(self):
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._exchange = None
