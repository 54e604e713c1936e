"""learning's events: the payload schema of every event learning publishes and the
aggregate each is about (see services/common/events.py). Hours travel as fixed-point
strings ("32.0"), money as integer fen, dates as ISO dates (Asia/Shanghai calendar days),
times as ISO 8601 UTC.

Plan events carry the plan's whole state with its courses (`PlanState`), so a copy takes
the newest version. A learner's life in one plan is one aggregate, the enrolment (by
`enrolment_id`): activation, selections, first study, course completions, the pass."""
from marshmallow import fields, validate

from services.common.events import Payload, catalogue, event

PLAN_KINDS = ("public", "professional")


class PlanCourse(Payload):
    course_id = fields.Integer(required=True)
    title = fields.String(required=True)
    hours = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("required", "elective")))
    exam_required = fields.Boolean(required=True)


class PlanState(Payload):
    """A training plan as it stands after the change."""
    plan_id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PLAN_KINDS))
    category = fields.String(allow_none=True, required=True)
    makeup = fields.Boolean(required=True)
    status = fields.String(required=True)  # draft | published | closed
    total_hours = fields.String(required=True)
    required_hours = fields.String(required=True)
    extra_required_exams = fields.Integer(required=True)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    pay_deadline = fields.Date(required=True)
    scope_org_id = fields.Integer(allow_none=True, required=True)
    courses = fields.List(fields.Nested(PlanCourse), required=True)


class EnrolmentFact(Payload):
    enrolment_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)


class PlanActivated(EnrolmentFact):
    """去激活: the learner activated the plan (its required courses are selected with it)."""
    org_id = fields.Integer(allow_none=True, required=True)
    activated_at = fields.DateTime(required=True)


class CourseSelected(EnrolmentFact):
    """A course became the learner's in the plan: a required course at activation (free),
    an elective when its order was paid."""
    course_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    hours = fields.String(required=True)
    order_no = fields.String(allow_none=True, required=True)
    selected_at = fields.DateTime(required=True)


class CourseWithdrawn(EnrolmentFact):
    """A purchased course not yet studied was taken back by a refund."""
    course_id = fields.Integer(required=True)
    order_no = fields.String(allow_none=True, required=True)
    withdrawn_at = fields.DateTime(required=True)


class LearningStarted(EnrolmentFact):
    """The first watched second credited in the plan (参训)."""
    course_id = fields.Integer(required=True)
    started_at = fields.DateTime(required=True)


class CourseCompleted(EnrolmentFact):
    """Every chapter of the course reached the completion threshold; its exam opens."""
    course_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    hours = fields.String(required=True)
    completed_at = fields.DateTime(required=True)


class PlanCompleted(EnrolmentFact):
    """The plan passed: its hours, the required part, and every required exam."""
    required_hours = fields.String(required=True)
    elective_hours = fields.String(required=True)
    total_hours = fields.String(required=True)
    completed_at = fields.DateTime(required=True)


class CertificateIssued(Payload):
    certificate_id = fields.Integer(required=True)
    code = fields.String(required=True)
    enrolment_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    issued_at = fields.DateTime(required=True)


class CertificateRevoked(Payload):
    certificate_id = fields.Integer(required=True)
    code = fields.String(required=True)
    user_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    revoked_at = fields.DateTime(required=True)


class CertificateRequested(Payload):
    """learning to itself: render and sign the certificate of a passed plan (a job)."""
    job_id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)


class CourseImportRequested(Payload):
    """learning to itself: an operator queued a course list import (a job)."""
    job_id = fields.Integer(required=True)


CATALOGUE = catalogue(
    event("plan_published", PlanState, "plan", "plan_id"),
    event("plan_updated", PlanState, "plan", "plan_id"),
    event("plan_activated", PlanActivated, "enrolment", "enrolment_id"),
    event("course_selected", CourseSelected, "enrolment", "enrolment_id"),
    event("course_withdrawn", CourseWithdrawn, "enrolment", "enrolment_id"),
    event("learning_started", LearningStarted, "enrolment", "enrolment_id"),
    event("course_completed", CourseCompleted, "enrolment", "enrolment_id"),
    event("plan_completed", PlanCompleted, "enrolment", "enrolment_id"),
    event("certificate_issued", CertificateIssued, "certificate", "certificate_id"),
    event("certificate_revoked", CertificateRevoked, "certificate", "certificate_id"),
    event("certificate_requested", CertificateRequested, "job", "job_id"),
    event("course_import_requested", CourseImportRequested, "job", "job_id"),
)
