"""Shared fixtures. Nameko needs eventlet's monkey patching before anything else loads."""
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402

from services.common.clock import FrozenClock  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.common.scripting import UnitOfWorkFactory  # noqa: E402

os.environ.pop("AUTH_CAPTCHA", None)  # tests say per service whether captcha is on

RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1")
MANAGEMENT = f"http://{RABBIT_HOST}:15672/api"
AUTH = ("guest", "guest")


def eventually(check, timeout=10.0, interval=0.05):
    """Poll `check` until it returns a truthy value; fail with its last value."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")


@pytest.fixture
def amqp_uri():
    """A fresh RabbitMQ vhost per test on the real broker, deleted afterwards, so no
    test sees another's queues or messages."""
    vhost = "test-" + uuid.uuid4().hex[:12]
    requests.put(f"{MANAGEMENT}/vhosts/{vhost}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(f"{MANAGEMENT}/permissions/{vhost}/guest", auth=AUTH, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    yield f"amqp://guest:guest@{RABBIT_HOST}:5672/{vhost}"
    requests.delete(f"{MANAGEMENT}/vhosts/{vhost}", auth=AUTH, timeout=30)


@pytest.fixture
def clock():
    return FrozenClock()


@pytest.fixture
def database_url(tmp_path):
    """database_url(service) -> a migrated SQLite database for that service."""
    made = {}

    def make(service):
        if service not in made:
            url = f"sqlite:///{tmp_path / (service + '.db')}"
            upgrade(service, url)
            made[service] = url
        return made[service]
    return make


@pytest.fixture
def uow_factory(database_url, clock):
    """uow_factory(service) -> a UnitOfWorkFactory on that service's test database."""
    from services.billing import models as billing_models
    from services.exam import models as exam_models
    from services.identity import models as identity_models
    from services.learning import models as learning_models
    from services.orgtree import models as orgtree_models
    from services.reporting import models as reporting_models
    tables = {"identity": identity_models, "orgtree": orgtree_models,
              "learning": learning_models, "billing": billing_models, "exam": exam_models,
              "reporting": reporting_models}
    made = {}

    def make(service):
        if service not in made:
            models = tables[service]
            made[service] = UnitOfWorkFactory(service, models.outbox, models.inbox,
                                              url=database_url(service), clock=clock)
        return made[service]
    return make


from tests.private_broker import private_broker  # noqa: E402,F401
