from services.common.schema import Schema, fields, length


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


class Applicant(Schema):
    existing = fields.Boolean(required=True, metadata={"description": "是否已是本系统用户"})
    id_number = fields.String(required=True, validate=length(max=32))
    password = fields.String(required=True, validate=length(max=128))
    password_confirm = fields.String(load_default=None, validate=length(max=128))
    real_name = fields.String(load_default=None, validate=length(max=50))
    mobile = fields.String(load_default=None, validate=length(max=20))
    email = fields.String(load_default=None, validate=length(max=100))
    landline = fields.String(load_default=None, validate=length(max=20))


class OrgRegistrationBody(Schema):
    type = fields.String(required=True, metadata={
        "description": "supervising_dept 主管部门 / employer 用人单位 / training_institution 继续教育基地"})
    parent_id = fields.Integer(required=True, metadata={"description": "上级单位（主管部门、上级单位或同级人社）"})
    name = fields.String(required=True, validate=length(max=100))
    uscc = fields.String(load_default=None, validate=length(max=30),
                         metadata={"description": "统一社会信用代码（与组织机构代码二选一）"})
    org_code = fields.String(load_default=None, validate=length(max=12),
                             metadata={"description": "组织机构代码，如 12345678-9"})
    region = fields.String(load_default=None, validate=length(max=100))
    address = fields.String(required=True, validate=length(max=200))
    contact_name = fields.String(required=True, validate=length(max=50))
    contact_phone = fields.String(required=True, validate=length(max=30))
    institution_level = fields.String(load_default=None, validate=length(max=20),
                                      metadata={"description": "继续教育基地级别：国家级/省级/市级/县级"})
    review_members = fields.Boolean(load_default=True, metadata={
        "description": "用人单位：本单位人员注册是否需单位审核"})
    certificate_id = fields.String(required=True, validate=length(max=200),
                                   metadata={"description": "上传扫描件所得"})
    applicant = fields.Nested(Applicant, required=True)


class OrgRegistered(Schema):
    org_id = fields.Integer()
    status = fields.String()
    reviewing_org = fields.String()
    code_warning = fields.String(allow_none=True, metadata={
        "description": "统一社会信用代码校验位不符时的提示（仍可提交，由审核人确认）"})
    applicant_username = fields.String(metadata={"description": "申请人登录账号（也可用身份证号登录）"})
