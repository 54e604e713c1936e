"""Work the gateway hands a service through the broker instead of RPC — heartbeats,
exam submissions: a durable direct exchange and queue the service's batch consumer
(batch_consumer.py) drains, applying many messages per transaction and acknowledging
after the commit. The gateway publishes with confirms (gateway/work_bus.py) and answers
once the broker holds the message. Both sides declare them, so neither depends on the
other having started first."""
from dataclasses import dataclass

from kombu import Exchange, Queue


@dataclass(frozen=True)
class WorkQueue:
    owner: str           # the service that consumes it (named in 503 answers)
    exchange: Exchange
    queue: Queue
    routing_key: str


def work_queue(owner, name, routing_key):
    exchange = Exchange(name, type="direct", durable=True, auto_delete=False)
    return WorkQueue(owner, exchange, Queue(name, exchange=exchange, routing_key=routing_key,
                                            durable=True, auto_delete=False), routing_key)
