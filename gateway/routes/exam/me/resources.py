"""The learner's routes answered by exam (/api/v1/me): 我的考试, starting or continuing an
attempt, autosave, focus events, 交卷."""
from flask import current_app, g
from gateway.blueprint import Blueprint

from services.exam.contracts import AnswersBody, AttemptEventBody

from .... import submissions
from ....auth import login_required
from ....rpc import rpc_pool
from .schemas import Attempt, MyExams, Recorded, Saved, Submitted

blp = Blueprint("exam_me", __name__, url_prefix="/api/v1/me", description="学员：我的考试")


def exam():
    return rpc_pool().exam


@blp.route("/exams", methods=["GET"], endpoint="my_exams")
@blp.response(200, MyExams)
@login_required("learner")
def my_exams():
    """我的考试：考试对应培训计划、考试时间范围、时长、及格线、剩余考试次数、最高分与状态"""
    return exam().my_exams(g.actor)


@blp.route("/exams/<int:exam_id>/attempts", methods=["POST"], endpoint="start_attempt")
@blp.response(201, Attempt)
@login_required("learner")
def start_attempt(exam_id):
    """去考试：开始考试（已有进行中的考试则继续该次），试卷与交卷截止时间由服务器确定"""
    return exam().start_attempt(g.actor, exam_id)


@blp.route("/attempts/<token>", methods=["GET"], endpoint="attempt")
@blp.response(200, Attempt)
@login_required("learner")
def attempt(token):
    """考试页面或考试结果（到时未交卷的，按最后保存的答案评分）"""
    return exam().attempt(g.actor, token[:32])


@blp.route("/attempts/<token>/answers", methods=["PUT"], endpoint="save_answers")
@blp.arguments(AnswersBody)
@blp.response(200, Saved)
@login_required("learner")
def save_answers(body, token):
    """自动保存作答与标记"""
    return exam().save_answers(g.actor, token[:32], body["answers"], body.get("marked"))


@blp.route("/attempts/<token>/events", methods=["POST"], endpoint="attempt_event")
@blp.arguments(AttemptEventBody)
@blp.response(200, Recorded)
@login_required("learner")
def attempt_event(body, token):
    """考试页面失去或回到焦点（记入考试记录）"""
    return exam().report_attempt_event(g.actor, token[:32], body["kind"])


@blp.route("/attempts/<token>/submission", methods=["POST"], endpoint="submit_attempt")
@blp.arguments(AnswersBody)
@blp.response(202, Submitted)
@login_required("learner")
def submit_attempt(body, token):
    """交卷：随交卷提交的作答一并受理（202），随即评分；评分结果以 GET 考试记录查看"""
    return submissions.accept(g.actor, token[:32], body, current_app.extensions["clock"].now())
