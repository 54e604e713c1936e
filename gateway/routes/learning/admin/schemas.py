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




class Progress(Schema):
    done = fields.Integer(allow_none=True)
    total = fields.Integer(allow_none=True)


class CourseImport(Schema):
    job_id = fields.Integer()
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued 排队中 / running 导入中 / done 完成 / failed 失败"})
    progress = fields.Nested(Progress)
    total_rows = fields.Integer(allow_none=True)
    imported = fields.Integer(allow_none=True)
    failed = fields.Integer(allow_none=True)
    failure_report_url = fields.String(allow_none=True, metadata={"description": "失败信息表"})
    error = fields.String(allow_none=True)
    created_at = fields.String()
