"""A failing event handler on the real broker: a transient failure succeeds on a retry
(the delay is kept by the broker), a poison message is dead-lettered after its attempts
without stopping the queue, a dead letter replayed after the fix is applied once, and a
message that is redelivered (its consumer died) is counted, and past the delivery limit
ends in the dead letters."""
import pytest
import requests
import sqlalchemy as sa
from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT

from services.common import dead_letters, topology
from services.common.dependencies import Database, event_handler, idempotent
from services.common.relay import event_exchange
from services.identity.models import inbox, outbox
from tests.builders import envelope, org_payload
from tests.conftest import AUTH, MANAGEMENT, eventually

pytestmark = pytest.mark.integration

FAILURES = {}   # org_id -> failures still to come ("always": a poison message)
APPLIED = []    # org ids, once per successful application


class FlakyService:
    name = "flaky"
    db = Database("identity", outbox, inbox)

    @event_handler("orgtree", "org_registered")
    @idempotent
    def on_org_registered(self, uow, payload, envelope):
        org_id = payload["org_id"]
        left = FAILURES.get(org_id, 0)
        if left == "always":
            raise RuntimeError(f"单位{org_id}无法处理")
        if left:
            FAILURES[org_id] = left - 1
            raise RuntimeError(f"单位{org_id}暂时失败")
        APPLIED.append(org_id)


@pytest.fixture
def flaky(container_factory, amqp_uri, database_url):
    FAILURES.clear()
    APPLIED.clear()
    container = container_factory(FlakyService, {
        "AMQP_URI": amqp_uri, "DATABASE_URL": database_url("identity"),
        "OUTBOX_RELAY": "off", "EVENT_RETRY_DELAYS": "0.2,0.5"})
    container.start()
    return container


def publish(amqp_uri, org_id):
    body = envelope("orgtree", "org_registered", org_payload(org_id))
    Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT).publish(
        body, exchange=event_exchange("orgtree"), routing_key="org_registered")
    return body


def applied_events(uow_factory):
    with uow_factory("identity")() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(inbox)).scalar()


def test_a_transient_failure_succeeds_on_a_retry(flaky, amqp_uri, uow_factory):
    FAILURES[1] = 1
    publish(amqp_uri, 1)
    eventually(lambda: APPLIED == [1], timeout=10)
    assert applied_events(uow_factory) == 1
    assert dead_letters.list_dead(amqp_uri, "flaky") == []


def test_a_poison_message_is_dead_lettered_after_its_attempts_and_the_queue_goes_on(
        flaky, amqp_uri, uow_factory):
    FAILURES[2] = "always"
    poison = publish(amqp_uri, 2)
    for org_id in (3, 4, 5):
        publish(amqp_uri, org_id)
    eventually(lambda: sorted(APPLIED) == [3, 4, 5], timeout=10)
    dead = eventually(lambda: dead_letters.list_dead(amqp_uri, "flaky"), timeout=10)
    assert dead == [{"queue": "evt-orgtree-org_registered--flaky.on_org_registered",
                     "event_id": poison["id"], "type": "org_registered", "attempts": 3,
                     "error": "RuntimeError: 单位2无法处理", "redeliveries": None}]
    assert applied_events(uow_factory) == 3


def test_a_replayed_dead_letter_is_applied_once(flaky, amqp_uri, uow_factory):
    FAILURES[6] = "always"
    publish(amqp_uri, 6)
    eventually(lambda: dead_letters.list_dead(amqp_uri, "flaky"), timeout=10)
    FAILURES.pop(6)  # the cause is fixed
    replayed = dead_letters.replay(amqp_uri, "flaky")
    assert [r["type"] for r in replayed] == ["org_registered"]
    eventually(lambda: APPLIED == [6], timeout=10)
    assert dead_letters.replay(amqp_uri, "flaky") == []
    assert dead_letters.list_dead(amqp_uri, "flaky") == []
    assert APPLIED == [6] and applied_events(uow_factory) == 1


def leave_unsettled(amqp_uri, body, redeliveries):
    """Publish an event as if its consumer had died `redeliveries` times already, and take
    it from the queue without settling it once more: the broker then hands it out again
    flagged `redelivered`, as after a consumer's crash."""
    queue = topology.consumer_queue("orgtree", "org_registered", "flaky", "on_org_registered")
    with Connection(amqp_uri) as conn:
        for entity in topology.support_entities("flaky") + [event_exchange("orgtree"), queue]:
            topology.declare(conn, entity)
    Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT).publish(
        body, exchange=event_exchange("orgtree"), routing_key="org_registered",
        headers={"x-redeliveries": redeliveries} if redeliveries else {})
    with Connection(amqp_uri) as conn:
        bound = queue(conn.default_channel)
        message = eventually(lambda: bound.get(no_ack=False), timeout=5)
        assert message.payload["id"] == body["id"]
    # closing the connection returns it unacknowledged


def test_a_message_redelivered_after_a_crash_is_counted_then_applied(
        container_factory, amqp_uri, database_url, uow_factory):
    APPLIED.clear()
    leave_unsettled(amqp_uri, envelope("orgtree", "org_registered", org_payload(7)), 0)
    container_factory(FlakyService, {
        "AMQP_URI": amqp_uri, "DATABASE_URL": database_url("identity"),
        "OUTBOX_RELAY": "off", "EVENT_DELIVERY_LIMIT": 2}).start()
    eventually(lambda: APPLIED == [7], timeout=10)
    assert dead_letters.list_dead(amqp_uri, "flaky") == []


def test_a_message_redelivered_past_the_delivery_limit_ends_in_the_dead_letters(
        container_factory, amqp_uri, database_url, uow_factory):
    """A message that kills its consumer each time comes back flagged `redelivered` each
    time; past the limit it is dead-lettered instead of run again."""
    APPLIED.clear()
    body = envelope("orgtree", "org_registered", org_payload(9))
    leave_unsettled(amqp_uri, body, 2)
    container_factory(FlakyService, {
        "AMQP_URI": amqp_uri, "DATABASE_URL": database_url("identity"),
        "OUTBOX_RELAY": "off", "EVENT_DELIVERY_LIMIT": 2}).start()
    dead = eventually(lambda: dead_letters.list_dead(amqp_uri, "flaky"), timeout=10)
    assert [(d["queue"], d["event_id"], d["redeliveries"]) for d in dead] == [
        ("evt-orgtree-org_registered--flaky.on_org_registered", body["id"], 3)]
    assert APPLIED == [] and applied_events(uow_factory) == 0


def test_every_consumers_queue_exists_before_any_consumer_ran(amqp_uri):
    """The deploy step declares the queues: an event published before its consumer ever
    started waits for it, and each queue is durable and dead-letters into its service's
    dead letters."""
    declared = topology.declare_services(amqp_uri, ["identity", "orgtree"])
    expected = {topology.queue_name(p, e, s, h) for s in ("identity", "orgtree")
                for p, e, h in topology.service_handlers(s)}
    assert set(declared) == expected and len(expected) >= 13
    vhost = amqp_uri.rsplit("/", 1)[1]
    for name in expected:
        info = requests.get(f"{MANAGEMENT}/queues/{vhost}/{name}", auth=AUTH, timeout=10).json()
        assert info["durable"] is True and info["type"] == "classic"
        service = name.split("--")[1].split(".")[0]
        assert info["arguments"] == {"x-dead-letter-exchange": f"{service}.dead"}
    body = envelope("orgtree", "org_registered", org_payload(8))
    Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT, mandatory=True).publish(
        body, exchange=event_exchange("orgtree"), routing_key="org_registered")
    with Connection(amqp_uri) as conn:
        queue = topology.consumer_queue("orgtree", "org_registered", "identity",
                                        "on_org_registered")(conn.default_channel)
        message = queue.get(no_ack=True)
    assert message is not None and message.payload["id"] == body["id"]
