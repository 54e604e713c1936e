"""What identity is asked, defined once: the request contracts the gateway checks (for its
OpenAPI document and an early 422) and identity checks again, being the authority. Shapes
and per-field rules only, no framework: rules between fields and against stored data stay
in the domain and service modules."""
import datetime as dt

from marshmallow import ValidationError

from services.common.authz import MODULES
from services.common.contracts import PageQuery
from services.common.schema import Schema, fields, length, one_of, validate

from .domain import vocab

USERNAME_RULE = validate.Regexp(r"^[A-Za-z][A-Za-z0-9_]{3,19}$",
                                error="用户名须为4–20位字母、数字或下划线，且以字母开头")
REAL_NAME_RULE = validate.Regexp(r"^[\u3400-\u9fffA-Za-z·• ]{2,30}$",
                                 error="真实姓名须为2–30个汉字或字母")
MOBILE_RULE = validate.Regexp(r"^1[3-9]\d{9}$", error="手机号须为11位中国大陆手机号码")
LEARNER_SORTS = ("registered_at", "real_name", "username", "org")


def not_future(value):
    if value > dt.date.today():
        raise ValidationError("日期不能晚于今天")


# --- registration and the people an admin adds -------------------------------------

class PersonalInfo(Schema):
    """Step two of the registration wizard; also the editable part of the profile."""
    org_id = fields.Integer(required=True, strict=True,
                            metadata={"description": "所属组织机构（从 /orgs/tree 选择）"})
    real_name = fields.String(required=True, validate=REAL_NAME_RULE)
    mobile = fields.String(required=True, validate=MOBILE_RULE)
    email = fields.Email(load_default=None, allow_none=True, validate=length(max=100))
    id_type = fields.String(required=True, validate=one_of(vocab.ID_TYPES), metadata={
        "description": "id_card 身份证 / passport 护照 / hk_macau_permit 港澳通行证 / "
                       "taiwan_permit 台湾居民来往大陆通行证"})
    id_number = fields.String(required=True, validate=length(min=5, max=32))
    birth_date = fields.Date(required=True, validate=not_future)
    gender = fields.String(required=True, validate=one_of(vocab.GENDERS),
                           metadata={"description": "male 男 / female 女"})
    ethnicity = fields.String(load_default=None, allow_none=True,
                              validate=one_of(vocab.ETHNICITIES))
    title_status = fields.String(required=True, validate=one_of(vocab.TITLE_STATUSES),
                                 metadata={"description": "已取得 / 未取得"})
    title_level = fields.String(load_default=None, allow_none=True,
                                validate=one_of(vocab.TITLE_LEVELS))
    professional_title = fields.String(load_default=None, allow_none=True,
                                       validate=length(max=50))
    title_date = fields.Date(load_default=None, allow_none=True, validate=not_future)
    education = fields.String(load_default=None, allow_none=True,
                              validate=one_of(vocab.EDUCATIONS))
    political_status = fields.String(load_default=None, allow_none=True,
                                     validate=one_of(vocab.POLITICAL_STATUSES))


class ProfilePatch(PersonalInfo):
    """修改个人资料: any of the personal info (load with partial=True). Contact and title
    fields change at once; for the org and the reviewed fields identity says which way
    they go (a transfer, the org's review)."""


class InfoChangeBody(PersonalInfo):
    """人员信息变更: the fields the person's org reviews, any of them (load with
    partial=True)."""

    class Meta(Schema.Meta):
        fields = ("real_name", "id_type", "id_number", "birth_date", "gender")


class AddLearnerBody(PersonalInfo):
    """学员管理 › 添加 (and each row of a batch import): no password is chosen, the initial
    one is the ID number's last six characters, changed at the first login."""
    username = fields.String(required=True, validate=USERNAME_RULE,
                             metadata={"description": "4–20位字母、数字或下划线，以字母开头"})


class RegisterBody(AddLearnerBody):
    """注册: account info and personal info in one call."""
    password = fields.String(required=True, validate=length(max=128))
    password_confirm = fields.String(required=True, validate=length(max=128))


class Applicant(Schema):
    """A unit registration's applicant (申请人账户), sent with the unit to orgtree, which
    hands it to identity."""
    existing = fields.Boolean(required=True, metadata={"description": "是否已是本系统用户"})
    id_number = fields.String(required=True, validate=length(min=15, max=18))
    password = fields.String(required=True, validate=length(min=1, max=64))
    password_confirm = fields.String(load_default=None, validate=length(max=64))
    real_name = fields.String(load_default=None, validate=REAL_NAME_RULE)
    mobile = fields.String(load_default=None, validate=MOBILE_RULE)
    email = fields.Email(load_default=None, validate=length(max=100))
    landline = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9\-() ]{7,20}$", error="固定电话格式不正确"))


# --- admins: the learner directory, roles and admins, reviews -----------------------

class LearnerQuery(PageQuery):
    real_name = fields.String(load_default=None, validate=length(max=50), metadata={
        "description": "姓名（从首字起匹配：全名或姓氏）"})
    username = fields.String(load_default=None, validate=length(max=32))
    id_number = fields.String(load_default=None, validate=length(max=32),
                              metadata={"description": "证件号码（精确）"})
    mobile = fields.String(load_default=None, validate=length(max=20))
    org_id = fields.Integer(load_default=None, metadata={"description": "含下级单位"})
    title_level = fields.String(load_default=None, validate=length(max=20))
    registered_from = fields.Date(load_default=None)
    registered_to = fields.Date(load_default=None)
    sort = fields.String(load_default="registered_at", validate=one_of(LEARNER_SORTS),
                         metadata={"description": "registered_at / real_name / username / org"})
    order = fields.String(load_default="desc", validate=one_of(("asc", "desc")),
                          metadata={"description": "asc / desc"})


class RoleBody(Schema):
    name = fields.String(required=True, validate=length(min=1, max=50))
    modules = fields.List(fields.String(validate=one_of(MODULES)), required=True, metadata={
        "description": "权限模块：" + ", ".join(MODULES)})


class RolePatch(RoleBody):
    """RoleBody, each field optional (load it with partial=True)."""


class NewAdminPerson(Schema):
    real_name = fields.String(required=True, validate=REAL_NAME_RULE)
    id_number = fields.String(required=True, validate=length(min=15, max=18),
                              metadata={"description": "身份证号码（登录账号；初始密码为后六位）"})
    mobile = fields.String(required=True, validate=MOBILE_RULE)
    email = fields.Email(load_default=None, validate=length(max=100))


class AddAdminBody(Schema):
    """The guide's three ways to add an admin: an existing user (username or ID number),
    one of the org's people (user_id), or a brand-new user (new_person), who logs in with
    their ID number and its last six characters and must then choose a password. An
    existing user from outside the unit's subtree is invited: until they accept, the grant
    gives nothing."""
    login_name = fields.String(load_default=None, validate=length(max=64),
                               metadata={"description": "已是本系统用户：用户名或证件号码（本单位以外的用户"
                                                         "收到邀请，接受后才成为管理员）"})
    user_id = fields.Integer(load_default=None, metadata={"description": "或：本单位人员"})
    new_person = fields.Nested(NewAdminPerson, load_default=None,
                               metadata={"description": "或：新用户"})
    role_id = fields.Integer(required=True)


class PersonChangeQuery(PageQuery):
    status = fields.String(load_default="pending",
                           validate=one_of(("pending", "approved", "rejected", "withdrawn")))
    real_name = fields.String(load_default=None, validate=length(max=50))
