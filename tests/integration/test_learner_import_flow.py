"""Imports that must import nothing. The 1,000-row import with its failure report runs in
the organisation journey (test_done_when_org_journey)."""
import io

import pytest

from tests.integration.conftest import grant_admin

pytestmark = pytest.mark.integration


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
