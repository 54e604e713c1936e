"""The operator's routes answered by exam (/api/v1/admin): question banks (with import and
export), exams, and the attempts' logs."""
import uuid

from flask import g
from gateway.blueprint import Blueprint

from services.exam.contracts import (AttemptQuery, ExamBody, ExamQuery, QuestionBody,
                                     QuestionQuery, QuestionStatusBody)

from ....auth import login_required
from ....files import store_upload
from ....rpc import rpc_pool
from .schemas import (AttemptLog, AttemptRecordPage, Exam, ExamLink, ExamPage, Question,
                      QuestionImport, QuestionPage, QuestionUpload)

blp = Blueprint("exam_admin", __name__, url_prefix="/api/v1/admin",
                description="运营：题库与考试")


def exam():
    return rpc_pool().exam


# --- 题库 ------------------------------------------------------------------------------

@blp.route("/courses/<int:course_id>/questions", methods=["GET"], endpoint="questions")
@blp.arguments(QuestionQuery, location="query")
@blp.response(200, QuestionPage)
@login_required("operator")
def questions(query, course_id):
    """课程题库：按题型、难度、知识点、题干关键字、状态查询"""
    return exam().questions(g.actor, course_id, query)


@blp.route("/courses/<int:course_id>/questions", methods=["POST"], endpoint="add_question")
@blp.arguments(QuestionBody)
@blp.response(201, Question)
@login_required("operator")
def add_question(body, course_id):
    """新增试题"""
    return exam().add_question(g.actor, course_id, body)


@blp.route("/questions/<int:question_id>", methods=["PUT"], endpoint="change_question")
@blp.arguments(QuestionBody)
@blp.response(200, Question)
@login_required("operator")
def change_question(body, question_id):
    """修改试题（已生成的试卷不受影响）"""
    return exam().change_question(g.actor, question_id, body)


@blp.route("/questions/<int:question_id>/status", methods=["PUT"], endpoint="question_status")
@blp.arguments(QuestionStatusBody)
@blp.response(200, Question)
@login_required("operator")
def question_status(body, question_id):
    """停用或启用试题（停用的试题不再被抽入新试卷）"""
    return exam().retire_question(g.actor, question_id, body["active"])


@blp.route("/question-import-template", methods=["GET"], endpoint="question_template")
@blp.response(200, ExamLink)
@login_required("operator")
def question_template():
    """题库导入模板（.xlsx：表头、示例行、下拉选项、填写说明）"""
    return exam().question_template(g.actor)


@blp.route("/courses/<int:course_id>/questions/export", methods=["GET"],
           endpoint="export_questions")
@blp.response(200, ExamLink)
@login_required("operator")
def export_questions(course_id):
    """导出课程题库（与导入模板相同的列，可修改后再导入）"""
    return exam().export_questions(g.actor, course_id)


@blp.route("/courses/<int:course_id>/question-imports", methods=["POST"],
           endpoint="start_question_import")
@blp.arguments(QuestionUpload, location="files")
@blp.response(202, QuestionImport)
@login_required("operator")
def start_question_import(files, course_id):
    """题库导入：上传按模板填写的 .xlsx（最多5,000行）；后台导入，凭 job_id 查询进度与失败信息"""
    key = f"exam/uploads/{uuid.uuid4().hex}.xlsx"
    store_upload(key, files["file"].stream)
    return exam().start_question_import(g.actor, course_id, key, files["file"].filename)


@blp.route("/question-imports/<int:job_id>", methods=["GET"], endpoint="question_import")
@blp.response(200, QuestionImport)
@login_required("operator")
def question_import(job_id):
    """题库导入的进度与结果：导入数、失败数、失败信息表（每行原因）的下载链接"""
    return exam().question_import_status(g.actor, job_id)


# --- 考试 ------------------------------------------------------------------------------

@blp.route("/exams", methods=["GET"], endpoint="exams")
@blp.arguments(ExamQuery, location="query")
@blp.response(200, ExamPage)
@login_required("operator")
def exams(query):
    """考试列表"""
    return exam().exams(g.actor, query)


@blp.route("/exams", methods=["POST"], endpoint="define_exam")
@blp.arguments(ExamBody)
@blp.response(201, Exam)
@login_required("operator")
def define_exam(body):
    """新建考试（未发布）：试卷规则按题库检查"""
    return exam().define_exam(g.actor, ExamBody().dump(body))


@blp.route("/exams/<int:exam_id>", methods=["GET"], endpoint="exam")
@blp.response(200, Exam)
@login_required("operator")
def exam_detail(exam_id):
    """考试详情"""
    return exam().exam(g.actor, exam_id)


@blp.route("/exams/<int:exam_id>", methods=["PUT"], endpoint="change_exam")
@blp.arguments(ExamBody)
@blp.response(200, Exam)
@login_required("operator")
def change_exam(body, exam_id):
    """修改考试（对此后开始的考试生效）"""
    return exam().change_exam(g.actor, exam_id, ExamBody().dump(body))


@blp.route("/exams/<int:exam_id>/publication", methods=["POST"], endpoint="publish_exam")
@blp.response(200, Exam)
@login_required("operator")
def publish_exam(exam_id):
    """发布考试：已满足条件的学员即可参加"""
    return exam().publish_exam(g.actor, exam_id)


@blp.route("/exams/<int:exam_id>/closure", methods=["POST"], endpoint="close_exam")
@blp.response(200, Exam)
@login_required("operator")
def close_exam(exam_id):
    """关闭考试：不能再开始新的考试，进行中的到时交卷"""
    return exam().close_exam(g.actor, exam_id)


@blp.route("/exams/<int:exam_id>/attempts", methods=["GET"], endpoint="exam_attempts")
@blp.arguments(AttemptQuery, location="query")
@blp.response(200, AttemptRecordPage)
@login_required("operator")
def exam_attempts(query, exam_id):
    """考试记录：考生、开始与交卷时间、交卷方式、得分、失去焦点次数"""
    return exam().exam_attempts(g.actor, exam_id, query)


@blp.route("/attempts/<int:attempt_id>", methods=["GET"], endpoint="attempt_log")
@blp.response(200, AttemptLog)
@login_required("operator")
def attempt_log(attempt_id):
    """一次考试的过程记录：开始、继续、保存、失去焦点、交卷"""
    return exam().attempt_log(g.actor, attempt_id)
