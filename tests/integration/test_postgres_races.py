"""Races and uniqueness on PostgreSQL, where they are real (psycopg2 made cooperative by
psycogreen, so green threads really interleave their transactions)."""
import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Queue
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import worker_factory

from services.common.clock import Clock
from services.common.errors import Conflict
from services.common.relay import OutboxRelay, event_exchange
from services.common.scripting import UnitOfWorkFactory
from services.identity import models as identity_models
from services.identity.service import IdentityService
from services.orgtree import models as orgtree_models
from services.orgtree import tree
from services.common.storage import FileStorage
from tests.builders import citizen_id, envelope, org_payload, png_scan, registration, uscc
from tests.conftest import eventually
from tests.integration.conftest import identity_sees_orgs

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg_platform(postgres_url, start_services, clock):
    urls = {"identity": postgres_url("identity"), "orgtree": postgres_url("orgtree")}
    factories = {
        "identity": UnitOfWorkFactory("identity", identity_models.outbox, identity_models.inbox,
                                      url=urls["identity"], clock=clock),
        "orgtree": UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox,
                                     url=urls["orgtree"], clock=clock),
    }
    containers = start_services(urls=urls)
    with factories["orgtree"]() as uow:
        org_id = tree.add_org(uow, "并发测试单位", "employer")
        uow.commit()
    eventually(lambda: identity_sees_orgs(factories.__getitem__, 1), timeout=15)
    return {"urls": urls, "uow": factories, "org_id": org_id, "containers": containers}


def race(amqp_uri, payloads):
    """Send every registration at once, each on its own RPC proxy."""
    def one(payload):
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
            try:
                return rpc.identity.register(payload)
            except Conflict as exc:
                return exc
    pool = eventlet.GreenPool(len(payloads))
    return list(pool.imap(one, payloads))


def test_racing_registrations_with_one_username_make_one_account(pg_platform, amqp_uri):
    org_id = pg_platform["org_id"]
    payloads = [registration(org_id, username="samename", id_number=citizen_id())
                for _ in range(12)]
    results = race(amqp_uri, payloads)
    created = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1 and len(refused) == 11
    assert {r.code for r in refused} <= {"username_taken", "already_registered"}
    with pg_platform["uow"]["identity"]() as uow:
        assert uow.session.execute(sa.select(sa.func.count()).select_from(
            identity_models.accounts)).scalar() == 1
        assert uow.session.execute(sa.select(sa.func.count()).select_from(
            identity_models.outbox).where(identity_models.outbox.c.event_type == "user_registered")
        ).scalar() == 1


def test_racing_registrations_with_one_id_number_make_one_account(pg_platform, amqp_uri):
    org_id = pg_platform["org_id"]
    number = citizen_id()
    payloads = [registration(org_id, username=f"racer{i}", id_number=number) for i in range(12)]
    results = race(amqp_uri, payloads)
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(r.code in ("id_number_registered", "already_registered")
               for r in results if isinstance(r, Conflict))


def test_concurrent_deliveries_of_one_event_apply_it_once(postgres_url):
    url = postgres_url("identity")
    factory = UnitOfWorkFactory("identity", identity_models.outbox, identity_models.inbox,
                                url=url)
    service = worker_factory(IdentityService, db=factory, captcha_required=False)
    service.on_org_registered(envelope("orgtree", "org_registered", org_payload(3)))
    result = service.register(registration(3))
    approved = envelope("orgtree", "member_approved", {
        "membership_id": 1, "user_id": result["user_id"], "org_id": 3, "approved_by": None})
    pool = eventlet.GreenPool(10)
    list(pool.imap(lambda _: service.on_member_approved(approved), range(10)))
    with factory() as uow:
        activated = uow.session.execute(sa.select(sa.func.count()).select_from(
            identity_models.outbox).where(identity_models.outbox.c.event_type == "user_activated")
        ).scalar()
        applied = uow.session.execute(sa.select(sa.func.count()).select_from(
            identity_models.inbox).where(identity_models.inbox.c.event_id == approved["id"])
        ).scalar()
    assert activated == 1 and applied == 1


def test_two_relays_on_one_outbox_publish_each_event_once_in_each_aggregates_order(
        postgres_url, amqp_uri):
    """Two relay replicas on one outbox: every event is published once, positions are
    1..n without gaps, and each org's events reach the broker in version order."""
    url = postgres_url("orgtree")
    factory = UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox, url=url)
    orgs, renames = 40, 9
    with factory() as uow:
        ids = [tree.add_org(uow, f"单位{i}", "employer") for i in range(orgs)]
        uow.commit()
    for round_ in range(renames):
        with factory() as uow:
            for org_id in ids:
                uow.session.execute(sa.update(orgtree_models.org_units)
                                    .where(orgtree_models.org_units.c.id == org_id)
                                    .values(name=f"单位{org_id}第{round_}次改名"))
                tree.announce_org(uow, org_id, "org_updated")
            uow.commit()
    total = orgs * (renames + 1)
    queue = Queue("all-org-events", exchange=event_exchange("orgtree"), routing_key="#",
                  durable=False, auto_delete=False)
    with Connection(amqp_uri) as conn:
        queue.bind(conn.default_channel).declare()
    relays = [OutboxRelay(factory.engine, orgtree_models.outbox, "orgtree", amqp_uri, Clock(),
                          batch_size=25) for _ in range(2)]

    def unpublished():
        with factory() as uow:
            return uow.session.execute(sa.select(sa.func.count()).select_from(
                orgtree_models.outbox).where(orgtree_models.outbox.c.position.is_(None))).scalar()

    def drain(relay):
        sent = 0
        while unpublished():
            sent += relay.publish_pending()
            eventlet.sleep(0)
        return sent
    pool = eventlet.GreenPool(2)
    assert sum(pool.imap(drain, relays)) == total
    with factory() as uow:
        positions = uow.session.execute(sa.select(orgtree_models.outbox.c.position)
                                        .order_by(orgtree_models.outbox.c.position)).scalars()
        assert list(positions) == list(range(1, total + 1))
    seen = {}
    with Connection(amqp_uri) as conn:
        bound = queue.bind(conn.default_channel)
        for _ in range(total):
            message = bound.get(no_ack=True)
            assert message is not None, "fewer messages than events"
            aggregate = message.payload["aggregate"]
            assert aggregate["version"] == seen.get(aggregate["id"], 0) + 1, aggregate
            seen[aggregate["id"]] = aggregate["version"]
        assert bound.get(no_ack=True) is None, "an event was published twice"
    assert set(seen.values()) == {renames + 1}


def test_two_admins_approving_at_once_decide_once(postgres_url):
    from services.orgtree.service import OrgTreeService
    url = postgres_url("orgtree")
    factory = UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox, url=url)
    service = worker_factory(OrgTreeService, db=factory)
    with factory() as uow:
        org_id = tree.add_org(uow, "审核单位", "employer", review_members=True)
        uow.commit()
    import datetime as dt
    service.on_user_registered(envelope("identity", "user_registered", {
        "user_id": 77, "username": "u77", "org_id": org_id, "real_name": "并发",
        "id_type": "id_card", "id_number_masked": "1201****", "gender": "male",
        "birth_date": dt.date(1990, 1, 1), "title_level": None,
        "registered_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}))
    with factory() as uow:
        membership_id = uow.session.execute(sa.select(orgtree_models.memberships.c.id)).scalar()
    admins = [{"user_id": 900 + i, "role": "admin", "org_id": org_id,
               "org_path": f"/{org_id}/", "modules": ["account_review"]} for i in range(8)]
    pool = eventlet.GreenPool(8)
    results = list(pool.imap(lambda a: service.decide_members(a, [membership_id], "approve"),
                             admins))
    assert sum(len(r["decided"]) for r in results) == 1
    with factory() as uow:
        approved = uow.session.execute(sa.select(sa.func.count()).select_from(
            orgtree_models.outbox).where(orgtree_models.outbox.c.event_type == "member_approved")
        ).scalar()
    assert approved == 1


def _orgtree_worker(postgres_url):
    from services.orgtree.service import OrgTreeService
    url = postgres_url("orgtree")
    factory = UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox, url=url)
    return factory, worker_factory(OrgTreeService, db=factory)


def _events(factory, event_type):
    with factory() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(orgtree_models.outbox)
                                   .where(orgtree_models.outbox.c.event_type == event_type)
                                   ).scalar()


def test_racing_approvals_of_a_unit_registration_decide_it_once(postgres_url):
    factory, service = _orgtree_worker(postgres_url)
    with factory() as uow:
        bureau = tree.add_org(uow, "人社局", "hr_bureau")
        unit = tree.add_org(uow, "待审单位", "employer", bureau, status="pending",
                            extra={"applicant_user_id": 5})
        uow.commit()
    admins = [{"user_id": 900 + i, "role": "admin", "org_id": bureau,
               "org_path": f"/{bureau}/", "modules": ["account_review"]} for i in range(8)]
    pool = eventlet.GreenPool(8)
    results = list(pool.imap(
        lambda a: service.decide_org_registrations(a, [unit], "approve"), admins))
    assert sum(len(r["decided"]) for r in results) == 1
    assert _events(factory, "org_approved") == 1


def test_both_parents_approving_at_once_move_the_unit_exactly_once(postgres_url):
    """Without the row lock each side could read the other's decision as missing and
    the change would stay pending for ever; with it, the later one completes the move."""
    factory, service = _orgtree_worker(postgres_url)
    with factory() as uow:
        old_parent = tree.add_org(uow, "原主管部门", "supervising_dept")
        new_parent = tree.add_org(uow, "新主管部门", "supervising_dept")
        unit = tree.add_org(uow, "换上级的单位", "employer", old_parent)
        child = tree.add_org(uow, "其下属单位", "employer", unit)
        uow.commit()
    applicant = {"user_id": 1, "role": "admin", "org_id": unit, "org_path": f"/{old_parent}/{unit}/",
                 "modules": ["basic_info"]}
    service.identity.pending_person_changes.return_value = 0  # identity's side: nothing
    change_id = service.request_parent_change(applicant, new_parent)["change_id"]

    def side(parent):
        return {"user_id": 100 + parent, "role": "admin", "org_id": parent,
                "org_path": f"/{parent}/", "modules": ["account_review"]}
    reviewers = [side(old_parent), side(new_parent)] * 4
    pool = eventlet.GreenPool(len(reviewers))
    results = list(pool.imap(
        lambda a: service.decide_org_changes(a, [change_id], "approve"), reviewers))
    assert sum(len(r["decided"]) for r in results) == 2  # one per side
    assert _events(factory, "org_moved") == 1
    with factory() as uow:
        paths = dict(uow.session.execute(sa.select(orgtree_models.org_units.c.id,
                                                   orgtree_models.org_units.c.path)).all())
        status = uow.session.execute(sa.select(orgtree_models.org_changes.c.status)).scalar()
    assert status == "approved"
    assert paths[child] == f"/{new_parent}/{unit}/{child}/"


def test_racing_registrations_with_one_code_make_one_unit(postgres_url, tmp_path):
    """The check before the insert cannot see a rival's uncommitted row; the partial unique
    index can."""
    from services.orgtree.service import OrgTreeService
    url = postgres_url("orgtree")
    factory = UnitOfWorkFactory("orgtree", orgtree_models.outbox, orgtree_models.inbox, url=url)
    storage = FileStorage(tmp_path)
    service = worker_factory(OrgTreeService, db=factory)
    service.storage = storage
    service.identity.org_applicant.side_effect = lambda org_id, applicant: {
        "user_id": 1000 + org_id, "username": f"org{org_id}", "created": False}
    with factory() as uow:
        bureau = tree.add_org(uow, "人社局", "hr_bureau")
        uow.commit()
    code = uscc()

    def register(i):
        key = f"org-certificates/race{i}"
        storage.put(key, png_scan())
        try:
            return service.register_org({
                "type": "employer", "parent_id": bureau, "name": f"抢注单位{i}", "uscc": code,
                "address": "天津市", "contact_name": "甲", "contact_phone": "022-12345678",
                "certificate_id": key}, {"existing": True})
        except Conflict as exc:
            return exc
    results = list(eventlet.GreenPool(8).imap(register, range(8)))
    assert sum(isinstance(r, dict) for r in results) == 1
    assert all(r.code == "org_code_registered" for r in results if not isinstance(r, dict))
    with factory() as uow:
        units = uow.session.execute(sa.select(sa.func.count()).select_from(
            orgtree_models.org_units).where(orgtree_models.org_units.c.uscc == code)).scalar()
    assert units == 1
