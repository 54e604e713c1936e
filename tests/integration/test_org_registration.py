"""Unit registration through the gateway: what is refused (and leaves nothing behind),
the USCC warning an approver must confirm, rejection, progress query and withdrawal."""

import pytest
import sqlalchemy as sa

from services.identity.models import accounts, people
from services.orgtree.models import org_units
from tests.builders import citizen_id, new_applicant, org_form, png_scan, uscc
from tests.integration.conftest import grant_admin, upload_scan
from tests.integration.test_gateway_flow import bearer, login

pytestmark = pytest.mark.integration


def count(uow_factory, service, table, *where):
    with uow_factory(service)() as uow:
        return uow.session.execute(sa.select(sa.func.count()).select_from(table)
                                   .where(*where)).scalar()


def scan_id(client):
    response = upload_scan(client)
    assert response.status_code == 201, response.json
    return response.json["certificate_id"]


@pytest.mark.parametrize("data,name", [
    (b"just text pretending", "scan.png"),
    (png_scan()[:60], "scan.png"),  # truncated image
    (b"%PDF-1.7\n garbage without objects", "scan.pdf"),
    (b"GIF89a" + b"\0" * 40, "scan.gif"),
])
def test_a_scan_that_is_not_what_it_claims_is_refused_and_not_kept(platform, data, name):
    client = platform["client"]
    response = upload_scan(client, data, name)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "certificate_invalid"
    assert "certificate" in response.json["errors"]


def test_a_scan_over_five_megabytes_is_refused(platform):
    response = upload_scan(platform["client"], b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024))
    assert response.status_code == 413


@pytest.mark.parametrize("overrides,status,code", [
    ({"uscc": "12345"}, 422, "org_code_invalid"),
    ({"uscc": None, "org_code": "12345678-0"}, 422, "org_code_invalid"),
    ({"uscc": None}, 422, "org_code_invalid"),
    ({"parent_id": 999999}, 404, "parent_not_found"),
    ({"type": "supervising_dept", "parent_key": "open"}, 422, "parent_type_invalid"),
    ({"type": "internal_dept"}, 422, "validation_failed"),
    ({"certificate_id": "org-certificates/none"}, 404, "certificate_not_found"),
    ({"certificate_id": "../../etc/passwd"}, 404, "certificate_not_found"),
    ({"type": "training_institution"}, 422, "institution_level_required"),
])
def test_bad_unit_registrations_are_refused_and_write_nothing(platform, overrides, status,
                                                              code):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    overrides = dict(overrides)
    parent = overrides.pop("parent_id", None) or orgs[overrides.pop("parent_key", "bureau")]
    before = count(uow, "orgtree", org_units)
    form = org_form(overrides.pop("certificate_id", None) or scan_id(client), parent,
                    overrides.pop("type", "employer"), "新单位",
                    new_applicant("申请人", citizen_id()), **overrides)
    response = client.post("/api/v1/orgs/registrations", json=form)
    assert (response.status_code, response.json["code"]) == (status, code), response.json
    assert count(uow, "orgtree", org_units) == before
    assert count(uow, "identity", people, people.c.real_name == "申请人") == 0


def test_a_bad_applicant_leaves_no_unit_behind(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    before = count(uow, "orgtree", org_units)
    wrong_confirm = new_applicant("申请人", citizen_id()) | {"password_confirm": "Other@2026"}
    unknown_user = {"existing": True, "id_number": citizen_id(), "password": "Whatever@1"}
    for applicant, code in ((wrong_confirm, "password_mismatch"),
                            (unknown_user, "account_not_found")):
        response = client.post("/api/v1/orgs/registrations", json=org_form(
            scan_id(client), orgs["bureau"], "employer", "新单位", applicant))
        assert response.status_code in (404, 422) and response.json["code"] == code
        assert any(k.startswith("applicant.") for k in response.json["errors"])
    assert count(uow, "orgtree", org_units) == before


def test_a_code_is_registered_once(platform):
    client, orgs = platform["client"], platform["orgs"]
    code = uscc()
    first = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "甲单位",
        new_applicant("申请甲", citizen_id()), uscc=code))
    assert first.status_code == 201
    second = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "乙单位",
        new_applicant("申请乙", citizen_id()), uscc=code))
    assert second.status_code == 409 and second.json["code"] == "org_code_registered"


def test_a_failing_check_digit_is_approved_only_when_the_reviewer_confirms(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    response = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "早期代码单位",
        new_applicant("申请丙", citizen_id()), uscc=uscc(valid=False)))
    assert response.status_code == 201 and response.json["code_warning"]
    org_id = response.json["org_id"]
    reviewer = login(client, *grant_admin(uow, orgs["bureau"], modules=["account_review"]),
                     role="admin").json
    listed = client.get("/api/v1/admin/org-registrations", headers=bearer(reviewer)).json
    assert listed["items"][0]["code_warning"] is True
    plain = client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(reviewer),
                        json={"org_ids": [org_id], "decision": "approve"}).json
    assert plain["decided"] == [] and "确认" in plain["skipped"][0]["reason"]
    confirmed = client.post("/api/v1/admin/org-registrations/decisions",
                            headers=bearer(reviewer), json={
                                "org_ids": [org_id], "decision": "approve",
                                "confirm_code_warning": True}).json
    assert confirmed["decided"] == [org_id]


def test_reviewers_see_and_decide_only_their_subtree_and_never_their_own(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    outsider = login(client, *grant_admin(uow, orgs["other_bureau"], username="outsider",
                                          modules=["account_review"]), role="admin").json
    no_module = login(client, *grant_admin(uow, orgs["bureau"], username="nomodule",
                                           modules=["learner_management"]), role="admin").json
    # An admin of the bureau who registers a unit under their own bureau.
    self_id = citizen_id()
    reviewer_name, password = grant_admin(uow, orgs["bureau"], username="selfreview",
                                          modules=["account_review"])
    with uow("identity")() as u:
        user_id = u.session.execute(sa.select(accounts.c.id)
                                    .where(accounts.c.username == reviewer_name)).scalar()
        u.session.execute(sa.insert(people).values(
            user_id=user_id, org_id=orgs["bureau"], real_name="自审人", mobile="13900000001",
            id_type="id_card", id_number=self_id, birth_date=sa.func.date("1990-01-01"),
            gender="male", registered_at=u.clock.now()))
        u.commit()
    own = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "自己的单位",
        {"existing": True, "id_number": self_id, "password": password}))
    assert own.status_code == 201, own.json
    org_id = own.json["org_id"]

    assert client.get("/api/v1/admin/org-registrations",
                      headers=bearer(outsider)).json["total"] == 0
    assert client.get("/api/v1/admin/org-registrations",
                      headers=bearer(no_module)).status_code == 403
    for admin, reason in ((outsider, "不在您的审核范围内"),):
        result = client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(admin),
                             json={"org_ids": [org_id], "decision": "approve"}).json
        assert result == {"decided": [], "skipped": [{"org_id": org_id, "reason": reason}]}
    self_reviewer = login(client, reviewer_name, password, role="admin").json
    result = client.post("/api/v1/admin/org-registrations/decisions",
                         headers=bearer(self_reviewer),
                         json={"org_ids": [org_id], "decision": "approve"}).json
    assert result["skipped"] == [{"org_id": org_id, "reason": "不能审核本人提交的注册"}]
    assert count(uow, "orgtree", org_units, org_units.c.id == org_id,
                 org_units.c.status == "pending") == 1


def test_progress_rejection_and_withdrawal_of_unit_registrations(platform):
    client, uow, orgs = platform["client"], platform["uow"], platform["orgs"]
    reviewer = login(client, *grant_admin(uow, orgs["bureau"], modules=["account_review"]),
                     role="admin").json
    id_number, code = citizen_id(), uscc()
    applicant = new_applicant("进度人", id_number)
    first = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "选错上级的单位", applicant, uscc=code)).json
    lookup = {"real_name": "进度人", "id_number": id_number}
    status = client.post("/api/v1/auth/registration-status", json=lookup).json
    assert status["org_registrations"] == [status["org_registrations"][0]]
    entry = status["org_registrations"][0]
    assert (entry["org_id"], entry["status"], entry["reviewing_org"], entry["can_withdraw"]) == \
        (first["org_id"], "pending", "测试人社局", True)

    wrong = client.post("/api/v1/auth/registration-withdrawal", json=lookup | {
        "password": "Wrong@2026x", "org_id": first["org_id"]})
    assert wrong.status_code == 422
    done = client.post("/api/v1/auth/registration-withdrawal", json=lookup | {
        "password": applicant["password"], "org_id": first["org_id"]})
    assert done.status_code == 200 and done.json["status"] == "withdrawn"

    from tests.conftest import eventually
    eventually(lambda: count(uow, "identity", people, people.c.id_number == id_number) == 0)
    # the code and the ID number are free again: register anew, and get rejected this time
    again = client.post("/api/v1/orgs/registrations", json=org_form(
        scan_id(client), orgs["bureau"], "employer", "重新注册的单位", applicant, uscc=code))
    assert again.status_code == 201, again.json
    no_reason = client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(reviewer),
                            json={"org_ids": [again.json["org_id"]], "decision": "reject"})
    assert no_reason.status_code == 422 and no_reason.json["code"] == "reason_required"
    client.post("/api/v1/admin/org-registrations/decisions", headers=bearer(reviewer), json={
        "org_ids": [again.json["org_id"]], "decision": "reject", "reason": "扫描件不清晰"})
    eventually(lambda: count(uow, "identity", people, people.c.id_number == id_number) == 0)
    assert login(client, id_number, applicant["password"], role="admin").json["code"] == \
        "account_not_found"
