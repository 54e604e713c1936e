"""The learner's routes answered by learning (/api/v1/me): 我的课程 and plans, electives,
course pages and the player (playback sessions, heartbeats onto the bus), notes,
discussions and questions, 我的档案 and certificates."""
from flask import current_app, g, jsonify, request
from gateway.blueprint import Blueprint

from services.common.contracts import PageQuery
from services.common.schema import load
from services.learning.contracts import (ElectiveQuery, Heartbeat, MyPlansQuery, NoteBody,
                                         NotePatch, PlaybackStart, PostBody, QuoteBody)

from ....auth import login_required
from ....heartbeats import accept
from ....rpc import rpc_pool
from ..shapes import Archive, Link, PlanRecord, Post, PostPage
from .schemas import (CertificateLink, ElectivePage, HeartbeatAccepted, LearnerCourse, MyPlans,
                      Note, NoteDeleted, NotePage, NotesQuery, LearnerPlanPage, Playback,
                      PlaybackStatus, Preview, Quote)

blp = Blueprint("learning_me", __name__, url_prefix="/api/v1/me", description="学员：培训计划与学习")


def learning():
    return rpc_pool().learning


@blp.route("/plans", methods=["GET"], endpoint="my_plans")
@blp.arguments(MyPlansQuery, location="query")
@blp.response(200, MyPlans)
@login_required("learner")
def my_plans(query):
    """我的课程：按标签（全部 / 本年度公需课 / 补学计划 / 专业科目 / 历史课程）列出培训计划"""
    return learning().my_plans(g.actor, query)


@blp.route("/plans/<int:plan_id>", methods=["GET"], endpoint="plan_page")
@blp.response(200, LearnerPlanPage)
@login_required("learner")
def plan_page(plan_id):
    """培训计划：考核学时与已选学时、已选课程及学习进度"""
    return learning().plan_page(g.actor, plan_id)


@blp.route("/plans/<int:plan_id>/activation", methods=["POST"], endpoint="activate_plan")
@blp.response(200, LearnerPlanPage)
@login_required("learner")
def activate_plan(plan_id):
    """去激活：激活培训计划，必修课自动选入（免费）"""
    return learning().activate_plan(g.actor, plan_id)


@blp.route("/plans/<int:plan_id>/electives", methods=["GET"], endpoint="electives")
@blp.arguments(ElectiveQuery, location="query")
@blp.response(200, ElectivePage)
@login_required("learner")
def electives(query, plan_id):
    """选修课：按课程名搜索，含价格与是否已购买"""
    return learning().electives(g.actor, plan_id, query)


@blp.route("/plans/<int:plan_id>/quote", methods=["POST"], endpoint="quote")
@blp.arguments(QuoteBody(partial=("plan_id",)))
@blp.response(200, Quote)
@login_required("learner")
def quote(body, plan_id):
    """所选课程的价格（分）与缴费截止日期：已截止、不在参训范围或已购买时说明原因"""
    return learning().quote(g.actor, plan_id, body.get("course_ids") or [])


@blp.route("/courses/<int:course_id>", methods=["GET"], endpoint="learner_course")
@blp.response(200, LearnerCourse)
@login_required("learner")
def learner_course(course_id):
    """课程详情：讲师、目录（章节）及每节的学习进度和上次位置"""
    return learning().learner_course(g.actor, course_id)


@blp.route("/courses/<int:course_id>/preview", methods=["GET"], endpoint="course_preview")
@blp.response(200, Preview)
@login_required("learner")
def course_preview(course_id):
    """试看：课程开头几分钟（单独的视频文件）"""
    return learning().course_preview(g.actor, course_id)


@blp.route("/playbacks", methods=["POST"], endpoint="start_playback")
@blp.arguments(PlaybackStart)
@blp.response(201, Playback)
@login_required("learner")
def start_playback(body):
    """开始学习一节：继续学习（上次位置）或重新学习；其他设备上的学习随之停止计时"""
    return learning().start_playback(g.actor, body["chapter_id"], body["mode"])


@blp.route("/playbacks/<session_id>", methods=["GET"], endpoint="playback_status")
@blp.response(200, PlaybackStatus)
@login_required("learner")
def playback_status(session_id):
    """服务器计入的学习进度，以及本次播放是否仍在计时"""
    return learning().playback_status(g.actor, session_id[:36])


HEARTBEAT = Heartbeat()


@blp.route("/heartbeats", methods=["POST"], endpoint="heartbeat")
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": Heartbeat}}},
         responses={"202": {"description": "Accepted", "content": {
             "application/json": {"schema": HeartbeatAccepted}}}})
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@login_required("learner")
def heartbeat():
    """播放心跳（play / tick / pause / seek / end / hidden）：直接进入消息队列，由服务器按规则计入学习时长"""
    # The hottest route: the same contract, checked without webargs' and the response
    # schema's machinery (a third of the route's time); the same problem+json on a bad body.
    body = load(HEARTBEAT, request.get_json(silent=True))
    answer = accept(g.actor, body, current_app.extensions["clock"].now())
    return jsonify(answer), 202


@blp.route("/notes", methods=["GET"], endpoint="my_notes")
@blp.arguments(NotesQuery, location="query")
@blp.response(200, NotePage)
@login_required("learner")
def my_notes(query):
    """我的笔记：全部课程的笔记，最新的在前"""
    course_id = query.pop("course_id", None)
    return learning().my_notes(g.actor, query, course_id)


@blp.route("/courses/<int:course_id>/notes", methods=["POST"], endpoint="add_note")
@blp.arguments(NoteBody)
@blp.response(201, Note)
@login_required("learner")
def add_note(body, course_id):
    """在视频的某个位置记笔记"""
    return learning().add_note(g.actor, course_id, body)


@blp.route("/notes/<int:note_id>", methods=["PATCH"], endpoint="update_note")
@blp.arguments(NotePatch)
@blp.response(200, Note)
@login_required("learner")
def update_note(body, note_id):
    """修改笔记"""
    return learning().update_note(g.actor, note_id, body)


@blp.route("/notes/<int:note_id>", methods=["DELETE"], endpoint="delete_note")
@blp.response(200, NoteDeleted)
@login_required("learner")
def delete_note(note_id):
    """删除笔记"""
    return learning().delete_note(g.actor, note_id)


@blp.route("/courses/<int:course_id>/discussions", methods=["GET"], endpoint="discussions")
@blp.arguments(PageQuery, location="query")
@blp.response(200, PostPage)
@login_required("learner")
def discussions(query, course_id):
    """讨论：课程的讨论主题及回复"""
    return learning().course_posts(g.actor, course_id, "discussion", query)


@blp.route("/courses/<int:course_id>/discussions", methods=["POST"], endpoint="start_discussion")
@blp.arguments(PostBody)
@blp.response(201, Post)
@login_required("learner")
def start_discussion(body, course_id):
    """发起讨论"""
    return learning().add_post(g.actor, course_id, "discussion", body)


@blp.route("/courses/<int:course_id>/discussions/<int:thread_id>/replies", methods=["POST"],
           endpoint="reply_discussion")
@blp.arguments(PostBody)
@blp.response(201, Post)
@login_required("learner")
def reply_discussion(body, course_id, thread_id):
    """回复讨论"""
    return learning().add_post(g.actor, course_id, "discussion", body, thread_id)


@blp.route("/courses/<int:course_id>/questions", methods=["GET"], endpoint="questions")
@blp.arguments(PageQuery, location="query")
@blp.response(200, PostPage)
@login_required("learner")
def questions(query, course_id):
    """问答：向讲师提出的问题及回答"""
    return learning().course_posts(g.actor, course_id, "question", query)


@blp.route("/courses/<int:course_id>/questions", methods=["POST"], endpoint="ask_question")
@blp.arguments(PostBody)
@blp.response(201, Post)
@login_required("learner")
def ask_question(body, course_id):
    """向讲师提问"""
    return learning().add_post(g.actor, course_id, "question", body)


@blp.route("/archive", methods=["GET"], endpoint="my_archive")
@blp.response(200, Archive)
@login_required("learner")
def my_archive():
    """我的档案：本年度与补学计划（我的档案）、往年（历史档案）、线下档案"""
    return learning().my_archive(g.actor)


@blp.route("/archive/<int:enrolment_id>", methods=["GET"], endpoint="my_plan_record")
@blp.response(200, PlanRecord)
@login_required("learner")
def my_plan_record(enrolment_id):
    """查看档案：一个培训计划的学习档案详情"""
    return learning().my_plan_record(g.actor, enrolment_id)


@blp.route("/archive/<int:enrolment_id>/print", methods=["POST"], endpoint="print_plan_record")
@blp.response(200, Link)
@login_required("learner")
def print_plan_record(enrolment_id):
    """打印档案：生成 PDF，返回短期下载链接"""
    return learning().print_plan_record(g.actor, enrolment_id)


@blp.route("/archive/<int:enrolment_id>/certificate", methods=["GET"], endpoint="my_certificate")
@blp.response(200, CertificateLink)
@login_required("learner")
def my_certificate(enrolment_id):
    """打印证书：已签名的证书 PDF 的短期下载链接与验证地址"""
    return learning().my_certificate(g.actor, enrolment_id)
