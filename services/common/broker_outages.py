"""What Nameko 2.14 does not survive of a broker crash, fixed once per service process.

Reproduced with `kill -9` of RabbitMQ under load (tests/integration/test_broker_crash.py,
test_worker_outlives_broker.py):

- A worker that finishes after the connection dropped, but before the consumer thread
  noticed, acknowledges its message on the dead socket. The socket raises
  `ConnectionResetError` / `BrokenPipeError` (Python's built-in ConnectionError, an
  OSError); `QueueConsumer.ack_message` only catches amqp's own `ConnectionError`, so the
  worker thread dies with it and the container — the whole process — is killed.
- An RPC worker whose reply cannot be published (broker gone) raises out of
  `RpcConsumer.handle_result` in the same way.
- The consumer reconnects after 2, 4, 6 … up to 30 s (kombu's defaults), so a service
  could sit idle long after the broker is back; and a container asked to stop while the
  broker is away retries connecting forever instead of stopping.

An acknowledgement that cannot be sent is harmless: the broker requeues every unacked
message of a closed connection (or, after a crash, keeps what was persistent) and
redelivers it; event consumers dedupe through their inbox. A reply that cannot be sent
leaves its caller to time out, which it does within its own bounded timeout.
"""
import logging
from contextlib import contextmanager

import amqp.exceptions
import kombu.exceptions
from nameko import messaging, rpc

log = logging.getLogger(__name__)

CONNECTION_LOST = (OSError, amqp.exceptions.ConnectionError, kombu.exceptions.OperationalError)
"""What a publish, ack or requeue raises when the broker connection is gone."""

RECONNECT_INTERVALS = {"interval_start": 0.5, "interval_step": 0.5, "interval_max": 2.0}


def _guarded(settle, verb):
    def settle_unless_disconnected(self, message):
        try:
            settle(self, message)
        except CONNECTION_LOST as exc:
            log.warning("could not %s a message (connection lost: %s); the broker "
                        "redelivers it", verb, exc)
    settle_unless_disconnected.guards_broker_outage = True
    return settle_unless_disconnected


def _reply_unless_disconnected(handle_result):
    def handle_result_guarded(self, message, result, exc_info):
        try:
            return handle_result(self, message, result, exc_info)
        except CONNECTION_LOST as exc:
            log.warning("reply to %s not sent (connection lost: %s); the caller times out",
                        message.delivery_info.get("routing_key"), exc)
            return result, exc_info
    handle_result_guarded.guards_broker_outage = True
    return handle_result_guarded


@contextmanager
def _establish_connection(self):
    with self.create_connection() as conn:
        # The socket's own error (not kombu's wrapper) is one the consumer loop handles,
        # so giving up while stopping ends the loop quietly instead of the thread.
        conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                               reraise_as_library_errors=False, **RECONNECT_INTERVALS)
        yield conn


def _on_connection_error(self, exc, interval):
    if self.should_stop:  # stopping or killed: give up reconnecting
        raise exc
    log.warning("broker at %s unreachable (%s); retrying in %.1f s",
                messaging.sanitize_url(self.amqp_uri), exc, interval)


def survive_broker_outages():
    """Patch Nameko's queue consumer and RPC reply path (idempotent)."""
    consumer = messaging.QueueConsumer
    if getattr(consumer.ack_message, "guards_broker_outage", False):
        return
    consumer.ack_message = _guarded(consumer.ack_message, "acknowledge")
    consumer.requeue_message = _guarded(consumer.requeue_message, "requeue")
    consumer.establish_connection = _establish_connection
    consumer.on_connection_error = _on_connection_error
    rpc.RpcConsumer.handle_result = _reply_unless_disconnected(rpc.RpcConsumer.handle_result)
