"""What orgtree is asked, defined once: the request contracts the gateway checks (for its
OpenAPI document and an early 422) and orgtree checks again, being the authority. Shapes
and per-field rules only, no framework: code check digits, parents and uniqueness stay in
the service modules."""
from services.common.contracts import PageQuery, page_query
from services.common.schema import Schema, fields, length, one_of, validate

from .domain.unit_types import INSTITUTION_LEVELS, PARENT_TYPES

REVIEW_STATUSES = ("pending", "approved", "rejected", "withdrawn")
AUDIT_PAGE_SIZE = 50  # the log is read in longer pages than the review lists


# --- a unit's registration and its review --------------------------------------------

class UnitRegistration(Schema):
    """主管部门 / 用人单位 / 继续教育基地注册: the unit (its applicant is identity's
    contracts.Applicant, sent alongside)."""
    type = fields.String(required=True, validate=one_of(PARENT_TYPES), metadata={
        "description": "supervising_dept 主管部门 / employer 用人单位 / training_institution 继续教育基地"})
    parent_id = fields.Integer(required=True, metadata={
        "description": "上级单位（主管部门、上级单位或同级人社）"})
    name = fields.String(required=True, validate=length(min=2, max=100))
    uscc = fields.String(load_default=None, validate=length(max=30),
                         metadata={"description": "统一社会信用代码（与组织机构代码二选一）"})
    org_code = fields.String(load_default=None, validate=length(max=12),
                             metadata={"description": "组织机构代码，如 12345678-9"})
    region = fields.String(load_default=None, validate=length(max=100))
    address = fields.String(required=True, validate=length(min=2, max=200))
    contact_name = fields.String(required=True, validate=length(min=1, max=50))
    contact_phone = fields.String(required=True, validate=validate.Regexp(
        r"^[0-9+\-() ]{7,20}$", error="联系电话格式不正确"))
    institution_level = fields.String(load_default=None, validate=one_of(INSTITUTION_LEVELS),
                                      metadata={"description": "继续教育基地级别：国家级/省级/市级/县级"})
    review_members = fields.Boolean(load_default=True, metadata={
        "description": "用人单位：本单位人员注册是否需单位审核"})
    certificate_id = fields.String(required=True, validate=length(min=1, max=200),
                                   metadata={"description": "上传扫描件所得"})


class OrgRegistrationQuery(PageQuery):
    type = fields.String(load_default=None, validate=one_of(PARENT_TYPES), metadata={
        "description": "employer 审核用人单位 / training_institution 审核继续教育基地 / supervising_dept"})
    status = fields.String(load_default="pending", validate=one_of(REVIEW_STATUSES),
                           metadata={"description": "pending（默认）/ approved / rejected / withdrawn"})
    q = fields.String(load_default=None, validate=length(max=100), metadata={"description": "单位名称"})
    institution_level = fields.String(load_default=None, validate=one_of(INSTITUTION_LEVELS))


# --- the admin's own unit: direct changes, reviewed changes, their review ------------

class MyOrgPatch(Schema):
    """Contact details and the member-review setting: they change at once."""
    region = fields.String(validate=length(max=100))
    address = fields.String(validate=length(min=2, max=200))
    contact_name = fields.String(validate=length(min=1, max=50))
    contact_phone = fields.String(validate=length(min=7, max=30))
    review_members = fields.Boolean(metadata={"description": "本单位人员注册是否需审核"})


class OrgInfoChangeBody(Schema):
    """修改单位信息: name and codes, reviewed above the unit."""
    name = fields.String(load_default=None, validate=length(min=2, max=100))
    uscc = fields.String(load_default=None, validate=length(max=30))
    org_code = fields.String(load_default=None, validate=length(max=12))
    certificate_id = fields.String(load_default=None, validate=length(max=200),
                                   metadata={"description": "修改代码时须上传新的扫描件"})


class ChangeReviewQuery(PageQuery):
    status = fields.String(load_default="pending", validate=one_of(REVIEW_STATUSES))
    kind = fields.String(load_default=None, validate=one_of(("info", "parent")),
                         metadata={"description": "info 修改单位信息 / parent 更换上级部门"})
    q = fields.String(load_default=None, validate=length(max=100), metadata={"description": "单位名称"})


# --- units below, members -------------------------------------------------------------

class SubordinateQuery(PageQuery):
    type = fields.String(load_default=None, validate=one_of(PARENT_TYPES), metadata={
        "description": "supervising_dept / employer / training_institution"})
    q = fields.String(load_default=None, validate=length(max=100))
    institution_level = fields.String(load_default=None, validate=one_of(INSTITUTION_LEVELS))


class MemberReviewQuery(PageQuery):
    status = fields.String(load_default="pending", validate=one_of(REVIEW_STATUSES),
                           metadata={"description": "pending（默认）/ approved / rejected / withdrawn"})
    q = fields.String(load_default=None, validate=length(max=50), metadata={"description": "姓名"})


class AuditQuery(page_query(default_size=AUDIT_PAGE_SIZE)):
    """A page of the audit log (操作记录)."""
