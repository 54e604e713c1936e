"""管理下级单位 / 管理施教机构: the units below an admin's own, their admins, and removing
an admin's rights so they can no longer log in for that unit."""
import pytest

from tests.builders import citizen_id, new_applicant, org_form
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, upload_scan
from tests.integration.test_gateway_flow import bearer, login

pytestmark = pytest.mark.integration


def test_units_below_their_admins_and_removing_one(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    bureau = login(client, *grant_admin(uow, orgs["bureau"], modules=[
        "direct_accounts", "account_review"]), role="admin").json
    sibling = bearer(login(client, *grant_admin(uow, orgs["other_bureau"], username="sib",
                                                modules=["direct_accounts"]), role="admin").json)
    unit_login = grant_admin(uow, orgs["open"], username="hospitaladmin", modules=["basic_info"])
    unit_tokens = login(client, *unit_login, role="admin").json

    # a training institution registers under the bureau and is approved
    scan = upload_scan(client).json["certificate_id"]
    institution = client.post("/api/v1/orgs/registrations", json=org_form(
        scan, orgs["bureau"], "training_institution", "测试继续教育基地",
        new_applicant("基地管理员", citizen_id()), institution_level="市级")).json
    client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(bureau),
                json={"org_ids": [institution["org_id"]], "decision": "approve"})

    units = client.get("/api/v1/admin/subordinate-units", headers=bearer(bureau)).json
    assert {u["name"] for u in units["items"]} == {"直接通过医院", "需要审核集团", "测试继续教育基地"}
    institutions = client.get("/api/v1/admin/training-institutions", headers=bearer(bureau),
                              query_string={"institution_level": "市级"}).json
    assert [(i["name"], i["institution_level"]) for i in institutions["items"]] == [
        ("测试继续教育基地", "市级")]
    assert client.get("/api/v1/admin/subordinate-units", headers=sibling).json["total"] == 1

    admins = client.get(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins",
                        headers=bearer(bureau)).json
    assert [a["username"] for a in admins["items"]] == ["hospitaladmin"]
    grant_id = admins["items"][0]["grant_id"]
    assert client.get(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins",
                      headers=sibling).status_code == 404
    assert client.delete(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins/{grant_id}",
                         headers=sibling).status_code == 404
    # one's own unit is not "below": its admins are managed as the unit's own admins
    assert client.get(f"/api/v1/admin/subordinate-units/{orgs['bureau']}/admins",
                      headers=bearer(bureau)).status_code == 404

    removed = client.delete(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins/{grant_id}",
                            headers=bearer(bureau))
    assert removed.status_code == 200 and removed.json["status"] == "revoked"
    assert login(client, *unit_login, role="admin").json["code"] == "role_not_registered"
    # the token they still hold stops working within seconds, not when it expires
    def refused():
        response = client.get("/api/v1/admin/org", headers=bearer(unit_tokens))
        return response if response.status_code == 401 else None
    assert eventually(refused, timeout=10).json["code"] == "admin_grant_ended"
    refreshed = client.post("/api/v1/auth/refresh",
                            json={"refresh_token": unit_tokens["refresh_token"]})
    assert refreshed.status_code == 401
    assert client.get(f"/api/v1/admin/subordinate-units/{orgs['open']}/admins",
                      headers=bearer(bureau)).json["items"] == []


def test_a_brand_new_user_is_added_as_admin_and_must_choose_a_password(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    owner = bearer(login(client, *grant_admin(uow, orgs["open"], modules=["basic_info"]),
                         role="admin").json)
    role = client.post("/api/v1/admin/roles", headers=owner,
                       json={"name": "信息员", "modules": ["basic_info"]}).json
    id_number = citizen_id(birth="19881212", male=False)
    added = client.post("/api/v1/admin/admins", headers=owner, json={
        "role_id": role["id"], "new_person": {
            "real_name": "新管理员", "id_number": id_number, "mobile": "13700001111"}})
    assert added.status_code == 201, added.json
    assert added.json["real_name"] == "新管理员" and not added.json["is_super"]
    again = client.post("/api/v1/admin/admins", headers=owner, json={
        "role_id": role["id"], "new_person": {
            "real_name": "新管理员", "id_number": id_number, "mobile": "13700001111"}})
    assert again.status_code == 409 and again.json["code"] == "id_number_registered"

    first = login(client, id_number, id_number[-6:], role="admin")
    assert first.status_code == 200 and first.json["must_change_password"] is True
    blocked = client.get("/api/v1/admin/org", headers=bearer(first.json))
    assert blocked.status_code == 403 and blocked.json["code"] == "password_change_required"
