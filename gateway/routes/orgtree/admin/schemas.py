from services.common.contracts import (BatchDecisionBody, DiffRow, PageQuery, batch_result,
                                       page_of)
from services.common.schema import Schema, fields, length


class OrgRegistration(Schema):
    org_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    type_label = fields.String()
    parent_id = fields.Integer()
    parent_name = fields.String(allow_none=True)
    uscc = fields.String(allow_none=True)
    org_code = fields.String(allow_none=True)
    code_warning = fields.Boolean(metadata={"description": "统一社会信用代码校验位不符，通过时须确认"})
    region = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    institution_level = fields.String(allow_none=True)
    review_members = fields.Boolean()
    status = fields.String()
    reason = fields.String(allow_none=True)
    registered_at = fields.String()
    decided_at = fields.String(allow_none=True)
    certificate_url = fields.String(allow_none=True, metadata={"description": "扫描件（10分钟内有效）"})


OrgRegistrationPage = page_of("OrgRegistrationPage", OrgRegistration)


class OrgDecisionBody(BatchDecisionBody):
    org_ids = fields.List(fields.Integer(strict=True), required=True)
    confirm_code_warning = fields.Boolean(load_default=False, metadata={
        "description": "已核对扫描件，确认通过校验位不符的统一社会信用代码"})


OrgDecisionResult = batch_result("OrgDecisionResult", "org_id")


class ParentChangeBody(Schema):
    parent_id = fields.Integer(required=True, metadata={"description": "新的上级单位"})


class OrgChange(Schema):
    change_id = fields.Integer()
    org_id = fields.Integer()
    org_name = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "info 修改单位信息 / parent 更换上级部门"})
    kind_label = fields.String()
    diff = fields.List(fields.Nested(DiffRow), metadata={"description": "修改前后对照"})
    status = fields.String()
    old_parent_decision = fields.String(allow_none=True)
    new_parent_decision = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    requested_at = fields.String()
    decided_at = fields.String(allow_none=True)


OrgChangePage = page_of("OrgChangePage", OrgChange)


class ChangeRecordsQuery(PageQuery):
    org_id = fields.Integer(load_default=None, metadata={"description": "下级单位；不填为本单位"})


class ChangeDecisionBody(BatchDecisionBody):
    change_ids = fields.List(fields.Integer(strict=True), required=True)


ChangeDecisionResult = batch_result("ChangeDecisionResult", "change_id")


class MoveOrgBody(Schema):
    parent_id = fields.Integer(required=True)


class OrgMoved(Schema):
    org_id = fields.Integer()
    parent_id = fields.Integer()
    units_moved = fields.Integer()


class SubordinateUnit(OrgRegistration):
    member_count = fields.Integer(metadata={"description": "本单位（不含下级）在册人员数"})


SubordinatePage = page_of("SubordinatePage", SubordinateUnit)


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


MemberReviewPage = page_of("MemberReviewPage", MemberReview)


class DecisionBody(BatchDecisionBody):
    membership_ids = fields.List(fields.Integer(strict=True), required=True)


DecisionResult = batch_result("DecisionResult", "membership_id", skipped_description=(
    "已被审核、不在管辖范围内或为本人的申请"))


class AuditEntry(Schema):
    id = fields.Integer()
    at = fields.String()
    actor_user_id = fields.Integer()
    action = fields.String()
    target_type = fields.String()
    target_id = fields.Integer()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


AuditPage = page_of("AuditPage", AuditEntry)


class TransferOutBody(Schema):
    user_id = fields.Integer(required=True, strict=True)
    to_org_id = fields.Integer(required=True, strict=True, metadata={"description": "调入单位"})
    note = fields.String(load_default=None, validate=length(max=200))


class TransferDecisionBody(Schema):
    decision = fields.String(required=True, metadata={"description": "accept 接收 / reject 拒绝"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "拒绝时必填"})


class TransferQuery(PageQuery):
    direction = fields.String(required=True, metadata={"description": "in 调入记录 / out 调出记录"})
    status = fields.String(load_default=None, metadata={"description": "pending / accepted / rejected"})


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


TransferPage = page_of("TransferPage", Transfer)


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


MoveResult = batch_result("MoveResult", "user_id", done="moved", skipped_description=(
    "不在管辖范围内、已在该单位或有调动在审核中的人员"))


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
