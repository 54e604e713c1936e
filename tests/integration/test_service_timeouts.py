"""Every call between services has a timeout and a clean error (issue 6, §5); calls go one
way only (orgtree -> identity), so no request path waits on a service waiting on it."""
import time

import pytest
import sqlalchemy as sa

from services.orgtree.models import org_units
from tests.builders import citizen_id, new_applicant, org_form
from tests.integration.conftest import make_platform, upload_scan

pytestmark = pytest.mark.integration
SERVICE_RPC_TIMEOUT = 1.0


@pytest.fixture
def platform(start_services, uow_factory, amqp_uri):
    return make_platform(start_services, uow_factory, amqp_uri, captcha="off",
                         SERVICE_RPC_TIMEOUT=SERVICE_RPC_TIMEOUT)


def test_orgtree_answers_a_clean_503_within_its_timeout_when_identity_is_down(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    scan = upload_scan(client).json["certificate_id"]
    platform["containers"]["identity"].stop()

    started = time.monotonic()
    response = client.post("/api/v1/orgs/registrations", json=org_form(
        scan, orgs["bureau"], "employer", "身份服务停机时注册的单位",
        new_applicant("申请人", citizen_id())))
    elapsed = time.monotonic() - started

    assert response.status_code == 503, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "service_unavailable"
    assert response.json["detail"] == "账号服务暂时无法响应，请稍后重试"
    assert response.headers["Retry-After"] == "5"
    assert SERVICE_RPC_TIMEOUT <= elapsed < SERVICE_RPC_TIMEOUT + 2
    with uow("orgtree")() as u:  # the interrupted registration left no unit behind
        assert u.session.execute(sa.select(sa.func.count()).select_from(org_units).where(
            org_units.c.name == "身份服务停机时注册的单位")).scalar() == 0


def test_identity_calls_no_other_service():
    from services.common.rpc_client import ServiceRpc
    from services.identity.service import IdentityService
    from services.orgtree.service import OrgTreeService
    from nameko.rpc import RpcProxy

    def calls(service):
        return {v.target_service for v in vars(service).values() if isinstance(v, RpcProxy)}
    assert calls(IdentityService) == set()
    assert calls(OrgTreeService) == {"identity"}
    assert all(isinstance(v, ServiceRpc) for v in vars(OrgTreeService).values()
               if isinstance(v, RpcProxy))
