import datetime as dt

import pytest

from services.common.errors import InvalidInput
from services.identity.domain import id_documents
from tests.builders import citizen_id


def test_valid_citizen_id_is_normalised_to_upper_case():
    number = citizen_id(birth="19850315")
    assert id_documents.validate("id_card", number.lower() + " ", dt.date(1985, 3, 15),
                                 id_documents.gender_of(number)) == number.upper()


def test_wrong_check_digit_is_refused_on_the_id_number_field():
    number = citizen_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidInput) as err:
        id_documents.validate("id_card", wrong)
    assert err.value.code == "id_number_invalid"
    assert "id_number" in err.value.fields


def test_birth_date_must_agree_with_the_citizen_id():
    number = citizen_id(birth="19900101")
    with pytest.raises(InvalidInput) as err:
        id_documents.validate("id_card", number, dt.date(1990, 1, 2))
    assert err.value.code == "birth_date_mismatch"
    assert list(err.value.fields) == ["birth_date"]


def test_gender_must_agree_with_the_citizen_id():
    number = citizen_id(male=True)
    with pytest.raises(InvalidInput) as err:
        id_documents.validate("id_card", number, dt.date(1990, 1, 1), "female")
    assert err.value.code == "gender_mismatch"


@pytest.mark.parametrize("id_type,number", [
    ("passport", "E12345678"), ("hk_macau_permit", "H12345678"),
    ("hk_macau_permit", "M1234567890"), ("taiwan_permit", "12345678")])
def test_other_documents_accept_their_formats(id_type, number):
    assert id_documents.validate(id_type, number) == number


@pytest.mark.parametrize("id_type,number", [
    ("passport", "E1"), ("hk_macau_permit", "X12345678"), ("taiwan_permit", "ABCDEFGH"),
    ("passport", "E123'--;")])
def test_other_documents_refuse_bad_formats(id_type, number):
    with pytest.raises(InvalidInput) as err:
        id_documents.validate(id_type, number)
    assert err.value.fields == {"id_number": ["证件号码格式不正确"]}


def test_unknown_document_type_is_refused():
    with pytest.raises(InvalidInput) as err:
        id_documents.validate("driving_licence", "123456")
    assert "id_type" in err.value.fields


@pytest.mark.parametrize("name,expected", [
    ("zhangwei", False), ("120101199001011028", True), ("H12345678", True), ("", False)])
def test_login_name_is_told_apart_from_an_id_number(name, expected):
    assert id_documents.looks_like_id_number(name) is expected
