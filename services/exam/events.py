"""exam's events. learning consumes attempt_submitted and exam_passed (a plan passes once
its required exams are passed); reporting builds the admins' exam statistics
(按人员统计考试, 考试情况统计) from exam_published, exam_opened and attempt_submitted, so
they carry every column those tables need. Added fields are compatible: payloads include
unknown fields."""
from marshmallow import fields

from services.common.events import Payload, catalogue, event


class ExamPublished(Payload):
    """An exam was published, changed after publishing, or closed: what it examines and
    its rules, as they stand."""
    exam_id = fields.Integer(required=True)
    name = fields.String(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    plan_name = fields.String(allow_none=True, load_default=None)
    exam_type = fields.String(required=True)  # 自考 | 统考
    pass_score = fields.Integer(required=True)
    total_score = fields.Integer(load_default=None, allow_none=True)
    attempts_allowed = fields.Integer(allow_none=True, load_default=None)  # None: 不限
    exempt_attempts = fields.Integer(load_default=0)
    org_id = fields.Integer(allow_none=True, load_default=None)  # 发布单位 (None: the platform)
    status = fields.String(load_default="published")  # published | closed
    duration_minutes = fields.Integer(load_default=None, allow_none=True)
    opens_at = fields.DateTime(load_default=None, allow_none=True)
    closes_at = fields.DateTime(load_default=None, allow_none=True)


class ExamOpened(Payload):
    """The exam opened to a learner (应参考): they completed its course, or activated the
    make-up plan it belongs to. Once per learner and exam."""
    exam_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    opened_at = fields.DateTime(required=True)


class AttemptSubmitted(Payload):
    """An attempt was graded (submitted by the learner or closed at its deadline), with
    the learner's standing in the exam after it."""
    attempt_id = fields.Integer(required=True)
    exam_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    number = fields.Integer(load_default=None, allow_none=True)     # 第几次
    score = fields.Integer(required=True)
    passed = fields.Boolean(required=True)                          # this attempt
    counted_score = fields.Integer(load_default=None, allow_none=True)  # by the score rule
    best_score = fields.Integer(load_default=None, allow_none=True)     # 最高分值
    attempts_taken = fields.Integer(load_default=None, allow_none=True)  # 已考次数
    remaining_attempts = fields.Integer(load_default=None, allow_none=True)  # None: 不限
    remaining_exempt_attempts = fields.Integer(load_default=None, allow_none=True)
    pass_score = fields.Integer(load_default=None, allow_none=True)
    closed_by = fields.String(load_default=None, allow_none=True)  # learner | deadline
    submitted_at = fields.DateTime(required=True)


class ExamPassed(Payload):
    """A learner passed an exam for the first time."""
    exam_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    score = fields.Integer(required=True)
    passed_at = fields.DateTime(required=True)


class QuestionImportRequested(Payload):
    """exam to itself: import a question bank file (a job)."""
    job_id = fields.Integer(required=True)


CATALOGUE = catalogue(
    event("exam_published", ExamPublished, "exam", "exam_id"),
    event("exam_opened", ExamOpened, "exam_result", "user_id"),
    # Per learner and exam: a learner's attempts of one exam are one sequence.
    event("attempt_submitted", AttemptSubmitted, "exam_attempt", "attempt_id"),
    event("exam_passed", ExamPassed, "exam_result", "user_id"),
    event("question_import_requested", QuestionImportRequested, "job", "job_id"),
)
