"""Response shapes of learning's routes shared by more than one audience (a plan, a
course, a selected course, an archive record)."""
from services.common.contracts import page_of
from services.common.schema import Schema, fields

H = {"description": "学时（一位小数）"}


class PlanCourse(Schema):
    course_id = fields.Integer()
    title = fields.String()
    hours = fields.String(metadata=H)
    teacher_name = fields.String()
    kind = fields.String(metadata={"description": "required 必修 / elective 选修"})
    exam_required = fields.Boolean()


class Plan(Schema):
    plan_id = fields.Integer()
    name = fields.String()
    year = fields.Integer()
    kind = fields.String(metadata={"description": "public 公需科目 / professional 专业科目"})
    kind_label = fields.String()
    category = fields.String(allow_none=True)
    makeup = fields.Boolean(metadata={"description": "补学计划"})
    description = fields.String(allow_none=True)
    total_hours = fields.String(metadata=H)
    required_hours = fields.String(metadata=H)
    elective_hours = fields.String(metadata=H)
    pricing = fields.String(metadata={"description": "per_hour 按学时 / flat 按计划"})
    price_per_hour_fen = fields.Integer()
    flat_price_fen = fields.Integer()
    required_free = fields.Boolean()
    cards_allowed = fields.Boolean()
    extra_required_exams = fields.Integer()
    opens_on = fields.String()
    closes_on = fields.String()
    pay_deadline = fields.String()
    scope_org_id = fields.Integer(allow_none=True)
    scope_org_name = fields.String(allow_none=True)
    scope_title_levels = fields.List(fields.String())
    scope_series = fields.List(fields.String())
    status = fields.String(metadata={"description": "draft 未发布 / published 已发布 / closed 已关闭"})
    state_label = fields.String(metadata={"description": "未发布 / 未开始 / 进行中 / 已结束"})
    course_count = fields.Integer()
    catalogue_hours = fields.String(metadata=H)
    courses = fields.List(fields.Nested(PlanCourse))


class Chapter(Schema):
    chapter_id = fields.Integer()
    course_id = fields.Integer()
    seq = fields.Integer()
    title = fields.String()
    duration_ms = fields.Integer(allow_none=True)
    has_video = fields.Boolean()
    video_type = fields.String(allow_none=True)
    progress_percent = fields.Integer()
    completed = fields.Boolean()
    saved_position_ms = fields.Integer(metadata={"description": "上次学习到的位置（毫秒）"})


class Course(Schema):
    course_id = fields.Integer()
    title = fields.String()
    teacher_name = fields.String()
    teacher_title = fields.String(allow_none=True)
    teacher_profile = fields.String(allow_none=True)
    teacher_photo_url = fields.String(allow_none=True)
    hours = fields.String(metadata=H)
    description = fields.String(allow_none=True)
    cover_url = fields.String(allow_none=True)
    preview_seconds = fields.Integer()
    status = fields.String()
    duration_ms = fields.Integer()
    chapter_count = fields.Integer()
    chapters = fields.List(fields.Nested(Chapter))


class SelectedCourse(Schema):
    course_id = fields.Integer()
    title = fields.String()
    hours = fields.String(metadata=H)
    teacher_name = fields.String()
    kind = fields.String()
    exam_required = fields.Boolean()
    order_no = fields.String(allow_none=True)
    progress_percent = fields.Integer()
    completed = fields.Boolean()
    completed_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    exam_passed = fields.Boolean()
    exam_score = fields.Integer(allow_none=True)


class PlanRecord(Schema):
    """学习档案 of one plan (the columns of the admins' 完成情况明细表)."""
    enrolment_id = fields.Integer()
    plan_id = fields.Integer()
    plan_name = fields.String()
    year = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    makeup = fields.Boolean()
    status = fields.String(metadata={"description": "learning 学习中 / passed 已通过"})
    status_label = fields.String()
    plan_total_hours = fields.String(metadata=H)
    required_studied = fields.String(metadata={"description": "必修已学学时"})
    elective_studied = fields.String(metadata={"description": "选修已学学时"})
    required_completed = fields.String(metadata={"description": "必修完成学时"})
    elective_completed = fields.String(metadata={"description": "选修完成学时"})
    total_completed = fields.String(metadata={"description": "总完成学时"})
    total_selected = fields.String(metadata={"description": "已选学时"})
    exams_missing = fields.Integer(metadata={"description": "尚未通过的必考考试数"})
    started_at = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    certificate_code = fields.String(allow_none=True)
    certificate_status = fields.String(allow_none=True)
    courses = fields.List(fields.Nested(SelectedCourse))


class OfflineRecord(Schema):
    record_id = fields.Integer()
    year = fields.Integer()
    title = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    hours = fields.String(metadata=H)
    organiser = fields.String(allow_none=True)
    completed_on = fields.String()


class Archive(Schema):
    user_id = fields.Integer()
    real_name = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    current = fields.List(fields.Nested(PlanRecord), metadata={"description": "我的档案"})
    history = fields.List(fields.Nested(PlanRecord), metadata={"description": "历史档案"})
    offline = fields.List(fields.Nested(OfflineRecord), metadata={"description": "线下档案"})


class CertificateView(Schema):
    code = fields.String()
    status = fields.String(metadata={"description": "issued 有效 / revoked 已撤销"})
    status_label = fields.String()
    learner_name = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    plan_name = fields.String(allow_none=True)
    plan_year = fields.String(allow_none=True)
    hours_total = fields.String(allow_none=True)
    required_hours = fields.String(allow_none=True)
    elective_hours = fields.String(allow_none=True)
    completed_on = fields.String(allow_none=True)
    issued_on = fields.String(allow_none=True)
    issuer = fields.String(allow_none=True)
    sha256 = fields.String(allow_none=True, metadata={"description": "签发的 PDF 文件的 SHA-256"})
    issued_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class Post(Schema):
    post_id = fields.Integer()
    kind = fields.String(metadata={"description": "discussion 讨论 / question 问答"})
    course_id = fields.Integer()
    chapter_id = fields.Integer(allow_none=True)
    thread_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    body = fields.String()
    status = fields.String()
    hidden_reason = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    answered_by_name = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True)
    created_at = fields.String()
    course_title = fields.String()
    teacher_name = fields.String()
    author_real_name = fields.String(allow_none=True, metadata={"description": "运营审核时可见"})
    author_username = fields.String(allow_none=True, metadata={"description": "运营审核时可见"})
    replies = fields.List(fields.Nested(lambda: Post()))


class Link(Schema):
    url = fields.String()


PostPage = page_of("PostPage", Post)
