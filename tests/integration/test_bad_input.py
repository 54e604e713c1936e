"""Bad input at the door: a clear problem+json naming the field, in Chinese, and nothing
written — for every field of registration and login."""
import re

import pytest
import sqlalchemy as sa

from services.identity.models import accounts, login_audit, outbox, people
from tests.builders import citizen_id, registration
from tests.conftest import eventually

pytestmark = pytest.mark.integration

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# field -> bad values (each must be refused naming that field)
BAD_REGISTRATION = {
    "username": ["", "1abc", "ab", "a" * 21, "a" * 40, "user name", "x' OR '1'='1", 12345, None],
    "password": ["", "short1", "abcdefghij", "tab\there1", "p" * 200, None],
    "password_confirm": ["Different1!", None],
    "org_id": ["3", 999999, None, "1; DROP TABLE orgs"],
    "real_name": ["", "X", "张三'; DROP TABLE people;--", "a" * 60, None],
    "mobile": ["", "123", "23800000000", "1380000000a", None],
    "email": ["nope", "a@", "x" * 120],
    "id_type": ["", "driver", None],
    "id_number": ["", "123", "120101199001011029", "1" * 40, None],
    "birth_date": ["", "1990-02-30", "1990/01/01", "2999-01-01", "1990-01-02", None],
    "gender": ["", "x", "female", None],
    "ethnicity": ["火星族"],
    "title_status": ["", "也许", None],
    "title_level": ["特级"],
    "professional_title": ["x" * 60],
    "title_date": ["not-a-date", "1980-01-01", "2999-01-01"],
    "education": ["幼儿园"],
    "political_status": ["外星人"],
}

BAD_LOGIN = {
    "username": ["", "x" * 100, None, 123],
    "password": ["", None, "p" * 200],
    "role": ["root", "", None],
    "org_id": ["abc"],
    "captcha_id": ["x" * 100],
    "captcha_answer": ["x" * 40],
}


def counts(uow_factory):
    with uow_factory("identity")() as uow:
        return tuple(uow.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                     for t in (accounts, people, outbox))


def assert_problem(response, field, statuses=(400, 409, 422)):
    assert response.status_code in statuses, (field, response.status_code, response.json)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json
    assert body["code"] and CHINESE.search(body["title"]) and CHINESE.search(body["detail"])
    assert field in body.get("errors", {}), (field, body)
    assert all(CHINESE.search(m) for m in body["errors"][field]), body["errors"][field]


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in BAD_REGISTRATION.items()
                                         for v in vs])
def test_registration_field_with_a_bad_value(platform, field, value):
    client, uow = platform["client"], platform["uow"]
    before = counts(uow)
    data = registration(platform["orgs"]["open"])
    data[field] = value
    if field == "gender" and value == "female":
        data["id_number"] = citizen_id(male=True)
    response = client.post("/api/v1/auth/register", json=data)
    assert_problem(response, field)
    assert counts(uow) == before


@pytest.mark.parametrize("field", ["username", "password", "password_confirm", "org_id",
                                   "real_name", "mobile", "id_type", "id_number",
                                   "birth_date", "gender", "title_status"])
def test_registration_without_a_required_field(platform, field):
    data = registration(platform["orgs"]["open"])
    data.pop(field)
    response = platform["client"].post("/api/v1/auth/register", json=data)
    assert_problem(response, field)
    assert response.json["errors"][field] == ["此项为必填项"]


def test_registration_under_an_org_that_does_not_admit_people(platform):
    data = registration(platform["orgs"]["bureau"])
    assert_problem(platform["client"].post("/api/v1/auth/register", json=data), "org_id")


def test_duplicate_username_and_id_number_are_409_naming_the_field(platform):
    client = platform["client"]
    first = registration(platform["orgs"]["open"])
    assert client.post("/api/v1/auth/register", json=first).status_code == 201
    # Let the membership round trip finish (it writes user_activated) before counting.
    eventually(lambda: client.post("/api/v1/auth/login", json={
        "username": first["username"], "password": first["password"]}).status_code == 200)
    before = counts(platform["uow"])
    again = registration(platform["orgs"]["open"], username=first["username"])
    response = client.post("/api/v1/auth/register", json=again)
    assert response.status_code == 409
    assert_problem(response, "username", (409,))
    again = registration(platform["orgs"]["open"], id_number=first["id_number"])
    assert_problem(client.post("/api/v1/auth/register", json=again), "id_number", (409,))
    assert counts(platform["uow"]) == before


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in BAD_LOGIN.items() for v in vs])
def test_login_field_with_a_bad_value(platform, field, value):
    client, uow = platform["client"], platform["uow"]
    body = {"username": "zhangsan", "password": "Passw0rd!", "role": "learner"}
    body[field] = value
    with uow("identity")() as u:
        audits = u.session.execute(sa.select(sa.func.count()).select_from(login_audit)).scalar()
    response = client.post("/api/v1/auth/login", json=body)
    assert_problem(response, field)
    with uow("identity")() as u:
        assert u.session.execute(sa.select(sa.func.count()).select_from(login_audit)
                                 ).scalar() == audits


@pytest.mark.parametrize("body,content_type,status,code", [
    (b"{not json", "application/json", 400, "malformed_json"),
    (b"[1, 2, 3]", "application/json", 422, "validation_failed"),
    (b'"just a string"', "application/json", 422, "validation_failed"),
    (b"username=a&password=b", "application/x-www-form-urlencoded", 415,
     "unsupported_media_type"),
    (b"<xml/>", "text/xml", 415, "unsupported_media_type"),
    (b'{"username": "a"}', "text/plain", 415, "unsupported_media_type"),
    (b"\xff\xfe\x00garbage", "application/json", 400, "malformed_json"),
])
def test_malformed_requests_are_clean_4xx(platform, body, content_type, status, code):
    for path in ("/api/v1/auth/login", "/api/v1/auth/register"):
        response = platform["client"].post(path, data=body, content_type=content_type)
        assert response.status_code == status, (path, response.json)
        assert response.json["code"] == code
        assert CHINESE.search(response.json["title"])


def test_oversized_body_is_413(platform):
    huge = b'{"username": "' + b"a" * (200 * 1024) + b'"}'
    response = platform["client"].post("/api/v1/auth/register", data=huge,
                                       content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == "payload_too_large"


def test_unknown_fields_are_named(platform):
    data = registration(platform["orgs"]["open"], role="operator", is_operator=True)
    response = platform["client"].post("/api/v1/auth/register", json=data)
    assert_problem(response, "is_operator")
    assert "role" in response.json["errors"]


def test_unknown_route_and_method_are_problems_too(platform):
    client = platform["client"]
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.json["code"] == "not_found"
    response = client.delete("/api/v1/auth/login")
    assert response.status_code == 405 and response.json["code"] == "method_not_allowed"


def test_sql_looking_search_is_just_text(platform):
    response = platform["client"].get("/api/v1/orgs/tree",
                                      query_string={"q": "' OR 1=1; DROP TABLE org_units;--"})
    assert response.status_code == 200
    assert response.json["items"] == []
    response = platform["client"].get("/api/v1/orgs/tree", query_string={"parent_id": "1 OR 1"})
    assert response.status_code == 422
    assert "parent_id" in response.json["errors"]
