import datetime as dt

import pytest

from services.common.errors import InvalidInput
from services.identity.domain.registration import check_registration
from tests.builders import registration


def test_valid_registration_is_cleaned():
    clean = check_registration(registration(3, username="ZhangSan"))
    assert clean["username"] == "zhangsan"
    assert clean["birth_date"] == dt.date(1990, 1, 1)
    assert "password_confirm" not in clean


@pytest.mark.parametrize("field,value", [
    ("username", "1abc"), ("username", "ab"), ("username", "a" * 21), ("username", "ab cd"),
    ("username", "admin'--"), ("real_name", "X"), ("real_name", "张三<script>"),
    ("mobile", "12345678901"), ("mobile", "1380000000"), ("email", "not-an-email"),
    ("id_type", "drivers_licence"), ("birth_date", "1990-13-01"), ("birth_date", "2999-01-01"),
    ("gender", "unknown"), ("ethnicity", "火星族"), ("title_status", "也许"),
    ("title_level", "特级"), ("education", "幼儿园"), ("political_status", "无"),
    ("title_date", "not-a-date"), ("org_id", "3"), ("professional_title", "x" * 51),
])
def test_each_field_names_itself_when_bad(field, value):
    data = registration(3)
    data[field] = value
    with pytest.raises(InvalidInput) as err:
        check_registration(data)
    assert field in err.value.fields, err.value.fields
    assert all(isinstance(m, str) and m for m in err.value.fields[field])


@pytest.mark.parametrize("field", ["username", "password", "password_confirm", "org_id",
                                   "real_name", "mobile", "id_type", "id_number", "birth_date",
                                   "gender", "title_status"])
def test_required_fields(field):
    data = registration(3)
    data.pop(field)
    with pytest.raises(InvalidInput) as err:
        check_registration(data)
    assert err.value.fields[field] == ["此项为必填项"]


def test_passwords_must_match():
    with pytest.raises(InvalidInput) as err:
        check_registration(registration(3, password_confirm="Other123!"))
    assert err.value.code == "password_mismatch"
    assert "password_confirm" in err.value.fields


def test_title_holder_names_level_and_title():
    with pytest.raises(InvalidInput) as err:
        check_registration(registration(3, title_status="已取得", title_level=None))
    assert "title_level" in err.value.fields


def test_no_title_needs_no_level():
    clean = check_registration(registration(3, title_status="未取得", title_level=None,
                                            professional_title=None, title_date=None))
    assert clean["title_status"] == "未取得"


def test_title_date_not_before_birth():
    with pytest.raises(InvalidInput) as err:
        check_registration(registration(3, title_date="1980-01-01"))
    assert "title_date" in err.value.fields


def test_unknown_fields_are_refused():
    with pytest.raises(InvalidInput) as err:
        check_registration(registration(3, is_admin=True))
    assert err.value.fields["is_admin"] == ["不允许的字段"]
