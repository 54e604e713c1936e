"""Payment providers' notifications on their way to billing, in groups.

A provider repeats its notifications, and near a deadline they come by the hundred a
second; one RPC and one transaction each would make the broker's and the database's
per-message work the whole cost. So notifications that arrive while earlier ones are
with billing wait for them and then go together as one call (at most MAX_GROUP, at most
GATEWAY_NOTIFY_GROUPS calls at once per gateway worker): billing settles a group in one
transaction and answers each notification only after that commit. A lone notification
goes at once."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

from services.common.settings import env

MAX_NOTIFICATION_BYTES = 64 * 1024
MAX_GROUP = 100
REPLY_STATUS = {"alipay": lambda answer: 200,  # Alipay reads the text: `success` or not
                "bank": lambda answer: 200 if answer == "ok" else 400}  # UnionPay: HTTP 200


def notification_item(body):
    """What billing is sent of a notification's body: its form fields and its raw text
    (kept as received, up to MAX_NOTIFICATION_BYTES)."""
    from urllib.parse import parse_qsl
    text = body[:MAX_NOTIFICATION_BYTES].decode("utf-8", errors="replace")
    return [dict(parse_qsl(text, keep_blank_values=True)), text]


def notification_reply(channel, answer):
    """(text, HTTP status) the provider expects for billing's `answer`."""
    return answer, REPLY_STATUS[channel](answer)


class NotificationGroups:
    """Sends notifications to billing in groups, from the gateway's event loop, by the
    gateway's own bounded RPC client (gateway/rpc.py) on a few threads."""

    def __init__(self, rpc, calls_at_once=None):
        self.rpc = rpc
        self.calls_at_once = int(calls_at_once or env("GATEWAY_NOTIFY_GROUPS", "4"))
        self._threads = ThreadPoolExecutor(self.calls_at_once,
                                           thread_name_prefix="notifications")
        self._waiting = {}
        self._calls = 0

    async def settle(self, channel, item):
        """billing's answer to one notification; ServiceUnavailable when billing or the
        broker did not answer."""
        loop = asyncio.get_running_loop()
        answered = loop.create_future()
        self._waiting.setdefault(channel, []).append((item, answered))
        if self._calls < self.calls_at_once:
            self._calls += 1
            loop.create_task(self._send_groups())
        return await asyncio.shield(answered)

    async def _send_groups(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                channel = next((c for c, waiting in self._waiting.items() if waiting), None)
                if channel is None:
                    return
                waiting = self._waiting[channel]
                group, self._waiting[channel] = waiting[:MAX_GROUP], waiting[MAX_GROUP:]
                try:
                    answers = await loop.run_in_executor(
                        self._threads, self.rpc.call, "billing", "provider_notifications",
                        channel, [item for item, _ in group])
                except Exception as exc:  # noqa: BLE001 — every waiter gets the error
                    for _, answered in group:
                        if not answered.done():
                            answered.set_exception(exc)
                    continue
                for (_, answered), answer in zip(group, answers, strict=True):
                    if not answered.done():
                        answered.set_result(answer)
        finally:
            self._calls -= 1

    def close(self):
        self._threads.shutdown(wait=False, cancel_futures=True)
