"""The relay's bookkeeping: versions per aggregate, and on a failure mid-batch exactly
the rows the broker confirmed are marked published (a double stands in for the broker
here; the integration tests publish to the real one)."""
import json

import pytest
import sqlalchemy as sa

from services.common.relay import OutboxRelay
from services.orgtree.models import outbox


class BrokerGoingAway:
    def __init__(self, confirm):
        self.confirm = confirm
        self.published = []

    def publish(self, body, **kwargs):
        if len(self.published) == self.confirm:
            raise ConnectionResetError("broker went away")
        self.published.append(body["id"])


def write_events(factory, n):
    with factory() as uow:
        for i in range(n):
            uow.add_event("member_review_requested", {"membership_id": i, "user_id": i % 3,
                                                      "org_id": 1})
        uow.commit()


def positions(factory):
    with factory() as uow:
        return dict(uow.session.execute(sa.select(outbox.c.event_id, outbox.c.position)).all())


def test_each_aggregate_counts_its_own_versions(uow_factory):
    factory = uow_factory("orgtree")
    write_events(factory, 7)
    write_events(factory, 2)
    with factory() as uow:
        rows = uow.session.execute(sa.select(outbox.c.aggregate_id, outbox.c.aggregate_version,
                                             outbox.c.envelope).order_by(outbox.c.id)).all()
    by_user = {}
    for aggregate_id, version, body in rows:
        by_user.setdefault(aggregate_id, []).append(version)
        assert json.loads(body)["aggregate"] == {"type": "member", "id": aggregate_id,
                                                 "version": version}
    assert by_user == {"0": [1, 2, 3, 4], "1": [1, 2, 3], "2": [1, 2]}


def test_a_failure_mid_batch_marks_exactly_what_was_confirmed(uow_factory, clock):
    factory = uow_factory("orgtree")
    write_events(factory, 5)
    broker = BrokerGoingAway(confirm=2)
    relay = OutboxRelay(factory.engine, outbox, "orgtree", None, clock, publisher=broker)
    with pytest.raises(ConnectionResetError):
        relay.publish_pending()
    marked = {k: v for k, v in positions(factory).items() if v is not None}
    assert marked == {broker.published[0]: 1, broker.published[1]: 2}
    broker.confirm = 10
    assert relay.publish_pending() == 3
    assert sorted(positions(factory).values()) == [1, 2, 3, 4, 5]
    assert len(broker.published) == 5
