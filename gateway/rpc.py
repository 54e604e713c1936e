"""Long-lived Nameko RPC proxies, one per gateway thread (ClusterRpcProxy is not
thread-safe, and a proxy per request costs a reply queue and ~15 ms).

Every call is bounded, so a person gets an answer (503 problem+json) within about a second
when the broker is away instead of waiting for the RPC timeout:
- connecting the reply consumer is one attempt of at most AMQP_CONNECT_TIMEOUT (Nameko
  retries for 2 s and more), and publishing the request is bounded the same way
  (services/common/rpc_publishing.py);
- a connection lost while waiting for the reply ends the wait at once: the reply queue,
  and any reply in it, went with the connection, so waiting on would only reach the
  timeout (Nameko reconnects and waits on);
- a proxy whose connection died while idle is noticed and replaced before it sends, so
  the first request after the broker's return is served, not failed;
- a request carries its timeout as its expiration: a service that was away does not,
  on its return, work through requests nobody waits for any more.
"""
import logging
import threading
import time

import amqp.exceptions
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko import serialization
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.rpc import ServiceProxy
from nameko.standalone.rpc import (ClusterRpcProxy, ConsumeEvent, PollingQueueConsumer,
                                   SingleThreadedReplyListener)

from services.common import errors
from services.common.errors import DomainError
from services.common.rpc_publishing import CONNECT_TIMEOUT, ONE_QUICK_RETRY, use_transient_rpc
from services.common.settings import amqp_uri, env

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 1.0
BROKER_UNREACHABLE = (OSError, OperationalError, amqp.exceptions.ConnectionError, UnknownService)


class ServiceUnavailable(errors.ServiceUnavailable):
    """The broker or the service did not answer; the caller may retry later. A timeout is
    a 504 (the request may still be carried out), anything else a 503."""

    def __init__(self, service, reason):
        timeout = reason == "timeout"
        super().__init__("upstream_timeout" if timeout else "service_unavailable")
        if timeout:
            self.status, self.title = 504, "服务响应超时，请稍后重试"
            self.detail = self.title
        self.service = service
        self.reason = reason

    def __str__(self):
        return f"{self.service}: {self.reason}"


def connect_once(uri):
    """A kombu connection, connected with one attempt of at most CONNECT_TIMEOUT."""
    conn = Connection(uri, connect_timeout=CONNECT_TIMEOUT)
    try:
        conn.ensure_connection(**ONE_QUICK_RETRY)
    except Exception:
        conn.release()
        raise
    return conn


class _ReplyConsumer(PollingQueueConsumer):
    def register_provider(self, provider):
        # As Nameko's, but connecting once with a bounded attempt.
        self.provider = provider
        config = provider.container.config
        self.serializer, self.accept = serialization.setup(config)
        self.connection = connect_once(config[AMQP_URI_CONFIG_KEY])
        self.queue = provider.queue
        self._setup_consumer()
        self.stopped = False

    def ack_message(self, msg):
        try:
            msg.ack()
        except BROKER_UNREACHABLE:  # the reply is here; unacked, it goes with its queue
            pass

    def alive(self):
        """False when the connection died since the last call (a non-blocking read)."""
        try:
            self.connection.drain_events(timeout=0)
        except TimeoutError:
            return True
        except Exception:
            return False
        return True

    def get_message(self, correlation_id):
        deadline = time.monotonic() + self.timeout
        while correlation_id not in self.replies:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError()
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:
                raise RpcTimeout(self.timeout) from None
        body, message = self.replies.pop(correlation_id)
        self.provider.handle_message(body, message)


class _ReplyEvent(ConsumeEvent):
    def wait(self):
        # Nameko's raises RuntimeError on a consumer it finds disconnected; here the
        # connection error itself propagates, and is answered as a 503.
        self.queue_consumer.get_message(self.correlation_id)
        return self.body


class _ReplyListener(SingleThreadedReplyListener):
    def __init__(self, timeout=None):
        super().__init__(timeout=timeout)
        self.queue_consumer = _ReplyConsumer(timeout=timeout)

    def get_reply_event(self, correlation_id):
        event = self._reply_events[correlation_id] = _ReplyEvent(self.queue_consumer,
                                                                 correlation_id)
        return event


class _Cluster:
    """Nameko's ClusterProxy, passing publish options (the request's expiration)."""

    def __init__(self, worker_ctx, reply_listener, **options):
        self._worker_ctx, self._reply_listener, self._options = (worker_ctx, reply_listener,
                                                                 options)

    def __getitem__(self, service):
        return ServiceProxy(self._worker_ctx, service, self._reply_listener, **self._options)


class _BoundedClusterRpcProxy(ClusterRpcProxy):
    def __init__(self, config, timeout):
        super().__init__(config, timeout=timeout, reply_listener_cls=_ReplyListener)
        self._proxy = _Cluster(self._worker_ctx, self._reply_listener, expiration=timeout,
                               retry_policy=ONE_QUICK_RETRY)

    def alive(self):
        return self._reply_listener.queue_consumer.alive()


class RpcPool:
    def __init__(self, uri=None, timeout=None):
        use_transient_rpc()
        self.config = {"AMQP_URI": uri or amqp_uri()}
        self.timeout = float(timeout or env("GATEWAY_RPC_TIMEOUT", "10"))
        self._local = threading.local()

    def _proxy(self):
        runner = getattr(self._local, "runner", None)
        now = time.monotonic()
        # Only a proxy idle for a while can have lost its connection unnoticed (a broker
        # takes seconds to come back), so busy threads skip the check.
        if runner is not None and now - self._local.used > IDLE_CHECK_SECONDS \
                and not runner.alive():
            self._discard()
            runner = None
        if runner is None:
            runner = _BoundedClusterRpcProxy(self.config, self.timeout)
            self._local.proxy = runner.start()
            self._local.runner = runner
        self._local.used = now
        return self._local.proxy

    def _discard(self):
        runner = getattr(self._local, "runner", None)
        self._local.runner = self._local.proxy = None
        if runner is not None:
            try:
                runner.stop()
            except Exception:  # the connection is already gone
                pass

    def call(self, service, method, *args, **kwargs):
        try:
            proxy = self._proxy()
            return getattr(proxy[service], method)(*args, **kwargs)
        except DomainError:
            raise
        except RpcTimeout:
            # The reply may still arrive on this proxy's queue later; a fresh proxy
            # keeps a late reply from being taken for the next call's.
            self._discard()
            raise ServiceUnavailable(service, "timeout") from None
        except BROKER_UNREACHABLE as exc:
            self._discard()
            raise ServiceUnavailable(service, type(exc).__name__) from None

    def __getattr__(self, service):
        return _ServiceHandle(self, service)


class _ServiceHandle:
    def __init__(self, pool, service):
        self._pool, self._service = pool, service

    def __getattr__(self, method):
        return lambda *a, **kw: self._pool.call(self._service, method, *a, **kw)


def rpc_pool():
    from flask import current_app
    return current_app.extensions["rpc"]
