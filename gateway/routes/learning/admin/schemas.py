from services.common.contracts import PageQuery, page_of
from services.common.schema import Schema, fields, validate

from ..shapes import CertificateView, Course, Plan, Post

PlanPage = page_of("PlanPage", Plan)
CoursePage = page_of("CoursePage", Course)
CertificatePage = page_of("CertificatePage", CertificateView)
ModerationPage = page_of("ModerationPage", Post)


class StatusChange(Schema):
    closes_on = fields.Date(load_default=None, metadata={"description": "重新开放：新的结束日期"})


class Upload(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImageKind(Schema):
    what = fields.String(required=True, validate=validate.OneOf(("cover", "teacher_photo")),
                         metadata={"description": "cover 课程封面 / teacher_photo 讲师照片"})


class CertificateQuery(PageQuery):
    q = fields.String(load_default=None, metadata={"description": "证书编号"})


