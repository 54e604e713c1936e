"""What a registration must satisfy (seed 001 §1.1 and figure 1.1.3): the two wizard steps,
account info then personal info, checked field by field with a Chinese message each."""
import datetime as dt

from marshmallow import ValidationError

from services.common.errors import InvalidInput
from services.common.schema import Schema, fields, invalid_input, length, one_of, validate

from . import id_documents, passwords, vocab

USERNAME_RULE = validate.Regexp(r"^[A-Za-z][A-Za-z0-9_]{3,19}$",
                                error="用户名须为4–20位字母、数字或下划线，且以字母开头")
REAL_NAME_RULE = validate.Regexp(r"^[\u3400-\u9fffA-Za-z·• ]{2,30}$",
                                 error="真实姓名须为2–30个汉字或字母")
MOBILE_RULE = validate.Regexp(r"^1[3-9]\d{9}$", error="手机号须为11位中国大陆手机号码")


def _not_future(value):
    if value > dt.date.today():
        raise ValidationError("日期不能晚于今天")


class PersonalInfo(Schema):
    """Step two of the wizard; also the editable part of the profile."""
    org_id = fields.Integer(required=True, strict=True)
    real_name = fields.String(required=True, validate=REAL_NAME_RULE)
    mobile = fields.String(required=True, validate=MOBILE_RULE)
    email = fields.Email(load_default=None, allow_none=True, validate=length(max=100))
    id_type = fields.String(required=True, validate=one_of(vocab.ID_TYPES))
    id_number = fields.String(required=True, validate=length(min=5, max=32))
    birth_date = fields.Date(required=True, validate=_not_future)
    gender = fields.String(required=True, validate=one_of(vocab.GENDERS))
    ethnicity = fields.String(load_default=None, allow_none=True,
                              validate=one_of(vocab.ETHNICITIES))
    title_status = fields.String(required=True, validate=one_of(vocab.TITLE_STATUSES))
    title_level = fields.String(load_default=None, allow_none=True,
                                validate=one_of(vocab.TITLE_LEVELS))
    professional_title = fields.String(load_default=None, allow_none=True,
                                       validate=length(max=50))
    title_date = fields.Date(load_default=None, allow_none=True, validate=_not_future)
    education = fields.String(load_default=None, allow_none=True,
                              validate=one_of(vocab.EDUCATIONS))
    political_status = fields.String(load_default=None, allow_none=True,
                                     validate=one_of(vocab.POLITICAL_STATUSES))


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


class Registration(PersonalInfo):
    username = fields.String(required=True, validate=USERNAME_RULE)
    password = fields.String(required=True)
    password_confirm = fields.String(required=True)


def check_registration(data):
    """Return the cleaned registration, or raise InvalidInput with every field at fault."""
    try:
        clean = Registration().load(data)
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


class AdminAddedPerson(PersonalInfo):
    """A person an admin adds (学员管理 › 添加; batch import): no password is chosen, the
    initial one is the ID number's last six characters, changed at first login."""
    username = fields.String(required=True, validate=USERNAME_RULE)


def check_admin_added(data):
    try:
        clean = AdminAddedPerson().load(data)
        cross_field_rules(clean)
    except ValidationError as err:
        raise invalid_input(err) from None
    clean["id_number"] = id_documents.validate(clean["id_type"], clean["id_number"],
                                               clean["birth_date"], clean["gender"])
    clean["username"] = clean["username"].lower()
    return clean



