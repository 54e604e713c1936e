"""Video heartbeats go from the gateway straight onto the bus (DESIGN.md: the one
exception to "the gateway is thin"): no RPC, no reply, no commit per heartbeat. The
gateway checks what it can alone — the playback token (signature, owner, expiry) and the
position within the video — stamps the arrival time (the server's clock, which the credit
rule trusts, never the client's), and publishes; learning applies them in batches.

Two doors, one rule (`message`): gunicorn's workers answer the route on their event loop
(heartbeat_route.py, publishing with heartbeat_bus.py); the Flask view serves it where
the gateway runs as plain WSGI — the in-process tests, whose Nameko containers need
eventlet — publishing with the blocking publisher below: one kombu connection and
producer per thread (kombu's are not thread-safe), connected once with a bounded attempt;
a lost connection is dropped and the next heartbeat reconnects."""
import json
import threading
from decimal import Decimal

from flask import current_app
from kombu import Connection, Producer

from services.common.errors import InvalidInput
from services.common.rpc_publishing import CONNECT_TIMEOUT, ONE_QUICK_RETRY
from services.learning import heartbeat_queue, playback_tokens

from .rpc import BROKER_UNREACHABLE, ServiceUnavailable

TOLERANCE_MS = 2000
# Without the "connection.blocked" capability: py-amqp otherwise polls the socket for a
# blocked notice before every publish (a sixth of a heartbeat's time at the gateway). A
# broker short of memory still slows these publishers down by TCP back-pressure.
CLIENT_PROPERTIES = {"capabilities": {
    "publisher_confirms": True, "exchange_exchange_bindings": True, "basic.nack": True,
    "consumer_cancel_notify": True, "authentication_failure_close": True}}


class HeartbeatPublisher:
    def __init__(self, uri):
        self.uri = uri
        self._local = threading.local()

    def _producer(self):
        producer = getattr(self._local, "producer", None)
        if producer is None:
            connection = Connection(self.uri, connect_timeout=CONNECT_TIMEOUT,
                                    client_properties=CLIENT_PROPERTIES)
            connection.ensure_connection(**ONE_QUICK_RETRY)
            channel = connection.channel()
            heartbeat_queue.QUEUE(channel).declare()
            producer = Producer(channel, exchange=heartbeat_queue.EXCHANGE,
                                routing_key=heartbeat_queue.ROUTING_KEY)
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
            raise ServiceUnavailable("learning", "broker") from None


def publisher():
    app = current_app
    if "heartbeats" not in app.extensions:
        app.extensions["heartbeats"] = HeartbeatPublisher(app.extensions["rpc"].config["AMQP_URI"])
    return app.extensions["heartbeats"]


def to_ms(seconds):
    return int((Decimal(seconds) * 1000).to_integral_value())


def message(user_id, body, now):
    """The bus message for a checked heartbeat body of `user_id`, or a DomainError."""
    claim = playback_tokens.verify(body["token"], user_id, now.timestamp())
    position = to_ms(body["position"])
    from_position = None if body.get("from_position") is None else to_ms(body["from_position"])
    for name, value in (("position", position), ("from_position", from_position)):
        if value is not None and value > claim.duration_ms + TOLERANCE_MS:
            raise InvalidInput("position_out_of_range", "播放位置超出了视频时长",
                               fields={name: ["超出视频时长"]})
    return {"user_id": user_id, "session_id": claim.session_id,
            "chapter_id": claim.chapter_id, "seq": body["seq"], "event": body["event"],
            "position_ms": position, "from_position_ms": from_position,
            "received_at": now.isoformat()}


def accept(actor, body, now):
    """The Flask view's door: check a heartbeat and put it on the bus."""
    heartbeat = message(actor["user_id"], body, now)
    publisher().publish(heartbeat)
    return {"accepted": True, "session_id": heartbeat["session_id"]}
