"""The batch consumer of heartbeats, inside the learning service
(services/common/batch_consumer.py): up to HEARTBEAT_BATCH_SIZE heartbeats or
HEARTBEAT_BATCH_MS, applied in one transaction, acknowledged after the commit — a crash
before it redelivers the batch, which the sequence numbers make harmless; a lost
heartbeat only delays credit. The moments applied go to a Learning Record Store when one
is configured."""
from services.common.batch_consumer import BatchConsumer

from . import heartbeat_queue
from .heartbeats import apply_batch, parse
from .settings import complete_ratio_permille, credit_rules
from .xapi import LrsForwarder


class HeartbeatConsumer(BatchConsumer):
    work = heartbeat_queue.WORK
    config_prefix = "HEARTBEAT"

    def setup(self):
        super().setup()
        # xAPI statements go to a Learning Record Store only when one is configured.
        endpoint = self.container.config.get("LRS_ENDPOINT") or ""
        self.forwarder = LrsForwarder(endpoint) if endpoint else None
        self.rules = credit_rules()
        self.ratio = complete_ratio_permille()

    def parse(self, body):
        return parse(body)

    def apply(self, uow, beats):
        _, moments = apply_batch(uow, beats, self.rules, self.ratio)
        return moments

    def after(self, moments):
        if self.forwarder is not None and moments:
            self.forwarder.send(moments)
