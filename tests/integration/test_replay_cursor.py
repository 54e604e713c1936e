"""`replay_events` pages by a cursor that never skips a late commit: producers whose
transactions commit out of id order (a lower outbox id committing after a higher one has
been read) still have every event returned exactly once, on PostgreSQL where that
happens for real."""
import random
import threading
import time

import pytest
import sqlalchemy as sa

from services.common.clock import Clock
from services.common.relay import OutboxRelay
from services.common.scripting import UnitOfWorkFactory
from services.orgtree import models as orgtree_models

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_replay_cursor_never_skips_an_event_that_committed_late(postgres_url, amqp_uri):
    url = postgres_url("orgtree")
    factory = UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox, url=url)
    producers, per_producer = 6, 25
    relay = OutboxRelay(factory.engine, orgtree_models.outbox, "orgtree", amqp_uri, Clock(),
                        batch_size=7)
    done = threading.Event()

    def produce(n):
        rnd = random.Random(n)
        for i in range(per_producer):
            with factory() as uow:
                uow.add_event("member_review_requested", {
                    "membership_id": n * 1000 + i, "user_id": n * 1000 + i, "org_id": 1})
                uow.session.flush()  # the row has its id now...
                time.sleep(rnd.random() * 0.02)  # ...and commits after others' later ids
                uow.commit()

    def relay_loop():
        while not done.is_set():
            relay.publish_pending()
            time.sleep(0.001)
        while relay.publish_pending():
            pass

    def straggle():
        # One transaction that certainly commits late: it takes its id, then waits until a
        # row with a higher id has been published (has its position) before committing.
        # Random sleeps alone did not always interleave on a fast machine.
        with factory() as uow:
            [draft] = uow.add_events("member_review_requested", [{
                "membership_id": 999_999, "user_id": 999_999, "org_id": 1}])
            outbox = orgtree_models.outbox
            my_id = uow.session.execute(sa.select(outbox.c.id).where(
                outbox.c.event_id == draft["id"])).scalar_one()
            deadline = time.monotonic() + 30
            with factory.engine.connect() as other:
                while time.monotonic() < deadline and not other.execute(sa.text(
                        "SELECT count(*) FROM outbox WHERE id > :id AND position IS NOT NULL"),
                        {"id": my_id}).scalar():
                    time.sleep(0.01)
            uow.commit()

    seen, cursor = [], 0
    threads = [threading.Thread(target=produce, args=(n,)) for n in range(producers)]
    threads.append(threading.Thread(target=straggle))
    relayer = threading.Thread(target=relay_loop)
    relayer.start()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) or len(seen) < producers * per_producer + 1:
        page = factory.replay_events(cursor, 5)
        for item in page:
            seen.append(item["envelope"]["id"])
            cursor = item["position"]
        if not any(t.is_alive() for t in threads):
            done.set()
            relayer.join()
            page = factory.replay_events(cursor, 1000)
            seen += [item["envelope"]["id"] for item in page]
            break
        time.sleep(0.002)
    with factory() as uow:
        written = set(uow.session.execute(sa.select(orgtree_models.outbox.c.event_id)).scalars())
        late = uow.session.execute(sa.text(
            "SELECT count(*) FROM outbox a JOIN outbox b ON a.id < b.id "
            "AND a.position > b.position")).scalar()
    assert len(written) == producers * per_producer + 1
    assert late > 0, "no transaction committed out of id order: the test proved nothing"
    assert len(seen) == len(set(seen)) and set(seen) == written
