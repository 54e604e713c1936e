"""The platform for real: identity, orgtree and learning (and billing, for the tests that
ask for it) in Nameko containers on the real broker (a fresh vhost per test), their own
databases, and the gateway's Flask app calling them through its RPC pool."""
import contextlib
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from gateway.app import create_app
from gateway.rpc import RpcPool
from services.billing.service import BillingService
from services.common.db import make_engine
from services.common.migrations import upgrade
from services.common.topology import declare_services
from services.exam.service import ExamService
from services.identity.service import IdentityService
from services.learning.service import LearningService
from services.orgtree import tree
from services.orgtree.service import OrgTreeService
from services.reporting.service import ReportingService
from tests.builders import citizen_id
from tests.conftest import eventually

DEMO = {}
SERVICES = ("identity", "orgtree", "learning")


def service_config(amqp_uri, db_url, **extra):
    return {"AMQP_URI": amqp_uri, "DATABASE_URL": db_url, "OUTBOX_POLL_SECONDS": 0.2,
            "max_workers": 10, **extra}


@pytest.fixture
def start_services(amqp_uri, container_factory, database_url):
    # amqp_uri first: its vhost must outlive the containers at teardown.
    """start_services(captcha=..., billing=False, exam=False, reporting=False, **config) ->
    the running containers, keyed by service name."""
    def start(captcha="off", urls=None, billing=False, exam=False, reporting=False, **config):
        urls = urls or {s: database_url(s) for s in SERVICES + (("billing",) if billing else ())
                        + (("exam",) if exam else ()) + (("reporting",) if reporting else ())}
        containers = {
            "orgtree": container_factory(OrgTreeService,
                                         service_config(amqp_uri, urls["orgtree"], **config)),
            "identity": container_factory(IdentityService, service_config(
                amqp_uri, urls["identity"], AUTH_CAPTCHA=captcha, **config)),
        }
        if "learning" in urls:
            containers["learning"] = container_factory(LearningService, service_config(
                amqp_uri, urls["learning"], HEARTBEAT_BATCH_MS=50, **config))
        if "billing" in urls:
            containers["billing"] = container_factory(BillingService, service_config(
                amqp_uri, urls["billing"], **config))
        if "exam" in urls:
            containers["exam"] = container_factory(ExamService, service_config(
                amqp_uri, urls["exam"], **config))
        if "reporting" in urls:
            # Its event queue first: the events of the tree seeded next must wait there.
            declare_services(amqp_uri, ["reporting"])
            containers["reporting"] = container_factory(ReportingService, service_config(
                amqp_uri, urls["reporting"], PROJECTION_BATCH_MS=50, **config))
        for container in containers.values():
            container.start()
        return containers
    return start


def seed_tree(uow_factory):
    """A bureau with an employer that admits at once and one that reviews, plus a
    sibling subtree for jurisdiction checks. Returns name -> id."""
    ids = {}
    with uow_factory("orgtree")() as uow:
        ids["bureau"] = tree.add_org(uow, "测试人社局", "hr_bureau")
        ids["open"] = tree.add_org(uow, "直接通过医院", "employer", ids["bureau"])
        ids["reviewing"] = tree.add_org(uow, "需要审核集团", "employer", ids["bureau"],
                                        review_members=True)
        ids["other_bureau"] = tree.add_org(uow, "外市人社局", "hr_bureau")
        ids["other"] = tree.add_org(uow, "外市单位", "employer", ids["other_bureau"])
        uow.commit()
    return ids


def identity_sees_orgs(uow_factory, count):
    from services.identity.models import orgs
    with uow_factory("identity")() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(orgs)).scalar() >= count


@pytest.fixture
def platform(start_services, uow_factory, amqp_uri):
    """Services running with captcha off, the demo tree known to identity, and a Flask
    test client of the gateway."""
    return make_platform(start_services, uow_factory, amqp_uri, captcha="off")


def make_platform(start_services, uow_factory, amqp_uri, captcha, clock=None, **config):
    """The services, the demo tree, and the gateway's app; `clock` is the gateway's (the
    time heartbeats are stamped with), so a test can play a whole course in seconds."""
    containers = start_services(captcha=captcha, **config)
    ids = seed_tree(uow_factory)
    eventually(lambda: identity_sees_orgs(uow_factory, len(ids)), timeout=15)
    app = create_app(RpcPool(uri=amqp_uri, timeout=10), clock=clock)
    app.testing = True
    return {"client": app.test_client(), "orgs": ids, "containers": containers,
            "uow": uow_factory, "app": app}


@pytest.fixture
def postgres_url():
    """postgres_url(service) -> a fresh, migrated PostgreSQL database (dropped after)."""
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.fail("TEST_POSTGRES_URL is not set: run the suite with `make test`, which "
                    "starts a throwaway PostgreSQL cluster")
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    created = []

    def make(service):
        name = f"test_{service}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        url = base.rsplit("/", 1)[0] + "/" + name
        upgrade(service, url)
        return url
    yield make
    with admin.connect() as conn:
        for name in created:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def grant_admin(uow_factory, org_id, modules=("learner_management",), is_super=True,
                username=None, person_org=None):
    """An admin of `org_id` with a role of `modules`, created as identity's seed does;
    with `person_org`, also their person record (as the demo admins have) in that org.
    Returns (username, password)."""
    from services.identity.domain.passwords import Hasher
    from services.identity.models import accounts, admin_grants, people, roles
    username = username or f"admin{org_id}"
    hasher = Hasher(time_cost=1, memory_cost=1024)
    with uow_factory("identity")() as uow:
        now = uow.clock.now()
        user_id = uow.session.execute(sa.insert(accounts).values(
            username=username, password_hash=hasher.hash("Admin@2026"), status="active",
            is_learner=False, is_operator=False, must_change_password=False, failed_logins=0,
            created_at=now, updated_at=now)).inserted_primary_key[0]
        if person_org is not None:
            number = citizen_id()
            uow.session.execute(sa.insert(people).values(
                user_id=user_id, org_id=person_org, real_name=f"管理员{username}",
                mobile="13900000000", id_type="id_card", id_number=number,
                birth_date=ric.get_birth_date(number), gender="male", registered_at=now))
        role_id = uow.session.execute(sa.insert(roles).values(
            org_id=org_id, name=f"角色{username}", modules=list(modules))).inserted_primary_key[0]
        uow.session.execute(sa.insert(admin_grants).values(
            user_id=user_id, org_id=org_id, role_id=role_id, is_super=is_super,
            status="active", granted_at=now))
        uow.commit()
    return username, "Admin@2026"


def upload_scan(client, data=None, name="scan.png"):
    """Step one of 单位注册 through the gateway: upload a certificate scan."""
    import io

    from tests.builders import png_scan
    return client.post("/api/v1/orgs/certificates", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data or png_scan()), name)})


def operator_account(uow_factory, username="operator"):
    """The platform's operator account (password Operator@2026), as identity's seed
    creates it. Returns its user id."""
    from services.identity.domain.passwords import Hasher
    from services.identity.models import accounts
    hasher = Hasher(time_cost=1, memory_cost=1024)
    with uow_factory("identity")() as uow:
        now = uow.clock.now()
        user_id = uow.session.execute(sa.insert(accounts).values(
            username=username, password_hash=hasher.hash("Operator@2026"), status="active",
            is_learner=False, is_operator=True, must_change_password=False, failed_logins=0,
            created_at=now, updated_at=now)).inserted_primary_key[0]
        uow.commit()
    return user_id


@contextlib.contextmanager
def running_gateway(tmp_path, amqp_uri, services):
    """The gateway as production runs it — gunicorn with the uvicorn worker
    (`gateway.asgi:asgi()`) — on a free port and the test's vhost, in front of `services`
    (comma-separated); yields its URL."""
    import requests

    from tests.private_broker import free_port
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    port = free_port()
    env = dict(os.environ, PYTHONPATH=repo, AMQP_URI=amqp_uri, GATEWAY_WORKERS="1",
               GATEWAY_THREADS="4", GATEWAY_SERVICES=services,
               VAR_DIR=str(tmp_path / "var"), HEARTBEAT_DIR=str(tmp_path),
               PYTHONWARNINGS="ignore")
    log = open(tmp_path / "gateway.log", "wb")
    process = subprocess.Popen(
        [f"{os.path.dirname(sys.executable)}/gunicorn", "-c", "gateway/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "gateway.asgi:asgi()"], cwd=repo, env=env,
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def ready():
        assert process.poll() is None, (tmp_path / "gateway.log").read_text(errors="replace")
        try:
            return requests.get(f"{url}/readyz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False
    try:
        eventually(ready, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
