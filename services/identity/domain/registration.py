"""What a registration must satisfy (seed 001 §1.1 and figure 1.1.3): the two wizard steps,
account info then personal info. Each field's shape and rule is in the contract
(services/identity/contracts.py); here, the rules between fields and the password policy."""
import datetime as dt

from marshmallow import ValidationError

from services.common.errors import InvalidInput
from services.common.schema import invalid_input

from ..contracts import AddLearnerBody, RegisterBody
from . import id_documents, passwords


def cross_field_rules(data):
    """Rules between fields, on a whole record (a registration, or a profile with its
    changes merged in). Raises marshmallow's ValidationError naming the field."""
    title_fields_rule(data)
    birth = _as_date(data.get("birth_date"))
    if birth and birth > dt.date.today().replace(year=dt.date.today().year - 16):
        raise ValidationError("须年满16周岁", "birth_date")
    title_date = _as_date(data.get("title_date"))
    if birth and title_date and title_date < birth:
        raise ValidationError("取得职称时间不能早于出生日期", "title_date")


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def title_fields_rule(data):
    """A person who holds a title (已取得) names its level and title."""
    if data.get("title_status") == "已取得":
        for name, label in (("title_level", "职称级别"), ("professional_title", "专业技术职称")):
            if not data.get(name):
                raise ValidationError(f"已取得职称时须填写{label}", name)


def check_registration(data):
    """Return the cleaned registration, or raise InvalidInput with every field at fault."""
    try:
        clean = RegisterBody().load(data)
        cross_field_rules(clean)
    except ValidationError as err:
        raise invalid_input(err) from None
    passwords.check_policy(clean["password"], username=clean["username"])
    if clean["password"] != clean["password_confirm"]:
        raise InvalidInput("password_mismatch", "两次输入的密码不一致",
                           fields={"password_confirm": ["两次输入的密码不一致"]})
    clean["id_number"] = id_documents.validate(clean["id_type"], clean["id_number"],
                                               clean["birth_date"], clean["gender"])
    clean["username"] = clean["username"].lower()
    clean.pop("password_confirm")
    return clean


def check_admin_added(data):
    try:
        clean = AddLearnerBody().load(data)
        cross_field_rules(clean)
    except ValidationError as err:
        raise invalid_input(err) from None
    clean["id_number"] = id_documents.validate(clean["id_type"], clean["id_number"],
                                               clean["birth_date"], clean["gender"])
    clean["username"] = clean["username"].lower()
    return clean
