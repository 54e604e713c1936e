"""POST /api/v1/me/heartbeats, served on the gateway's event loop (asgi.py): tens of
thousands of learners send one every 15–30 s near the December deadline, and a Flask
request on a thread costs several times the work the route does — so does a web
framework's request and response objects, hence plain ASGI here. The same contract and
answers as the Flask view it stands in front of (documented in the OpenAPI there): the
bearer token (verified once, then from the digest cache), the learner role, the
`Heartbeat` schema, problem+json with a Chinese message.

Verifying a token not seen before may fetch identity's keys by RPC, so it runs on a
thread; everything else here does no blocking I/O."""
import asyncio
import json
import logging
import os

from services.common.errors import DomainError
from services.common.schema import load
from services.learning.contracts import Heartbeat

from . import heartbeats
from .auth import admit, already_verified, bearer_token, verify
from .problems import PROBLEM_JSON, problem_document

log = logging.getLogger(__name__)

PATH = "/api/v1/me/heartbeats"
ENDPOINT = "learning_me.heartbeat"
MAX_BODY_BYTES = 4096
HEARTBEAT = Heartbeat()


class HttpProblem(Exception):
    def __init__(self, status):
        super().__init__(status)
        self.status = status


def header(scope, name):
    """A request header's value (`name` in lower case, as bytes), or ""."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


async def read_body(scope, receive, limit=MAX_BODY_BYTES):
    """The body, refused above `limit` (before reading it when the length is known)."""
    length = header(scope, b"content-length")
    if length and (not length.isdigit() or int(length) > limit):
        raise HttpProblem(413)
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the client went away")
        body += message.get("body", b"")
        if len(body) > limit:
            raise HttpProblem(413)
        if not message.get("more_body"):
            return body


def parsed(raw):
    """The JSON document, or None for a body that is not JSON (the schema then says
    "请求体须为 JSON 对象", as on every other route)."""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


async def respond(send, status, document, request_id, content_type=b"application/json",
                  extra_headers=()):
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(body)).encode()),
        (b"x-request-id", request_id.encode()), *extra_headers]})
    await send({"type": "http.response.body", "body": body})


class HeartbeatRoute:
    def __init__(self, extensions, bus):
        self.extensions = extensions  # read per request: tests swap the clock
        self.bus = bus

    async def __call__(self, scope, receive, send):
        request_id = header(scope, b"x-request-id")[:64] or os.urandom(16).hex()
        try:
            answer = await self._accept(scope, receive)
        except ConnectionResetError:
            return
        except HttpProblem as exc:
            await self._problem(send, request_id, exc.status)
        except DomainError as exc:
            await self._problem(send, request_id, exc.status, code=exc.code, title=exc.title,
                                detail=exc.detail, errors=exc.fields or None,
                                **(exc.extra or {}))
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 — never a stack trace to the client
            log.exception("request %s failed", request_id)
            await self._problem(send, request_id, 500)
        else:
            await respond(send, 202, answer, request_id)

    async def _accept(self, scope, receive):
        if scope["method"] != "POST":
            raise HttpProblem(405)
        if header(scope, b"content-type").split(";")[0].strip().lower() != "application/json":
            raise HttpProblem(415)
        token = bearer_token(header(scope, b"authorization"))
        claims = already_verified(token) or await asyncio.to_thread(
            verify, self.extensions["public_keys"], token)
        admit(claims, ("learner",), ENDPOINT, self.extensions["grant_changes"])
        body = load(HEARTBEAT, parsed(await read_body(scope, receive)))
        message = heartbeats.message(int(claims["sub"]), body, self.extensions["clock"].now())
        await self.bus.publish(message)
        return {"accepted": True, "session_id": message["session_id"]}

    @staticmethod
    async def _problem(send, request_id, status, **fields):
        extra = ()
        if status in (503, 504):
            log.warning("request %s: not accepted (%s)", request_id, status)
            extra = ((b"retry-after", b"5"),)
        await respond(send, status, problem_document(status, request_id=request_id, **fields),
                      request_id, PROBLEM_JSON.encode(), extra)
