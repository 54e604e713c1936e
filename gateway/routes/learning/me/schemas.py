from services.common.contracts import page_of
from services.common.schema import Schema, fields

from ..shapes import Chapter, Course, Plan, SelectedCourse


class MyPlan(Plan):
    enrolment_id = fields.Integer(allow_none=True)
    enrolment_status = fields.String(metadata={
        "description": "not_activated 待激活 / learning 学习中 / passed 已通过"})
    enrolment_status_label = fields.String()
    activated_at = fields.String(allow_none=True)
    passed_at = fields.String(allow_none=True)
    selected_hours = fields.String()
    can_learn = fields.Boolean()


class MyPlans(Schema):
    tab = fields.String()
    year = fields.Integer(metadata={"description": "本年度（北京时间）"})
    items = fields.List(fields.Nested(MyPlan))


class HoursStanding(Schema):
    required_selected = fields.String()
    elective_selected = fields.String()
    total_selected = fields.String()
    required_completed = fields.String()
    elective_completed = fields.String()
    total_completed = fields.String()


class LearnerPlanPage(MyPlan):
    open = fields.Boolean(metadata={"description": "计划在开通期内"})
    courses = fields.List(fields.Nested(SelectedCourse), metadata={"description": "已选课程"})
    hours = fields.Nested(HoursStanding)
    exams_missing = fields.Integer()


class Elective(Schema):
    course_id = fields.Integer()
    title = fields.String()
    hours = fields.String()
    teacher_name = fields.String()
    teacher_title = fields.String(allow_none=True)
    cover_url = fields.String(allow_none=True)
    price_fen = fields.Integer()
    exam_required = fields.Boolean()
    preview_seconds = fields.Integer()
    selected = fields.Boolean(metadata={"description": "已购买"})


ElectivePage = page_of("ElectivePage", Elective)


class QuoteLine(Schema):
    kind = fields.String(metadata={"description": "course 课程 / plan_fee 计划费用"})
    course_id = fields.Integer(allow_none=True)
    title = fields.String()
    hours = fields.String()
    price_fen = fields.Integer()


class Quote(Schema):
    plan_id = fields.Integer()
    plan_name = fields.String()
    year = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    category = fields.String(allow_none=True)
    makeup = fields.Boolean()
    cards_allowed = fields.Boolean()
    pay_deadline = fields.String()
    lines = fields.List(fields.Nested(QuoteLine))
    total_fen = fields.Integer()


class LearnerCourse(Course):
    watchable = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "不能学习的原因"})
    plan_id = fields.Integer(allow_none=True)
    completed = fields.Boolean()
    progress_percent = fields.Integer()
    chapters = fields.List(fields.Nested(Chapter))


class Preview(Schema):
    course_id = fields.Integer()
    title = fields.String()
    preview_seconds = fields.Integer()
    video_type = fields.String(allow_none=True)
    media_url = fields.String()


class Playback(Schema):
    session_id = fields.String()
    token = fields.String(metadata={"description": "心跳须带上的播放凭证"})
    chapter_id = fields.Integer()
    course_id = fields.Integer()
    plan_id = fields.Integer()
    title = fields.String()
    media_url = fields.String(metadata={"description": "视频的短期签名链接（支持 Range）"})
    video_type = fields.String(allow_none=True)
    duration_ms = fields.Integer()
    start_position_ms = fields.Integer()
    furthest_ms = fields.Integer(metadata={"description": "已学到的最远位置：不能拖动到此之后"})
    covered_ms = fields.Integer()
    completed = fields.Boolean()
    heartbeat_interval_seconds = fields.Integer()


class PlaybackStatus(Schema):
    active = fields.Boolean(metadata={"description": "false：已在其他设备开始学习，本页面不再计时"})
    chapter_id = fields.Integer()
    covered_ms = fields.Integer()
    duration_ms = fields.Integer()
    furthest_ms = fields.Integer()
    completed = fields.Boolean()
    last_verdict = fields.String(allow_none=True)
    message = fields.String(allow_none=True)


class HeartbeatAccepted(Schema):
    accepted = fields.Boolean()
    session_id = fields.String()


class Note(Schema):
    note_id = fields.Integer()
    course_id = fields.Integer()
    chapter_id = fields.Integer()
    course_title = fields.String(allow_none=True)
    chapter_title = fields.String(allow_none=True)
    position = fields.Integer(metadata={"description": "视频位置（秒）"})
    body = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


NotePage = page_of("NotePage", Note)


class NoteDeleted(Schema):
    note_id = fields.Integer()
    deleted = fields.Boolean()


class CertificateLink(Schema):
    code = fields.String()
    sha256 = fields.String()
    url = fields.String()
    verify_url = fields.String()


class NotesQuery(Schema):
    page = fields.Integer(load_default=1)
    page_size = fields.Integer(load_default=20)
    course_id = fields.Integer(load_default=None)
