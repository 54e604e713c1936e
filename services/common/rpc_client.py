"""Calls from one service to another, each with a timeout.

Nameko's `RpcProxy` waits for a reply for ever: a lost request or reply, or a service that
is down, holds the calling worker for good, and under load two services calling each
other can exhaust each other's workers. `ServiceRpc` is a drop-in for it:

    identity = ServiceRpc("identity")
    ...
    self.identity.org_applicant(org_id, applicant)

Each call waits at most SERVICE_RPC_TIMEOUT seconds (config key or environment, default
5 — below the gateway's 10, so the person gets this error rather than the gateway's
timeout), and a request carries that timeout as its expiration, so a service that was
away does not carry out stale requests when it comes back. A call that gets no answer —
the broker away, the service down or too slow — raises `ServiceUnavailable` (503, a
Chinese message the gateway renders as problem+json); domain errors of the callee pass
through unchanged. Calls go one way only (docs/architecture.md): a service never calls a
service that calls it.
"""
import logging

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import MethodProxy, RpcProxy

from .broker_outages import CONNECTION_LOST
from .errors import ServiceUnavailable
from .rpc_publishing import ONE_QUICK_RETRY
from .settings import env

log = logging.getLogger(__name__)

SERVICE_LABELS = {"identity": "账号服务", "orgtree": "组织机构服务"}


def unavailable(service):
    label = SERVICE_LABELS.get(service, "相关服务")
    return ServiceUnavailable("service_unavailable", f"{label}暂时无法响应，请稍后重试")


class ServiceRpc(RpcProxy):
    def setup(self):
        super().setup()
        config = self.container.config
        self.timeout = float(config.get("SERVICE_RPC_TIMEOUT")
                             or env("SERVICE_RPC_TIMEOUT", "5"))

    def get_dependency(self, worker_ctx):
        return TimedServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener,
                                 self.timeout, self.options)


class TimedServiceProxy:
    def __init__(self, worker_ctx, service, reply_listener, timeout, options):
        self._worker_ctx = worker_ctx
        self._service = service
        self._reply_listener = reply_listener
        self._timeout = timeout
        self._options = {"retry_policy": ONE_QUICK_RETRY, **options, "expiration": timeout}

    def __getattr__(self, method):
        proxy = MethodProxy(self._worker_ctx, self._service, method, self._reply_listener,
                            **self._options)
        return lambda *args, **kwargs: self._call(proxy, args, kwargs)

    def _call(self, proxy, args, kwargs):
        try:
            reply = proxy.call_async(*args, **kwargs)
        except (UnknownService, *CONNECTION_LOST) as exc:
            log.warning("%s.%s not sent: %s", self._service, proxy.method_name, exc)
            raise unavailable(self._service) from None
        timer = eventlet.Timeout(self._timeout)
        try:
            return reply.result()
        except eventlet.Timeout as fired:
            if fired is not timer:
                raise
            self._forget(reply)
            log.warning("%s.%s: no answer within %.1f s", self._service, proxy.method_name,
                        self._timeout)
            raise unavailable(self._service) from None
        finally:
            timer.cancel()

    def _forget(self, reply):
        # A late reply would find no one waiting; drop the waiting slot now, not never.
        events = self._reply_listener._reply_events
        for correlation_id, event in list(events.items()):
            if event is reply.reply_event:
                events.pop(correlation_id, None)
