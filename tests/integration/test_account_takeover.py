"""No admin takes over an account they do not govern (issue 6 §1), through the gateway
against the real services: a lower unit's super admin who adds the unit above's super admin
by login name gets an invitation, not an admin, and cannot reset that account's password."""
import pytest

from services.identity.domain.permissions import MODULES
from tests.integration.conftest import grant_admin
from tests.integration.test_gateway_flow import bearer, login

pytestmark = pytest.mark.integration


def admin_login(client, credentials):
    response = login(client, *credentials, role="admin")
    assert response.status_code == 200, response.json
    return bearer(response.json)


def own_role(client, headers):
    [role] = client.get("/api/v1/admin/roles", headers=headers).json
    return role["id"]


def test_a_lower_unit_cannot_take_over_the_super_admin_above(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    upper = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="upperboss",
                        person_org=orgs["bureau"])
    lower = admin_login(client, grant_admin(uow, orgs["open"], modules=list(MODULES),
                                            username="lowerboss", person_org=orgs["open"]))
    added = client.post("/api/v1/admin/admins", headers=lower, json={
        "login_name": "upperboss", "role_id": own_role(client, lower)})
    assert added.status_code == 201, added.json
    reset = client.post(f"/api/v1/admin/admins/{added.json['grant_id']}/password-reset",
                        headers=lower)
    assert reset.status_code == 403, reset.json
    assert reset.json["code"] == "account_not_governed"
    assert login(client, *upper, role="admin").status_code == 200  # password unchanged
