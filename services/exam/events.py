"""exam's events, defined ahead of the exam service because learning consumes them (a
plan passes once its required exams are passed). The exam issue extends these payloads
with what reporting needs (added fields are compatible: payloads include unknown fields)."""
from marshmallow import fields

from services.common.events import Payload, catalogue, event


class ExamPublished(Payload):
    """An exam was defined or changed: what it examines and its rules."""
    exam_id = fields.Integer(required=True)
    name = fields.String(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    exam_type = fields.String(required=True)  # 自考 ...
    pass_score = fields.Integer(required=True)
    attempts_allowed = fields.Integer(allow_none=True, load_default=None)  # None: 不限
    exempt_attempts = fields.Integer(load_default=0)
    org_id = fields.Integer(allow_none=True, load_default=None)


class AttemptSubmitted(Payload):
    """An attempt was graded (submitted by the learner or closed at its deadline)."""
    attempt_id = fields.Integer(required=True)
    exam_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    score = fields.Integer(required=True)
    passed = fields.Boolean(required=True)
    submitted_at = fields.DateTime(required=True)


class ExamPassed(Payload):
    """A learner passed an exam for the first time."""
    exam_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    course_id = fields.Integer(allow_none=True, load_default=None)
    plan_id = fields.Integer(allow_none=True, load_default=None)
    score = fields.Integer(required=True)
    passed_at = fields.DateTime(required=True)


CATALOGUE = catalogue(
    event("exam_published", ExamPublished, "exam", "exam_id"),
    # Per learner and exam: a learner's attempts of one exam are one sequence.
    event("attempt_submitted", AttemptSubmitted, "exam_attempt", "attempt_id"),
    event("exam_passed", ExamPassed, "exam_result", "user_id"),
)
