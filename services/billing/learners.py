"""Who may use the learner's side of billing."""
from services.common.errors import Forbidden


def require_learner(actor):
    if (actor or {}).get("role") != "learner":
        raise Forbidden("learner_required", "仅学员可以进行此操作")
    return actor["user_id"]


def require_operator(actor):
    if (actor or {}).get("role") != "operator":
        raise Forbidden("operator_required", "仅平台运营人员可以进行此操作")
