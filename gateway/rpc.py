"""Long-lived Nameko RPC proxies, one per gateway thread (ClusterRpcProxy is not
thread-safe, and a proxy per request costs a reply queue and ~15 ms)."""
import logging
import threading

from kombu.exceptions import OperationalError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import DomainError
from services.common.rpc_publishing import use_transient_rpc
from services.common.settings import amqp_uri, env

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """The broker or the service did not answer; the caller may retry later."""

    def __init__(self, service, reason):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class RpcPool:
    def __init__(self, uri=None, timeout=None):
        use_transient_rpc()
        self.config = {"AMQP_URI": uri or amqp_uri()}
        self.timeout = float(timeout or env("GATEWAY_RPC_TIMEOUT", "10"))
        self._local = threading.local()

    def _proxy(self):
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            runner = ClusterRpcProxy(self.config, timeout=self.timeout)
            proxy = runner.start()
            self._local.runner, self._local.proxy = runner, proxy
        return proxy

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
        except (UnknownService, OperationalError, OSError) as exc:
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
