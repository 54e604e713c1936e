"""What learning is asked, defined once: the request contracts the gateway checks (for
its OpenAPI document and an early 422) and learning checks again, being the authority.
Shapes and per-field rules only; windows, scope, prices and ownership stay in the
service modules."""
from services.common.contracts import PageQuery
from services.common.schema import Schema, fields, length, one_of, validate

from .domain.crediting import EVENTS
from .events import PLAN_KINDS

CATEGORIES = ("工程技术类", "经济类", "会计审计类", "法律类", "人力资源管理", "群众文化", "政工",
              "卫生类", "教育类", "农业类", "其他")
TITLE_LEVELS = ("正高级", "副高级", "中级", "初级", "员级", "无")
MAX_HOURS = 999


def decimal_text(**metadata):
    """OpenAPI: a decimal travels as text ("32.0"), never as a binary float."""
    return {"type": "string", "format": "decimal", **metadata}


def hours_field(required=True, metadata=None, **kwargs):
    return fields.Decimal(required=required, places=1, as_string=True, validate=validate.Range(
        min=0, max=MAX_HOURS, error=f"学时须为0–{MAX_HOURS}"),
        metadata=decimal_text(**(metadata or {})), **kwargs)


def fen_field(**kwargs):
    return fields.Integer(validate=validate.Range(min=0, max=100_000_000,
                                                  error="金额须为0–100000000分"), **kwargs)


class PlanCourseRef(Schema):
    course_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=one_of(("required", "elective")),
                         metadata={"description": "required 必修 / elective 选修"})
    exam_required = fields.Boolean(load_default=False, metadata={"description": "需要考试"})


class PlanBody(Schema):
    """培训计划 (operator)."""
    name = fields.String(required=True, validate=length(min=2, max=120))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100,
                                                                 error="年度须为2000–2100"))
    kind = fields.String(required=True, validate=one_of(PLAN_KINDS),
                         metadata={"description": "public 公需科目 / professional 专业科目"})
    category = fields.String(load_default=None, validate=one_of(CATEGORIES),
                             metadata={"description": "专业科目的类别"})
    makeup = fields.Boolean(load_default=False, metadata={"description": "往年补学计划"})
    description = fields.String(load_default=None, validate=length(max=2000))
    total_hours = hours_field(metadata={"description": "考核学时，如 32.0"})
    required_hours = hours_field(metadata={"description": "其中必修学时，如 6.0"})
    pricing = fields.String(required=True, validate=one_of(("per_hour", "flat")),
                            metadata={"description": "per_hour 按学时计费 / flat 按计划收费"})
    price_per_hour_fen = fen_field(load_default=0, metadata={"description": "每学时价格（分）"})
    flat_price_fen = fen_field(load_default=0, metadata={"description": "计划价格（分）"})
    required_free = fields.Boolean(load_default=True, metadata={"description": "必修课免费"})
    cards_allowed = fields.Boolean(load_default=False, metadata={"description": "可用学习卡支付"})
    extra_required_exams = fields.Integer(load_default=0, validate=validate.Range(
        min=0, max=10, error="须为0–10"), metadata={"description": "补学学员另加的必考门数"})
    opens_on = fields.Date(required=True, metadata={"description": "开通日期（北京时间）"})
    closes_on = fields.Date(required=True, metadata={"description": "结束日期，此后不能学习、考试、打印"})
    pay_deadline = fields.Date(required=True, metadata={"description": "缴费截止日期"})
    scope_org_id = fields.Integer(load_default=None, metadata={"description": "参训范围：单位及其下级"})
    scope_title_levels = fields.List(fields.String(validate=one_of(TITLE_LEVELS)),
                                     load_default=list, metadata={"description": "职称级别，空：不限"})
    scope_series = fields.List(fields.String(validate=length(max=50)), load_default=list,
                               metadata={"description": "专业技术职称系列，空：不限"})
    courses = fields.List(fields.Nested(PlanCourseRef), load_default=list)


class CourseBody(Schema):
    """课程 (operator)."""
    title = fields.String(required=True, validate=length(min=2, max=120))
    teacher_name = fields.String(required=True, validate=length(min=1, max=50))
    teacher_title = fields.String(load_default=None, validate=length(max=60))
    teacher_profile = fields.String(load_default=None, validate=length(max=2000))
    hours = hours_field(metadata={"description": "学时，如 2.0"})
    description = fields.String(load_default=None, validate=length(max=4000))
    preview_seconds = fields.Integer(load_default=180, validate=validate.Range(
        min=0, max=900, error="试看时长须为0–900秒"), metadata={"description": "免费试看秒数"})
    status = fields.String(load_default="active", validate=one_of(("active", "hidden")))


class ChapterBody(Schema):
    title = fields.String(required=True, validate=length(min=1, max=120))
    seq = fields.Integer(load_default=None, validate=validate.Range(min=1, max=999))


class CourseQuery(PageQuery):
    q = fields.String(load_default=None, validate=length(max=60), metadata={"description": "课程名称"})


class PlanQuery(PageQuery):
    year = fields.Integer(load_default=None)
    status = fields.String(load_default=None, validate=one_of(("draft", "published", "closed")))


class MyPlansQuery(Schema):
    tab = fields.String(load_default="all", validate=one_of(
        ("all", "current_public", "makeup", "professional", "history")), metadata={
        "description": "all 全部 / current_public 本年度公需课 / makeup 补学计划 / "
                       "professional 专业科目 / history 历史课程"})


class ElectiveQuery(PageQuery):
    q = fields.String(load_default=None, validate=length(max=60), metadata={"description": "课程名称"})


class QuoteBody(Schema):
    plan_id = fields.Integer(required=True)
    course_ids = fields.List(fields.Integer(), load_default=list, validate=validate.Length(
        max=200, error="一次最多200门课程"), metadata={"description": "空：按计划收费的计划费用"})


class PlaybackStart(Schema):
    chapter_id = fields.Integer(required=True)
    mode = fields.String(load_default="resume", validate=one_of(("resume", "restart")),
                         metadata={"description": "resume 继续学习 / restart 重新学习"})


class Heartbeat(Schema):
    """One heartbeat of the player; the gateway puts it on the bus (no reply)."""
    token = fields.String(required=True, validate=length(max=400),
                          metadata={"description": "开始播放时得到的播放凭证"})
    seq = fields.Integer(required=True, validate=validate.Range(min=1, max=10**9,
                                                                error="序号须为正整数"))
    event = fields.String(required=True, validate=one_of(EVENTS), metadata={
        "description": "play / tick（每15–30秒）/ pause / seek / end / hidden（页面失去焦点）"})
    position = fields.Decimal(required=True, places=3, as_string=True, validate=validate.Range(
        min=0, max=86400, error="播放位置须为0–86400秒"),
        metadata=decimal_text(description="秒，如 \"12.345\""))
    from_position = fields.Decimal(load_default=None, allow_none=True, places=3, as_string=True,
                                   validate=validate.Range(min=0, max=86400),
                                   metadata=decimal_text(description="seek：跳转前的位置（秒）"))


class NoteBody(Schema):
    chapter_id = fields.Integer(required=True)
    position = fields.Integer(required=True, validate=validate.Range(min=0, max=86400),
                              metadata={"description": "视频位置（秒）"})
    body = fields.String(required=True, validate=length(min=1, max=2000))


class NotePatch(Schema):
    body = fields.String(required=True, validate=length(min=1, max=2000))


class PostBody(Schema):
    body = fields.String(required=True, validate=length(min=1, max=2000))
    chapter_id = fields.Integer(load_default=None)


class AnswerBody(Schema):
    answer = fields.String(required=True, validate=length(min=1, max=4000))


class ModerationBody(Schema):
    status = fields.String(required=True, validate=one_of(("visible", "hidden")))
    reason = fields.String(load_default=None, validate=length(max=200))


class RevokeBody(Schema):
    reason = fields.String(required=True, validate=length(min=2, max=200))


class OfflineRecordBody(Schema):
    """线下档案: hours earned outside the platform."""
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    title = fields.String(required=True, validate=length(min=2, max=120))
    kind = fields.String(required=True, validate=one_of(PLAN_KINDS))
    hours = hours_field()
    organiser = fields.String(load_default=None, validate=length(max=120))
    completed_on = fields.Date(required=True)


class PostQuery(PageQuery):
    kind = fields.String(load_default="discussion", validate=one_of(("discussion", "question")))
    status = fields.String(load_default=None, validate=one_of(("visible", "hidden")))
    course_id = fields.Integer(load_default=None)
