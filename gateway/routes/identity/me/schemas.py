from services.common.contracts import DiffRow
from services.common.schema import Schema, fields, length


class Me(Schema):
    """The signed-in person as the access token states it (no RPC)."""
    user_id = fields.Integer()
    username = fields.String()
    real_name = fields.String(allow_none=True)
    role = fields.String()
    org_id = fields.Integer(allow_none=True)
    modules = fields.List(fields.String())
    is_super = fields.Boolean(attribute="super")
    must_change_password = fields.Boolean()


class Profile(Schema):
    user_id = fields.Integer()
    username = fields.String()
    status = fields.String()
    must_change_password = fields.Boolean()
    org_id = fields.Integer(allow_none=True)
    org_name = fields.String(allow_none=True)
    real_name = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    mobile_masked = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    id_type = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    title_status = fields.String(allow_none=True)
    title_level = fields.String(allow_none=True)
    professional_title = fields.String(allow_none=True)
    title_date = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    political_status = fields.String(allow_none=True)


class PasswordChange(Schema):
    old_password = fields.String(required=True, validate=length(max=128))
    new_password = fields.String(required=True, validate=length(max=128))
    new_password_confirm = fields.String(required=True, validate=length(max=128))


class InfoChange(Schema):
    change_id = fields.Integer()
    user_id = fields.Integer()
    real_name = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)
    diff = fields.List(fields.Nested(DiffRow), metadata={"description": "修改前后对照"})
    status = fields.String(metadata={"description": "pending / approved / rejected / withdrawn"})
    reason = fields.String(allow_none=True)
    requested_at = fields.String()
    decided_at = fields.String(allow_none=True)


class InfoChangeList(Schema):
    items = fields.List(fields.Nested(InfoChange))


class AdminInvitation(Schema):
    grant_id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String(allow_none=True)
    role_name = fields.String()
    module_labels = fields.List(fields.String(), metadata={"description": "角色的权限模块"})
    invited_by_name = fields.String(allow_none=True)
    invited_at = fields.String()


class AdminInvitationList(Schema):
    items = fields.List(fields.Nested(AdminInvitation))


class AdminInvitationAnswer(Schema):
    grant_id = fields.Integer()
    status = fields.String(metadata={"description": "active 已接受 / declined 已拒绝"})
