"""The gateway's grouping of payment notifications (gateway/notifications.py): a lone
notification goes at once; those that arrive while calls are with billing go together
as the next call; no channel waits behind another; billing's error reaches every
notification of its group, and each answer reaches its own notification."""
import asyncio
import threading

import pytest

from gateway.notifications import NotificationGroups, notification_item, notification_reply
from gateway.rpc import ServiceUnavailable


class Billing:
    """billing's provider_notifications, answering each item with its own text, each call
    held until the test releases it."""

    def __init__(self, fail=False):
        self.calls, self.release, self.fail = [], threading.Event(), fail

    def call(self, service, method, channel, items):
        assert (service, method) == ("billing", "provider_notifications")
        self.calls.append((channel, [item[1] for item in items]))
        self.release.wait(5)
        if self.fail:
            raise ServiceUnavailable("billing", "timeout")
        return [f"{channel}:{item[1]}" for item in items]


async def settle_all(groups, billing, items, let_go_after=0.1):
    tasks = []
    for channel, text in items:
        tasks.append(asyncio.create_task(groups.settle(channel, [{}, text])))
        await asyncio.sleep(0)
    await asyncio.sleep(let_go_after)
    billing.release.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


def test_notifications_waiting_for_a_call_go_together_and_each_gets_its_answer():
    billing = Billing()
    groups = NotificationGroups(billing, calls_at_once=1)
    items = [("alipay", f"n{i}") for i in range(5)] + [("bank", "b1"), ("alipay", "n5")]
    answers = asyncio.run(settle_all(groups, billing, items))
    assert answers == [f"{c}:{t}" for c, t in items]
    assert billing.calls == [("alipay", ["n0"]), ("alipay", ["n1", "n2", "n3", "n4", "n5"]),
                             ("bank", ["b1"])]
    groups.close()


def test_calls_at_once_are_bounded_and_a_lone_notification_goes_at_once():
    billing = Billing()
    groups = NotificationGroups(billing, calls_at_once=2)
    answers = asyncio.run(settle_all(groups, billing, [("alipay", f"n{i}") for i in range(4)]))
    assert answers == [f"alipay:n{i}" for i in range(4)]
    assert billing.calls == [("alipay", ["n0"]), ("alipay", ["n1"]), ("alipay", ["n2", "n3"])]
    groups.close()


def test_billing_unavailable_reaches_every_notification_of_the_group():
    billing = Billing(fail=True)
    groups = NotificationGroups(billing, calls_at_once=1)
    answers = asyncio.run(settle_all(groups, billing, [("alipay", "a"), ("alipay", "b")]))
    assert all(isinstance(a, ServiceUnavailable) and a.status == 504 for a in answers)
    groups.close()


@pytest.mark.parametrize("channel, answer, status", [
    ("alipay", "success", 200), ("alipay", "fail", 200), ("bank", "ok", 200),
    ("bank", "fail", 400)])
def test_each_provider_gets_the_status_it_reads(channel, answer, status):
    assert notification_reply(channel, answer) == (answer, status)


def test_a_notification_is_sent_as_fields_and_raw_text_kept_to_64_kib():
    form, text = notification_item(b"a=1&b=%E4%B8%AD&c=" + b"x" * 70_000)
    assert form["a"] == "1" and form["b"] == "中" and len(text) == 64 * 1024
