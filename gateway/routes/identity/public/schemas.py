"""Shapes of /auth that only the gateway declares: responses, and the requests identity
checks by code rather than by a contract (login, tokens, the registration lookups). The
registration's contract is identity's (services/identity/contracts.py)."""
from services.common.schema import Schema, fields, length, one_of

ROLES = ("learner", "admin", "operator")


class OrgRef(Schema):
    id = fields.Integer()
    name = fields.String()
    review_members = fields.Boolean()


class Registered(Schema):
    user_id = fields.Integer()
    username = fields.String()
    status = fields.String(metadata={"description": "pending_review：等待单位确认"})
    org = fields.Nested(OrgRef)


class LoginBody(Schema):
    username = fields.String(required=True, validate=length(min=1, max=64),
                             metadata={"description": "用户名或证件号码"})
    password = fields.String(required=True, validate=length(min=1, max=128))
    captcha_id = fields.String(load_default=None, allow_none=True, validate=length(max=64))
    captcha_answer = fields.String(load_default=None, allow_none=True, validate=length(max=16))
    role = fields.String(load_default="learner", validate=one_of(ROLES),
                         metadata={"description": "learner 学员 / admin 管理员 / operator 平台运营"})
    org_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                            metadata={"description": "管理员在多个单位任职时选择单位"})


class UserSummary(Schema):
    user_id = fields.Integer()
    role = fields.String()
    username = fields.String()
    real_name = fields.String(allow_none=True)
    org_id = fields.Integer(allow_none=True)


class Tokens(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    must_change_password = fields.Boolean()
    user = fields.Nested(UserSummary)


class RefreshBody(Schema):
    refresh_token = fields.String(required=True, validate=length(min=1, max=256))


class Captcha(Schema):
    captcha_id = fields.String()
    image = fields.String(metadata={"description": "data:image/png;base64,…"})
    expires_at = fields.String()


class RegistrationLookup(Schema):
    real_name = fields.String(required=True, validate=length(min=1, max=50))
    id_number = fields.String(required=True, validate=length(min=1, max=32))


class RegistrationWithdrawal(RegistrationLookup):
    password = fields.String(required=True, validate=length(min=1, max=128),
                             metadata={"description": "注册时设置的密码"})
    org_id = fields.Integer(load_default=None, metadata={
        "description": "撤回单位注册时填写该单位（见进度查询的 org_registrations）；不填为撤回本人注册"})


class OrgRegistrationProgress(Schema):
    org_id = fields.Integer()
    name = fields.String()
    type_label = fields.String()
    status = fields.String(metadata={"description": "pending / approved / rejected / withdrawn"})
    reviewing_org = fields.String()
    reason = fields.String(allow_none=True)
    registered_at = fields.String()
    can_withdraw = fields.Boolean()


class RegistrationStatus(Schema):
    status = fields.String(allow_none=True)
    status_label = fields.String(allow_none=True)
    reviewing_org = fields.String(allow_none=True)
    registered_at = fields.String(allow_none=True)
    can_withdraw = fields.Boolean()
    org_registrations = fields.List(fields.Nested(OrgRegistrationProgress), metadata={
        "description": "以此人为申请人的单位注册"})


class CodedChoice(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class Vocabularies(Schema):
    """The choices of the registration and profile forms (seed figures 1.1.3, 8.1)."""
    id_types = fields.List(fields.Nested(CodedChoice), required=True)
    genders = fields.List(fields.Nested(CodedChoice), required=True)
    ethnicities = fields.List(fields.String(), required=True)
    title_statuses = fields.List(fields.String(), required=True)
    title_levels = fields.List(fields.String(), required=True)
    educations = fields.List(fields.String(), required=True)
    political_statuses = fields.List(fields.String(), required=True)
    permission_modules = fields.List(fields.Nested(CodedChoice), required=True,
                                     metadata={"description": "管理员角色可选的权限模块"})
