from services.common.schema import Schema, fields, length
from services.identity.contracts import Applicant
from services.orgtree.contracts import UnitRegistration


class TreeQuery(Schema):
    parent_id = fields.Integer(load_default=None, metadata={"description": "不填为顶层"})
    q = fields.String(load_default=None, validate=length(max=50),
                      metadata={"description": "按名称搜索"})


class OrgNode(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    type_label = fields.String()
    parent_id = fields.Integer(allow_none=True)
    review_members = fields.Boolean(metadata={"description": "本单位人员注册是否需审核"})
    accepts_members = fields.Boolean(metadata={"description": "可作为专技人员的所属单位"})
    has_children = fields.Boolean()
    path_names = fields.List(fields.String())


class OrgList(Schema):
    items = fields.List(fields.Nested(OrgNode))


class CertificateFile(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "组织机构代码证 / 统一社会信用代码证扫描件：JPG、PNG 或 PDF，不超过5MB"})


class CertificateAccepted(Schema):
    certificate_id = fields.String()
    kind = fields.String(metadata={"description": "jpeg / png / pdf"})


class OrgRegistrationBody(UnitRegistration):
    """The unit (orgtree's contract) and its applicant (identity's), in one request."""
    applicant = fields.Nested(Applicant, required=True)


class OrgRegistered(Schema):
    org_id = fields.Integer()
    status = fields.String()
    reviewing_org = fields.String()
    code_warning = fields.String(allow_none=True, metadata={
        "description": "统一社会信用代码校验位不符时的提示（仍可提交，由审核人确认）"})
    applicant_username = fields.String(metadata={"description": "申请人登录账号（也可用身份证号登录）"})
