"""Where heartbeats travel: the gateway publishes each to this exchange (no RPC, no
reply) and learning's batch consumer reads this queue (services/common/work_queues.py)."""
from services.common.work_queues import work_queue

WORK = work_queue("learning", "learning.heartbeats", "heartbeat")
EXCHANGE, QUEUE, ROUTING_KEY = WORK.exchange, WORK.queue, WORK.routing_key
