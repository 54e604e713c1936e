"""Where heartbeats travel: the gateway publishes each to this exchange (no RPC, no
reply) and learning's batch consumer reads this queue. Both declare them, so neither
depends on the other having started first."""
from kombu import Exchange, Queue

EXCHANGE = Exchange("learning.heartbeats", type="direct", durable=True, auto_delete=False)
ROUTING_KEY = "heartbeat"
QUEUE = Queue("learning.heartbeats", exchange=EXCHANGE, routing_key=ROUTING_KEY, durable=True,
              auto_delete=False)
