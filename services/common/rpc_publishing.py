"""RPC requests and replies are answered or retried by a person within seconds: they need
neither persistence nor publisher confirms, which cost about a third of the throughput on
a 2-core machine (STACK-NOTES). Events never go this way: they use the outbox relay's
confirmed, persistent publisher.

Nameko's publisher also builds a new kombu Connection object for every message (URI
parsing, a transport import probe), about a third of the gateway's CPU per RPC; the
connection object here is built once per broker and its pool of producers reused.

A publish is bounded, so a caller learns within a second that the broker is away: one
connection attempt of at most CONNECT_TIMEOUT, and one immediate retry on a fresh
connection (which is what a pooled connection from before a broker restart needs). A
request may carry an `expiration` (the caller's timeout): the broker drops it unread once
nobody can be waiting for its answer any more."""
import threading

import nameko.rpc
from kombu import Connection
from kombu.pools import producers
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT

from .settings import env, flag

CONNECT_TIMEOUT = float(env("AMQP_CONNECT_TIMEOUT", "1"))
ONE_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0,
                   "interval_max": 0}

_connections = {}
_lock = threading.Lock()


def _connection(amqp_uri, ssl, login_method):
    key = (amqp_uri, repr(ssl), login_method)
    conn = _connections.get(key)
    if conn is None:
        with _lock:
            conn = _connections.get(key)
            if conn is None:
                conn = _connections[key] = Connection(
                    amqp_uri, ssl=ssl, login_method=login_method,
                    connect_timeout=CONNECT_TIMEOUT,
                    transport_options={"confirm_publish": False, **ONE_QUICK_RETRY})
    return conn


class TransientPublisher(Publisher):
    use_confirms = False
    delivery_mode = NON_PERSISTENT
    retry_policy = ONE_QUICK_RETRY

    def publish(self, payload, **kwargs):
        # Nameko asks for mandatory delivery to detect unknown services, which needs
        # confirms; without them the caller's timeout (a 503 at the gateway) says it.
        kwargs.pop("mandatory", None)
        kwargs.pop("use_confirms", None)
        options = dict(self.publish_kwargs)
        headers = dict(options.pop("headers", {}))
        headers.update(kwargs.pop("headers", {}))
        headers.update(kwargs.pop("extra_headers", {}))
        declare = list(self.declare) + list(kwargs.pop("declare", ()))
        serializer = kwargs.pop("serializer", self.serializer)
        expiration = kwargs.pop("expiration", self.expiration)
        options.update(kwargs)
        conn = _connection(self.amqp_uri, self.ssl, self.login_method)
        with producers[conn].acquire(block=True) as producer:
            producer.publish(payload, headers=headers, delivery_mode=NON_PERSISTENT,
                             serializer=serializer, compression=self.compression,
                             declare=declare, expiration=expiration, retry=self.retry,
                             retry_policy=self.retry_policy, **options)


def use_transient_rpc():
    """Switch Nameko's RPC request and reply publishers; RPC_FAST_PUBLISH=off keeps the
    library default."""
    if flag("RPC_FAST_PUBLISH", True):
        nameko.rpc.MethodProxy.publisher_cls = TransientPublisher
        nameko.rpc.Responder.publisher_cls = TransientPublisher
