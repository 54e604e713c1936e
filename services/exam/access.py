"""Who may use which side of exam: learners sit exams; operators keep the question banks
and define exams."""
from services.common.errors import Forbidden


def require_learner(actor):
    if (actor or {}).get("role") != "learner":
        raise Forbidden("learner_required", "仅学员可以参加考试")
    return int(actor["user_id"])


def require_operator(actor):
    if (actor or {}).get("role") != "operator":
        raise Forbidden("operator_required", "仅平台运营人员可以管理题库和考试")
