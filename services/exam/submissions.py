"""The batch consumer of 交卷 (services/common/batch_consumer.py): submissions the gateway
accepted onto exam's queue, graded up to SUBMISSION_BATCH_SIZE per transaction (or every
SUBMISSION_BATCH_MS), acknowledged after the commit — a process killed mid-batch has
them redelivered, and grading each attempt once makes that harmless. Attempts are taken
in the order of their tokens, so two replicas' batches never wait for each other in a
circle."""
from datetime import datetime

from services.common.batch_consumer import BatchConsumer

from . import attempts, submission_queue


class SubmissionConsumer(BatchConsumer):
    work = submission_queue.WORK
    config_prefix = "SUBMISSION"
    default_batch_size = 200
    default_batch_ms = 50

    def parse(self, body):
        if not isinstance(body, dict) or not body.get("token") or not body.get("user_id"):
            raise ValueError("not a submission")
        datetime.fromisoformat(body["submitted_at"])  # ValueError for a bad one
        return body

    def apply(self, uow, items):
        graded = 0
        for item in sorted(items, key=lambda i: str(i["token"])):
            graded += attempts.apply_submission(uow, item)
        return graded
