"""Shapes of exam's answers to the learner, for the OpenAPI document."""
from services.common.schema import Schema, fields


class MyExam(Schema):
    exam_id = fields.Integer(allow_none=True, metadata={"description": "未安排考试时为空"})
    name = fields.String()
    exam_type = fields.String(allow_none=True)
    plan_id = fields.Integer(allow_none=True)
    plan_name = fields.String(allow_none=True)
    course_id = fields.Integer(allow_none=True)
    course_title = fields.String(allow_none=True)
    opens_at = fields.String(allow_none=True)
    closes_at = fields.String(allow_none=True)
    duration_minutes = fields.Integer(allow_none=True)
    pass_score = fields.Integer(allow_none=True)
    total_score = fields.Integer(allow_none=True)
    attempts_allowed = fields.Integer(allow_none=True, metadata={"description": "空：不限"})
    attempts_taken = fields.Integer()
    remaining_attempts = fields.Integer(allow_none=True, metadata={"description": "空：不限"})
    remaining_exempt_attempts = fields.Integer(allow_none=True)
    best_score = fields.Integer(allow_none=True)
    counted_score = fields.Integer(allow_none=True)
    status = fields.String(metadata={
        "description": "not_started 未开始 / available 可考试 / in_progress 考试中 / taken 已考 / "
                       "passed 已通过 / failed 未通过 / ended 已结束 / unavailable 不可考试"})
    status_label = fields.String()
    reason = fields.String(allow_none=True)
    open_attempt = fields.String(allow_none=True, metadata={"description": "进行中的考试"})
    last_result = fields.String(allow_none=True, metadata={
        "description": "最近一次已评分的考试（查看成绩）"})


class MyExams(Schema):
    items = fields.List(fields.Nested(MyExam))


class PaperOption(Schema):
    key = fields.String()
    text = fields.String()


class PaperQuestion(Schema):
    id = fields.Integer()
    type = fields.String()
    stem = fields.String()
    options = fields.List(fields.Nested(PaperOption))
    score = fields.Integer()
    blanks = fields.Integer(metadata={"description": "填空题的空数"})
    answer = fields.Raw(allow_none=True, metadata={"description": "已保存的作答"})
    points = fields.Integer(metadata={"description": "得分（交卷后，允许查看作答时）"})
    correct_answer = fields.Raw(metadata={"description": "正确答案（仅在允许查看时）"})


class Examinee(Schema):
    real_name = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    username = fields.String(allow_none=True)


class Attempt(Schema):
    token = fields.String()
    exam_id = fields.Integer()
    exam_name = fields.String()
    number = fields.Integer()
    status = fields.String(metadata={"description": "open 进行中 / graded 已评分"})
    total_score = fields.Integer()
    pass_score = fields.Integer()
    duration_minutes = fields.Integer()
    started_at = fields.String()
    deadline_at = fields.String(metadata={"description": "服务器规定的交卷截止时间"})
    server_time = fields.String()
    candidate = fields.Nested(Examinee)
    questions = fields.List(fields.Nested(PaperQuestion))
    marked = fields.List(fields.Integer())
    answered = fields.Integer()
    score = fields.Integer()
    passed = fields.Boolean()
    submitted_at = fields.String()
    closed_by = fields.String(metadata={"description": "learner 交卷 / deadline 到时自动交卷"})
    answers_shown = fields.Boolean()
    key_shown = fields.Boolean()


class Saved(Schema):
    saved_at = fields.String()
    answered = fields.Integer()
    deadline_at = fields.String()
    server_time = fields.String()


class Recorded(Schema):
    recorded = fields.Boolean()


class Submitted(Schema):
    token = fields.String()
    status = fields.String(metadata={"description": "submitted：已受理，随即评分"})
