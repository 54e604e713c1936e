from services.common.schema import Schema, fields, length

from ..auth.schemas import RegisterBody


class PasswordResetDone(Schema):
    user_id = fields.Integer()
    must_change_password = fields.Boolean()


class LearnerQuery(Schema):
    real_name = fields.String(load_default=None, metadata={
        "description": "姓名（从首字起匹配：全名或姓氏）"})
    username = fields.String(load_default=None)
    id_number = fields.String(load_default=None, metadata={"description": "证件号码（精确）"})
    mobile = fields.String(load_default=None)
    org_id = fields.Integer(load_default=None, metadata={"description": "含下级单位"})
    title_level = fields.String(load_default=None)
    registered_from = fields.String(load_default=None, metadata={"format": "date"})
    registered_to = fields.String(load_default=None, metadata={"format": "date"})
    sort = fields.String(load_default=None,
                         metadata={"description": "registered_at / real_name / username / org"})
    order = fields.String(load_default=None, metadata={"description": "asc / desc"})
    page = fields.Integer(load_default=None)
    page_size = fields.Integer(load_default=None, metadata={"description": "1–100，默认20"})


class Learner(Schema):
    user_id = fields.Integer()
    username = fields.String()
    real_name = fields.String()
    id_type = fields.String()
    id_number_masked = fields.String()
    mobile_masked = fields.String()
    gender = fields.String()
    org_id = fields.Integer()
    org_name = fields.String(allow_none=True)
    title_level = fields.String(allow_none=True)
    professional_title = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    status = fields.String()
    registered_at = fields.String()


class LearnerPage(Schema):
    total = fields.Integer(metadata={"description": "符合条件的人数（超过10000时为10000）"})
    total_exact = fields.Boolean(metadata={"description": "false：超过10000人，请缩小查询范围"})
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(Learner))


class RoleBody(Schema):
    name = fields.String(required=True, validate=length(max=50))
    modules = fields.List(fields.String(), required=True, metadata={
        "description": "权限模块：basic_info, direct_accounts, account_review, credit_declaration, "
                       "declaration_records, credit_approval, batch_import, statistics, "
                       "certificates, learner_management"})


class RolePatch(Schema):
    name = fields.String(validate=length(max=50))
    modules = fields.List(fields.String())


class Role(Schema):
    id = fields.Integer()
    org_id = fields.Integer()
    name = fields.String()
    modules = fields.List(fields.String())
    module_labels = fields.List(fields.String())


class NewAdminPerson(Schema):
    real_name = fields.String(required=True, validate=length(max=50))
    id_number = fields.String(required=True, validate=length(max=32),
                              metadata={"description": "身份证号码（登录账号；初始密码为后六位）"})
    mobile = fields.String(required=True, validate=length(max=20))
    email = fields.String(load_default=None, validate=length(max=100))


class AddAdminBody(Schema):
    login_name = fields.String(load_default=None, validate=length(max=64),
                               metadata={"description": "已是本系统用户：用户名或证件号码"})
    user_id = fields.Integer(load_default=None, metadata={"description": "或：本单位人员"})
    new_person = fields.Nested(NewAdminPerson, load_default=None,
                               metadata={"description": "或：新用户"})
    role_id = fields.Integer(required=True)


class AdminStatusBody(Schema):
    status = fields.String(required=True, metadata={"description": "active 启用 / disabled 禁用"})


class Admin(Schema):
    grant_id = fields.Integer()
    user_id = fields.Integer()
    org_id = fields.Integer()
    username = fields.String()
    real_name = fields.String(allow_none=True)
    id_number_masked = fields.String()
    role_name = fields.String()
    is_super = fields.Boolean()
    status = fields.String()
    granted_at = fields.String()


class AddLearnerBody(RegisterBody):
    """学员管理 › 添加: the registration fields without a password (the initial password is
    the ID number's last six characters, to be changed at first login)."""

    class Meta:
        exclude = ("password", "password_confirm")


class BatchQueryBody(Schema):
    by = fields.String(required=True, metadata={"description": "username 按用户名 / id_number 按证件号码"})
    values = fields.List(fields.String(validate=length(max=64)), required=True,
                         metadata={"description": "1–1000个"})


class BatchQueryResult(Schema):
    items = fields.List(fields.Nested(Learner))
    not_found = fields.List(fields.String())


class AddedLearner(Schema):
    user_id = fields.Integer()
    username = fields.String()
    status = fields.String()


class ExportLink(Schema):
    rows = fields.Integer()
    filename = fields.String()
    download_url = fields.String(metadata={"description": "10分钟内有效"})
    expires_at = fields.String()


class ImportForm(Schema):
    org_id = fields.Integer(required=True, metadata={"description": "导入到的单位"})


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "按模板填写的 .xlsx"})


class ImportStarted(Schema):
    import_id = fields.Integer()
    status = fields.String()


class FileLink(Schema):
    filename = fields.String()
    download_url = fields.String()
    expires_at = fields.String()


class ImportStatus(Schema):
    import_id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String()
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued / running / done / failed"})
    total_rows = fields.Integer(allow_none=True)
    imported = fields.Integer(allow_none=True)
    failed = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    failure_report = fields.Nested(FileLink, allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)


class ReviewQuery(Schema):
    status = fields.String(load_default=None, metadata={"description": "pending（默认）/ approved / rejected"})
    q = fields.String(load_default=None, validate=length(max=50), metadata={"description": "姓名"})
    page = fields.Integer(load_default=None)
    page_size = fields.Integer(load_default=None)


class MemberReview(Schema):
    membership_id = fields.Integer()
    user_id = fields.Integer()
    real_name = fields.String()
    id_number_masked = fields.String()
    org_id = fields.Integer()
    org_name = fields.String()
    status = fields.String()
    requested_at = fields.String()
    decided_at = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class MemberReviewPage(Schema):
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(MemberReview))


class DecisionBody(Schema):
    membership_ids = fields.List(fields.Integer(strict=True), required=True)
    decision = fields.String(required=True, metadata={"description": "approve 通过 / reject 不通过"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "不通过时必填"})


class DecisionResult(Schema):
    decided = fields.List(fields.Integer())
    skipped = fields.List(fields.Integer(), metadata={
        "description": "已被审核、不在管辖范围内或为本人的申请"})


class AuditQuery(Schema):
    page = fields.Integer(load_default=1)
    page_size = fields.Integer(load_default=50)


class AuditEntry(Schema):
    id = fields.Integer()
    at = fields.String()
    actor_user_id = fields.Integer()
    action = fields.String()
    target_type = fields.String()
    target_id = fields.Integer()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(AuditEntry))


class TransferOutBody(Schema):
    user_id = fields.Integer(required=True, strict=True)
    to_org_id = fields.Integer(required=True, strict=True, metadata={"description": "调入单位"})
    note = fields.String(load_default=None, validate=length(max=200))


class TransferDecisionBody(Schema):
    decision = fields.String(required=True, metadata={"description": "accept 接收 / reject 拒绝"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "拒绝时必填"})


class TransferQuery(Schema):
    direction = fields.String(required=True, metadata={"description": "in 调入记录 / out 调出记录"})
    status = fields.String(load_default=None, metadata={"description": "pending / accepted / rejected"})
    page = fields.Integer(load_default=1)


class Transfer(Schema):
    transfer_id = fields.Integer()
    user_id = fields.Integer()
    real_name = fields.String()
    from_org_id = fields.Integer()
    from_org_name = fields.String()
    to_org_id = fields.Integer()
    to_org_name = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    requested_at = fields.String()
    decided_at = fields.String(allow_none=True)


class TransferPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(Transfer))


class DepartmentBody(Schema):
    name = fields.String(required=True, validate=length(max=100))
    parent_id = fields.Integer(required=True, strict=True,
                               metadata={"description": "用人单位或其内设部门"})


class DepartmentPatch(Schema):
    name = fields.String(validate=length(max=100))
    status = fields.String(metadata={"description": "approved 启用 / disabled 停用"})


class Org(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    type_label = fields.String()
    parent_id = fields.Integer(allow_none=True)
    path = fields.String()
    status = fields.String()
    review_members = fields.Boolean()
    accepts_members = fields.Boolean()


class MoveBody(Schema):
    user_ids = fields.List(fields.Integer(strict=True), required=True,
                           metadata={"description": "1–500人"})
    to_org_id = fields.Integer(required=True, strict=True)


class MoveResult(Schema):
    moved = fields.List(fields.Integer())
    skipped = fields.List(fields.Integer(), metadata={
        "description": "不在管辖范围内、已在该单位或有调动在审核中的人员"})


class DepartmentQuery(Schema):
    parent_id = fields.Integer(load_default=None, metadata={"description": "不填为本单位"})


class Department(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String(metadata={"description": "approved 启用 / disabled 停用"})
    has_children = fields.Boolean()


class DepartmentParent(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    parent_id = fields.Integer(allow_none=True)


class DepartmentList(Schema):
    parent = fields.Nested(DepartmentParent)
    items = fields.List(fields.Nested(Department))
