"""Done-when of the import: an admin downloads the template, imports 1,000 learners from
it through the gateway, and downloads the failure report for the bad rows."""
import io

import pytest
from openpyxl import load_workbook

from tests.builders import citizen_id
from tests.conftest import eventually
from tests.integration.conftest import grant_admin

pytestmark = pytest.mark.integration


def test_admin_imports_a_thousand_learners_and_gets_the_failure_report(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    username, password = grant_admin(uow, orgs["bureau"],
                                     modules=["batch_import", "learner_management"])
    token = client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": "admin"}).json["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    link = client.get("/api/v1/admin/learners/import-template", headers=auth).json
    template = client.get(link["download_url"])
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.data))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2)  # the example row
    for i in range(1000):
        bad = i % 100 == 0  # ten rows with a mobile number that is not one
        born = f"1985-{1 + i % 12:02d}-{1 + i // 12 % 28:02d}"
        sheet.append([f"imp{i:04d}", "导入学员", "居民身份证",
                      citizen_id(birth=born.replace("-", ""), male=True), born, "男",
                      "123" if bad else f"139{i:08d}", "汉族", "未取得", None, None, None,
                      "大学本科", "群众", None])
    buf = io.BytesIO()
    workbook.save(buf)

    response = client.post("/api/v1/admin/learners/imports", headers=auth,
                           data={"org_id": str(orgs["open"]),
                                 "file": (io.BytesIO(buf.getvalue()), "学员.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.json
    import_id = response.json["import_id"]

    def finished():
        status = client.get(f"/api/v1/admin/learners/imports/{import_id}", headers=auth).json
        return status if status["status"] in ("done", "failed") else None
    status = eventually(finished, timeout=120, interval=0.5)
    assert status["status"] == "done", status
    assert (status["total_rows"], status["imported"], status["failed"]) == (1000, 990, 10)

    report = client.get(status["failure_report"]["download_url"])
    rows = list(load_workbook(io.BytesIO(report.data)).active.values)
    assert len(rows) == 11 and all("mobile" in r[-1] for r in rows[1:])

    # memberships follow by events: the imported people become active learners
    page = eventually(lambda: (lambda p: p if p["total"] == 990 else None)(client.get(
        "/api/v1/admin/learners", headers=auth,
        query_string={"real_name": "导入学员", "page_size": 1}).json), timeout=60)
    assert page["items"][0]["org_name"] == "直接通过医院"


def test_an_upload_that_is_not_excel_is_refused_and_imports_nothing(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    username, password = grant_admin(uow, orgs["bureau"], modules=["batch_import"])
    token = client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": "admin"}).json["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/admin/learners/imports", headers=auth,
                           data={"org_id": str(orgs["open"]),
                                 "file": (io.BytesIO(b"<html>not excel</html>"), "a.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["code"] == "file_not_xlsx"
    response = client.post("/api/v1/admin/learners/imports", headers=auth,
                           json={"org_id": orgs["open"]})
    assert response.status_code == 415
