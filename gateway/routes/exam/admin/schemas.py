"""Shapes of exam's answers to the operator, for the OpenAPI document."""
from services.common.contracts import page_of
from services.common.schema import Schema, fields


class QuestionOption(Schema):
    key = fields.String()
    text = fields.String()


class Question(Schema):
    question_id = fields.Integer()
    course_id = fields.Integer()
    type = fields.String()
    type_label = fields.String()
    stem = fields.String()
    options = fields.List(fields.Nested(QuestionOption))
    answer = fields.Raw()
    difficulty = fields.Integer()
    difficulty_label = fields.String()
    tags = fields.List(fields.String())
    analysis = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "active 启用 / retired 停用"})
    updated_at = fields.String()


class QuestionPage(Schema):
    items = fields.List(fields.Nested(Question))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "启用试题数（按题型）"})


class QuestionUpload(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ExamLink(Schema):
    url = fields.String(metadata={"description": "5分钟内有效"})


class ImportProgress(Schema):
    done = fields.Integer(allow_none=True)
    total = fields.Integer(allow_none=True)


class QuestionImport(Schema):
    job_id = fields.Integer()
    course_id = fields.Integer(allow_none=True)
    filename = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "queued 排队中 / running 导入中 / done 完成 / failed 失败"})
    progress = fields.Nested(ImportProgress)
    total_rows = fields.Integer(allow_none=True)
    imported = fields.Integer(allow_none=True)
    failed = fields.Integer(allow_none=True)
    failure_report_url = fields.String(allow_none=True, metadata={"description": "失败信息表"})
    error = fields.String(allow_none=True)
    created_at = fields.String()


class Exam(Schema):
    exam_id = fields.Integer()
    name = fields.String()
    course_id = fields.Integer(allow_none=True)
    plan_id = fields.Integer(allow_none=True)
    bank_course_id = fields.Integer()
    exam_type = fields.String()
    paper_rule = fields.Dict()
    shuffle_questions = fields.Boolean()
    shuffle_options = fields.Boolean()
    total_score = fields.Integer()
    pass_score = fields.Integer()
    duration_minutes = fields.Integer()
    opens_at = fields.String()
    closes_at = fields.String()
    attempts_allowed = fields.Integer(allow_none=True, metadata={"description": "空：不限"})
    exempt_attempts = fields.Integer()
    score_rule = fields.String()
    review_answers = fields.String()
    review_key = fields.String()
    status = fields.String()
    status_label = fields.String()
    org_id = fields.Integer(allow_none=True)
    version = fields.Integer()


ExamPage = page_of("ExamPage", Exam)


class AttemptRecord(Schema):
    attempt_id = fields.Integer()
    exam_id = fields.Integer()
    user_id = fields.Integer()
    username = fields.String(allow_none=True)
    real_name = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    number = fields.Integer()
    status = fields.String()
    started_at = fields.String()
    deadline_at = fields.String()
    submitted_at = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True)
    closed_by_label = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    answered = fields.Integer()
    focus_lost = fields.Integer(metadata={"description": "页面失去焦点的次数"})


AttemptRecordPage = page_of("AttemptRecordPage", AttemptRecord)


class LogEntry(Schema):
    kind = fields.String(metadata={
        "description": "start 开始 / resume 继续 / save 保存 / focus_lost 失去焦点 / focus_back 回到页面 / submit 交卷 / expire 到时交卷"})
    at = fields.String()
    detail = fields.Dict(allow_none=True)


class AttemptLog(AttemptRecord):
    log = fields.List(fields.Nested(LogEntry))
