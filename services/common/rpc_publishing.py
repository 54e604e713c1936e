"""RPC requests and replies are answered or retried by a person within seconds: they need
neither persistence nor publisher confirms, which cost about a third of the throughput on
a 2-core machine (STACK-NOTES). Events never go this way: they use the outbox relay's
confirmed, persistent publisher."""
import nameko.rpc
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT

from .settings import flag


class TransientPublisher(Publisher):
    use_confirms = False
    delivery_mode = NON_PERSISTENT

    def publish(self, payload, **kwargs):
        # Nameko asks for mandatory delivery to detect unknown services, which needs
        # confirms; without them the caller's timeout (a 503 at the gateway) says it.
        kwargs["mandatory"] = False
        return super().publish(payload, **kwargs)


def use_transient_rpc():
    """Switch Nameko's RPC request and reply publishers; RPC_FAST_PUBLISH=off keeps the
    library default."""
    if flag("RPC_FAST_PUBLISH", True):
        nameko.rpc.MethodProxy.publisher_cls = TransientPublisher
        nameko.rpc.Responder.publisher_cls = TransientPublisher
