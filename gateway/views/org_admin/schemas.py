from services.common.schema import Schema, fields, length


class OrgRegistrationQuery(Schema):
    type = fields.String(load_default=None, metadata={
        "description": "employer 审核用人单位 / training_institution 审核继续教育基地 / supervising_dept"})
    status = fields.String(load_default="pending",
                           metadata={"description": "pending（默认）/ approved / rejected / withdrawn"})
    q = fields.String(load_default=None, validate=length(max=100), metadata={"description": "单位名称"})
    institution_level = fields.String(load_default=None, validate=length(max=20))
    page = fields.Integer(load_default=1)
    page_size = fields.Integer(load_default=20)


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


class OrgRegistrationPage(Schema):
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    items = fields.List(fields.Nested(OrgRegistration))


class OrgDecisionBody(Schema):
    org_ids = fields.List(fields.Integer(strict=True), required=True)
    decision = fields.String(required=True, metadata={"description": "approve 通过 / reject 驳回"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "驳回时必填"})
    confirm_code_warning = fields.Boolean(load_default=False, metadata={
        "description": "已核对扫描件，确认通过校验位不符的统一社会信用代码"})


class Skipped(Schema):
    org_id = fields.Integer()
    reason = fields.String()


class OrgDecisionResult(Schema):
    decided = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(Skipped))
