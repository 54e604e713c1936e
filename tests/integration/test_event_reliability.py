"""Nothing is lost: events written while the broker is down arrive when it is back, a
redelivered event is applied once, and a consumer killed mid-batch loses nothing."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT

from services.common.relay import event_exchange
from services.identity.models import inbox as identity_inbox
from services.identity.models import orgs as identity_orgs
from services.orgtree import tree
from services.orgtree.models import inbox as orgtree_inbox
from services.orgtree.models import memberships
from tests.builders import envelope, org_payload
from tests.conftest import eventually

pytestmark = pytest.mark.integration
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def count(uow_factory, service, table, *where):
    with uow_factory(service)() as uow:
        query = sa.select(sa.func.count()).select_from(table)
        for clause in where:
            query = query.where(clause)
        return uow.session.execute(query).scalar()


def publish(amqp_uri, producer, body):
    Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT).publish(
        body, exchange=event_exchange(producer), routing_key=body["type"])


@pytest.mark.broker_outage
def test_event_written_while_the_broker_is_down_arrives_after_it_returns(
        start_services, uow_factory):
    start_services()
    rabbitmqctl("stop_app")
    try:
        with uow_factory("orgtree")() as uow:
            org_id = tree.add_org(uow, "断网期间注册的单位", "employer")
            uow.commit()
        time.sleep(2)  # the relay tries, fails and backs off; the row stays unpublished
        from services.orgtree.models import outbox
        assert count(uow_factory, "orgtree", outbox, outbox.c.published_at.is_(None)) == 1
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
    eventually(lambda: count(uow_factory, "identity", identity_orgs,
                             identity_orgs.c.id == org_id) == 1, timeout=60, interval=0.2)


def test_the_same_event_delivered_twice_is_applied_once(start_services, uow_factory, amqp_uri):
    start_services()
    event = envelope("orgtree", "org_registered", org_payload(500, "重复投递单位"))
    publish(amqp_uri, "orgtree", event)
    publish(amqp_uri, "orgtree", event)
    renamed = envelope("orgtree", "org_updated", org_payload(500, "改名之后"), version=2)
    publish(amqp_uri, "orgtree", renamed)
    publish(amqp_uri, "orgtree", event)  # a late redelivery must not undo the rename
    eventually(lambda: count(uow_factory, "identity", identity_inbox) == 2, timeout=15)
    time.sleep(0.5)
    with uow_factory("identity")() as uow:
        rows = uow.session.execute(sa.select(identity_orgs.c.name)).scalars().all()
    assert rows == ["改名之后"]
    assert count(uow_factory, "identity", identity_inbox) == 2


CONSUMER = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    import sys
    from nameko.runners import ServiceRunner
    from services.orgtree.service import OrgTreeService
    runner = ServiceRunner({"AMQP_URI": sys.argv[1], "DATABASE_URL": sys.argv[2],
                            "max_workers": 4, "OUTBOX_RELAY": "off"})
    runner.add_service(OrgTreeService)
    runner.start()
    print("started", flush=True)
    runner.wait()
""")


def start_consumer(amqp_uri, db_url):
    proc = subprocess.Popen([sys.executable, "-W", "ignore", "-c", CONSUMER, amqp_uri, db_url],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.stdout.readline().strip() == b"started"
    return proc


def test_a_consumer_killed_mid_batch_loses_nothing(amqp_uri, uow_factory, database_url):
    with uow_factory("orgtree")() as uow:
        org_id = tree.add_org(uow, "批量注册单位", "employer")
        uow.commit()
    total = 300
    consumer = start_consumer(amqp_uri, database_url("orgtree"))
    publisher = Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT)
    for user_id in range(1, total + 1):
        body = envelope("identity", "user_registered", {
            "user_id": user_id, "username": f"u{user_id}", "org_id": org_id,
            "real_name": "批量", "id_type": "id_card", "id_number_masked": "1201****",
            "gender": "male", "birth_date": __import__("datetime").date(1990, 1, 1),
            "title_level": None, "registered_at": uow_factory("orgtree").clock.now()})
        publisher.publish(body, exchange=event_exchange("identity"), routing_key=body["type"])
    applied = eventually(lambda: count(uow_factory, "orgtree", memberships) > 20 and
                         count(uow_factory, "orgtree", memberships), timeout=30, interval=0.01)
    consumer.send_signal(signal.SIGKILL)  # no goodbye: unacked messages go back to the queue
    consumer.wait(timeout=10)
    assert applied < total, "the consumer finished before it could be killed mid-batch"

    consumer = start_consumer(amqp_uri, database_url("orgtree"))
    try:
        eventually(lambda: count(uow_factory, "orgtree", memberships) == total, timeout=60)
        time.sleep(0.5)
        assert count(uow_factory, "orgtree", memberships) == total
        assert count(uow_factory, "orgtree", orgtree_inbox) == total
    finally:
        consumer.terminate()
        consumer.wait(timeout=20)
