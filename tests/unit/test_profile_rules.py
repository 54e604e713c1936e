import pytest

from services.common.errors import InvalidInput
from services.identity.domain.profile import check_changes

CURRENT = {"org_id": 3, "real_name": "张三", "id_type": "id_card", "id_number": "X",
           "birth_date": "1990-01-01", "gender": "male", "title_status": "已取得",
           "title_level": "中级", "professional_title": "工程师", "mobile": "13800000000"}


def test_contact_and_title_fields_change_directly():
    clean = check_changes(CURRENT, {"mobile": "13900000000", "title_level": "副高级",
                                    "education": "硕士研究生"})
    assert clean == {"mobile": "13900000000", "title_level": "副高级", "education": "硕士研究生"}


def test_org_changes_only_by_transfer():
    with pytest.raises(InvalidInput) as err:
        check_changes(CURRENT, {"org_id": 4})
    assert err.value.code == "org_change_needs_transfer"


@pytest.mark.parametrize("field,value", [("real_name", "李四"), ("id_number", "Y"),
                                         ("gender", "female")])
def test_name_and_document_changes_need_review(field, value):
    with pytest.raises(InvalidInput) as err:
        check_changes(CURRENT, {field: value})
    assert err.value.code == "change_needs_review"
    assert field in err.value.fields


def test_unchanged_reviewed_fields_are_ignored():
    assert check_changes(CURRENT, {"real_name": "张三", "mobile": "13900000001"}) == {
        "mobile": "13900000001"}


def test_bad_values_are_refused_per_field():
    with pytest.raises(InvalidInput) as err:
        check_changes(CURRENT, {"mobile": "123", "education": "幼儿园"})
    assert set(err.value.fields) == {"mobile", "education"}


def test_dropping_the_title_level_of_a_title_holder_is_refused():
    with pytest.raises(InvalidInput) as err:
        check_changes(CURRENT, {"title_level": None})
    assert "title_level" in err.value.fields
