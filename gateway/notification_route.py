"""POST /api/v1/payments/alipay/notify and /api/v1/payments/bank/notify, served on the
gateway's event loop (asgi.py) so that notifications can wait for each other and go to
billing in groups (notifications.py). The same contract as the Flask views they stand in
front of (documented in the OpenAPI there): no login — the provider's signature is the
credential, checked by billing — and the plain-text answer the provider expects, given
only after billing's commit."""
import logging
import os

from services.common.errors import DomainError

from .heartbeat_route import HttpProblem, header, respond
from .notifications import MAX_NOTIFICATION_BYTES, notification_item, notification_reply
from .problems import PROBLEM_JSON, problem_document

log = logging.getLogger(__name__)

PATHS = {"/api/v1/payments/alipay/notify": "alipay", "/api/v1/payments/bank/notify": "bank"}


async def read_notification(receive):
    """The body, its first MAX_NOTIFICATION_BYTES kept (as the Flask view keeps them)."""
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the provider went away")
        if len(body) <= MAX_NOTIFICATION_BYTES:
            body += message.get("body", b"")
        if not message.get("more_body"):
            return body


class NotificationRoute:
    def __init__(self, groups):
        self.groups = groups

    async def __call__(self, scope, receive, send):
        request_id = header(scope, b"x-request-id")[:64] or os.urandom(16).hex()
        channel = PATHS[scope["path"]]
        try:
            if scope["method"] != "POST":
                raise HttpProblem(405)
            item = notification_item(await read_notification(receive))
            text, status = notification_reply(channel,
                                              await self.groups.settle(channel, item))
        except ConnectionResetError:
            return
        except HttpProblem as exc:
            await self._problem(send, request_id, exc.status)
        except DomainError as exc:  # ServiceUnavailable among them: 503 / 504
            log.warning("request %s: %s notification not settled (%s)", request_id, channel,
                        exc)
            await self._problem(send, request_id, exc.status, code=exc.code, title=exc.title,
                                detail=exc.detail)
        except Exception:  # noqa: BLE001 — never a stack trace to the provider
            log.exception("request %s failed", request_id)
            await self._problem(send, request_id, 500)
        else:
            body = text.encode()
            await send({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _problem(send, request_id, status, **fields):
        extra = ((b"retry-after", b"5"),) if status in (503, 504) else ()
        await respond(send, status, problem_document(status, request_id=request_id, **fields),
                      request_id, PROBLEM_JSON.encode(), extra)
