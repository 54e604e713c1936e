"""Projection throughput through the broker (issue 11): how many events a second reporting
applies from its queue.

    python benchmarks/reporting_feed_load.py [learners] publish|drain

Publishes the envelopes the producers' relays would (straight into reporting's queue), a
history for `learners` people: each registered (identity) and admitted (orgtree) in one of
a hundred units, then activating a plan, selecting a course and starting it (learning) —
five events each — then (step drain) how fast one reporting replica applies them: from
its first batch until its checkpoints count them all. Prints events/s and the batch settings."""
import os
import sys
import time
import uuid
from datetime import date, datetime, timezone

from kombu import Connection, Producer
from sqlalchemy import func, select

from services.common.events import make_envelope
from services.common.scripting import UnitOfWorkFactory
from services.common.settings import amqp_uri
from services.reporting import models
from services.reporting.event_feed import QUEUE

BASE = 50_000_000


def history(n, t):
    base = BASE + int(uuid.uuid4().int % 1000) * 100_000
    versions = {}

    def env(producer, event_type, payload, aggregate):
        versions[aggregate] = versions.get(aggregate, 0) + 1
        return make_envelope(producer, event_type, payload, t, versions[aggregate])
    yield env("learning", "plan_published", {
        "plan_id": 900_001, "name": "压测计划", "year": 2026, "kind": "public", "category": None,
        "makeup": False, "status": "published", "total_hours": "8.0", "required_hours": "6.0",
        "extra_required_exams": 0, "opens_on": date(2026, 1, 1), "closes_on": date(2026, 12, 31),
        "pay_deadline": date(2026, 11, 30), "scope_org_id": None, "courses": []},
        ("plan", 900_001))
    for org in range(100):
        yield env("orgtree", "org_registered", {
            "org_id": 900_000 + org, "parent_id": None, "path": "/", "name": f"压测单位{org}",
            "type": "employer", "status": "active", "review_members": False},
            ("org", 900_000 + org))
    for i in range(n):
        user = base + i
        yield env("identity", "user_registered", {
            "user_id": user, "username": f"feed{user}", "org_id": 900_000 + i % 100,
            "real_name": "压测学员", "id_type": "id_card", "id_number_masked": "1201**********0000",
            "gender": "male", "birth_date": date(1990, 1, 1), "title_level": None,
            "registered_at": t, "added_by": None}, ("user", user))
        yield env("orgtree", "member_approved", {"membership_id": user, "user_id": user,
                                                 "org_id": 900_000 + i % 100,
                                                 "approved_by": None}, ("member", user))
        fact = {"enrolment_id": user, "user_id": user, "plan_id": 900_001}
        yield env("learning", "plan_activated", fact | {"org_id": 900_000 + i % 100,
                                                        "activated_at": t},
                  ("enrolment", user))
        yield env("learning", "course_selected", fact | {
            "course_id": 1, "kind": "required", "hours": "6.0", "order_no": None,
            "selected_at": t}, ("enrolment", user))
        yield env("learning", "learning_started", fact | {"course_id": 1, "started_at": t},
                  ("enrolment", user))


def applied(db):
    with db() as uow:
        return int(uow.session.execute(select(func.coalesce(
            func.sum(models.checkpoints.c.applied), 0))).scalar())


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    step = sys.argv[2] if len(sys.argv) > 2 else "publish"
    db = UnitOfWorkFactory("reporting", models.outbox, models.inbox)
    total = 5 * n + 101
    if step == "publish":
        t = datetime.now(timezone.utc)
        envelopes = list(history(n, t))
        started = time.monotonic()
        with Connection(amqp_uri()) as connection:
            # Straight into reporting's queue (the default exchange): through the
            # producers' exchanges the history would also load every other service that
            # takes these events, on the same two cores.
            producer = Producer(connection.channel())
            for envelope in envelopes:
                producer.publish(envelope, routing_key=QUEUE.name, serializer="json",
                                 delivery_mode=2)
        print(f"  {len(envelopes)} events for {n} learners (5 each, plus a plan and 100 "
              f"units) published in {time.monotonic() - started:.1f} s, reporting's feed off")
        return
    print(f"  a replica starts with the feed on; batches of "
          f"{os.environ.get('PROJECTION_BATCH_SIZE', '1000')} or "
          f"{os.environ.get('PROJECTION_BATCH_MS', '100')} ms")
    deadline = time.monotonic() + 1800
    while applied(db) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    started, first = time.monotonic(), applied(db)
    while applied(db) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    took = time.monotonic() - started
    done = applied(db)
    print(f"  {done} of {total} applied; {done - first} in {took:.1f} s after the first batch "
          f"= {(done - first) / took:.0f} events/s (target ≥ 5,000/s)")


if __name__ == "__main__":
    main()
