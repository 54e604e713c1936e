"""Video heartbeats go from the gateway straight onto the bus (DESIGN.md: the one
exception to "the gateway is thin"): no RPC, no reply, no commit per heartbeat. The
gateway checks what it can alone — the playback token (signature, owner, expiry) and the
position within the video — stamps the arrival time (the server's clock, which the credit
rule trusts, never the client's), and publishes; learning applies them in batches.

Two doors, one rule (`message`): gunicorn's workers answer the route on their event loop
(heartbeat_route.py, publishing with work_bus.WorkBus); the Flask view serves it where
the gateway runs as plain WSGI — the in-process tests, whose Nameko containers need
eventlet — publishing with work_bus.WorkPublisher."""
from decimal import Decimal

from flask import current_app

from services.common.errors import InvalidInput
from services.learning import heartbeat_queue, playback_tokens

from . import work_bus

TOLERANCE_MS = 2000


def publisher():
    return work_bus.publisher(current_app, heartbeat_queue.WORK)


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
