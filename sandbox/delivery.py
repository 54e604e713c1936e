"""Delivering asynchronous notifications as Alipay does: a form-encoded POST to the
merchant's notify_url, acknowledged only by a body that is exactly `success` (surrounding
whitespace aside), retried on a schedule until it is or the schedule runs out. Every
attempt is recorded. Delivery runs in background threads; wait() lets tests (and a
shutdown) see it through.

UnionPay's back notifications go the same way with their own rule: acknowledged by HTTP
200 (`acknowledged_by_http_200`), each known by its queryId (`key`)."""
import logging
import threading
import time
from datetime import datetime
from urllib.parse import urlencode

import requests

from .alipay import SHANGHAI

log = logging.getLogger(__name__)
EXCERPT = 200  # characters of the merchant's answer kept per attempt
TIMEOUT = (3, 15)  # seconds to connect, to answer


def _moment():
    return datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


def acknowledged_by_success(reply):
    """Alipay's rule: the body is exactly `success`."""
    return reply.content.decode("utf-8", "replace").strip() == "success"


def acknowledged_by_http_200(reply):
    """UnionPay's rule: the merchant answered HTTP 200."""
    return reply.status_code == 200


class Notifier:
    def __init__(self, store, schedule, timeout=TIMEOUT, key="notify_id",
                 acknowledged=acknowledged_by_success, name="alipay-sandbox-notify"):
        self.store = store
        self.schedule = tuple(schedule)  # seconds before each retry, after the first try
        self.timeout = timeout
        self.key = key  # the field that names a notification in the store
        self.acknowledged = acknowledged
        self.name = name
        self._threads = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def send(self, url, notifications, copies=1, delay=0.0):
        """Deliver `notifications` (signed form fields) to `url` in the given order after
        `delay` seconds, each first sent as `copies` concurrent identical POSTs (the
        duplicates a merchant must tolerate), then retried on the schedule. Returns the
        thread doing the first attempts."""
        for params in notifications:
            self.store.add_notification(params, url, _moment()[:19])
        return self._start(self._first_attempts, url, list(notifications), copies, delay)

    def wait(self, timeout=30.0):
        """Whether every delivery (retries included) finished within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                self._threads = [thread for thread in self._threads if thread.is_alive()]
                alive = list(self._threads)
            if not alive:
                return True
            if time.monotonic() >= deadline:
                return False
            alive[0].join(0.05)

    def stop(self):
        """Abandon pending retries (their sleeps end at once)."""
        self._stopping.set()

    def _start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True, name=self.name)
        with self._lock:
            self._threads.append(thread)
        thread.start()
        return thread

    def _first_attempts(self, url, notifications, copies, delay):
        if delay and self._stopping.wait(delay):
            return
        for params in notifications:
            # The next notification goes only after this one's first attempts have been
            # answered, so "out of order" really arrives out of order.
            senders = [threading.Thread(target=self._attempt, args=(url, params), daemon=True)
                       for _ in range(copies)]
            for sender in senders:
                sender.start()
            for sender in senders:
                sender.join()
            if not self.store.acknowledged(params[self.key]):
                self._start(self._retry, url, params)

    def _retry(self, url, params):
        for pause in self.schedule:
            if self._stopping.wait(pause):
                return
            if self._attempt(url, params):
                return
        log.warning("notification %s to %s never acknowledged; schedule exhausted",
                    params[self.key], url)

    def _attempt(self, url, params):
        """One POST; whether the merchant acknowledged it. Never raises: a delivery
        thread that died would silently stop the retries."""
        at = _moment()
        try:
            reply = requests.post(
                url, data=urlencode(params).encode("utf-8"), timeout=self.timeout,
                allow_redirects=False,
                headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            text = reply.content.decode("utf-8", "replace")
            status, excerpt, acknowledged = reply.status_code, text[:EXCERPT], \
                self.acknowledged(reply)
        except requests.RequestException as exc:
            status, excerpt, acknowledged = None, f"{type(exc).__name__}: {exc}"[:EXCERPT], False
        try:
            self.store.record_attempt(params[self.key], at, status, excerpt, acknowledged,
                                      _moment()[:19])
        except Exception:  # recording is for people; it must not stop the delivery
            log.exception("could not record a notification attempt")
        return acknowledged
