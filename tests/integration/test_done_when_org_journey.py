"""Done-when of the organisation issue, from the gateway: a supervising department and
then an employer register themselves and are approved by the admins above them, a person
registers under the employer and its admin approves them, the person is transferred to
another employer whose admin confirms, and the employer's admin imports 1,000 learners
from the template and downloads the failure report for the bad rows."""
import io

import pytest
from openpyxl import load_workbook

from tests.builders import citizen_id, import_sheet, new_applicant, org_form, registration
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, upload_scan
from tests.integration.test_gateway_flow import bearer, login, wait_until_active

pytestmark = pytest.mark.integration


def admin_login(client, login_name, password):
    """Unit admins log in with their ID number, once their grant has arrived by event."""
    def attempt():
        response = login(client, login_name, password, role="admin")
        return response.json if response.status_code == 200 else None
    return eventually(attempt, timeout=15, interval=0.2)


def register_and_get_approved(client, approver, parent_id, org_type, name, id_number):
    scan = upload_scan(client)
    assert scan.status_code == 201, scan.json
    response = client.post("/api/v1/orgs/registrations", json=org_form(
        scan.json["certificate_id"], parent_id, org_type, name,
        new_applicant(f"{name[:2]}管理员", id_number)))
    assert response.status_code == 201, response.json
    org_id = response.json["org_id"]
    assert response.json["status"] == "pending"

    pending = client.get("/api/v1/admin/org-registrations", headers=bearer(approver),
                         query_string={"type": org_type, "q": name}).json
    assert [i["org_id"] for i in pending["items"]] == [org_id]
    assert client.get(pending["items"][0]["certificate_url"]).status_code == 200
    decided = client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(approver),
                          json={"org_ids": [org_id], "decision": "approve"})
    assert decided.json["decided"] == [org_id], decided.json
    return org_id, admin_login(client, id_number, "Unit@2026x")


def test_units_register_people_join_move_and_are_imported(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    bureau_admin = login(client, *grant_admin(uow, orgs["bureau"], modules=["account_review"]),
                         role="admin").json

    # 1. the supervising department registers under the HR bureau, which approves it
    dept_id, dept_admin = register_and_get_approved(
        client, bureau_admin, orgs["bureau"], "supervising_dept", "测试市卫生健康委员会",
        citizen_id(birth="19750302"))
    assert dept_admin["user"]["org_id"] == dept_id

    # 2. an employer registers under the department, whose new admin approves it
    employer_id, employer_admin = register_and_get_approved(
        client, dept_admin, dept_id, "employer", "测试市第一人民医院", citizen_id(birth="19800415"))

    # 3. a person registers under the employer (which reviews) and its admin approves
    person = registration(employer_id, real_name="新入职医生")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    assert login(client, person["username"], person["password"]).json["code"] == \
        "account_pending_review"
    reviews = eventually(lambda: client.get("/api/v1/admin/member-reviews",
                                            headers=bearer(employer_admin)).json["items"])
    decided = client.post("/api/v1/admin/member-reviews/decisions",
                          headers=bearer(employer_admin),
                          json={"membership_ids": [reviews[0]["membership_id"]],
                                "decision": "approve"})
    assert len(decided.json["decided"]) == 1
    user_id = wait_until_active(client, person["username"], person["password"]).json[
        "user"]["user_id"]

    # 4. transferred to another employer, whose admin confirms the transfer-in
    receiver = login(client, *grant_admin(uow, orgs["open"], username="receiver"),
                     role="admin").json
    sent = client.post("/api/v1/admin/transfers", headers=bearer(employer_admin),
                       json={"user_id": user_id, "to_org_id": orgs["open"], "note": "调动"})
    assert sent.status_code == 201, sent.json
    confirmed = client.post(f"/api/v1/admin/transfers/{sent.json['transfer_id']}/decision",
                            headers=bearer(receiver), json={"decision": "accept"})
    assert confirmed.json["status"] == "accepted"

    def moved():
        tokens = login(client, person["username"], person["password"]).json
        return client.get("/api/v1/me/profile", headers=bearer(tokens)).json["org_name"] == \
            "直接通过医院"
    assert eventually(moved, timeout=10)

    # 5. the employer's admin imports 1,000 learners and gets the failure report
    link = client.get("/api/v1/admin/learners/import-template",
                      headers=bearer(employer_admin)).json
    sheet = import_sheet(client.get(link["download_url"]).data, rows=1000, bad_every=100)
    started = client.post("/api/v1/admin/learners/imports", headers=bearer(employer_admin),
                          data={"org_id": str(employer_id),
                                "file": (io.BytesIO(sheet), "学员.xlsx")},
                          content_type="multipart/form-data")
    assert started.status_code == 202, started.json

    def finished():
        status = client.get(f"/api/v1/admin/learners/imports/{started.json['import_id']}",
                            headers=bearer(employer_admin)).json
        return status if status["status"] in ("done", "failed") else None
    status = eventually(finished, timeout=120, interval=0.5)
    assert (status["status"], status["imported"], status["failed"]) == ("done", 990, 10)
    report = client.get(status["failure_report"]["download_url"])
    rows = list(load_workbook(io.BytesIO(report.data)).active.values)
    assert len(rows) == 11 and all("mobile" in r[-1] for r in rows[1:])
    found = eventually(lambda: (lambda p: p if p["total"] == 990 else None)(client.get(
        "/api/v1/admin/learners", headers=bearer(employer_admin),
        query_string={"real_name": "导入学员", "page_size": 1}).json), timeout=60)
    assert found["items"][0]["org_name"] == "测试市第一人民医院"

