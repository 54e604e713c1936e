"""Routes of the operator (plans, courses, chapters and videos, moderation, certificates)
and of admins (a learner's archive within the jurisdiction), answered by learning."""
import uuid

from flask import g
from gateway.blueprint import Blueprint

from services.learning.contracts import (AnswerBody, ChapterBody, CourseBody, CourseQuery,
                                         ModerationBody, OfflineRecordBody, PlanBody, PlanQuery,
                                         PostQuery, RevokeBody)

from ....auth import login_required
from ....files import store_upload
from ....rpc import rpc_pool
from ..shapes import (Archive, CertificateView, Chapter, Course, Link, Plan, PlanRecord,
                      Post)
from .schemas import (CertificatePage, CertificateQuery, CourseImport, CoursePage, ImageKind,
                      ModerationPage, PlanPage, StatusChange, Upload)

blp = Blueprint("learning_admin", __name__, url_prefix="/api/v1/admin",
                description="平台运营：培训计划、课程、审核与证书；管理员：学员学习档案")


def learning():
    return rpc_pool().learning


def upload_key(files, suffix=""):
    key = f"learning/uploads/{uuid.uuid4().hex}{suffix}"
    store_upload(key, files["file"].stream)
    return key


# --- 培训计划 -------------------------------------------------------------------

@blp.route("/plans", methods=["GET"], endpoint="plans")
@blp.arguments(PlanQuery, location="query")
@blp.response(200, PlanPage)
@login_required("operator")
def plans(query):
    """培训计划列表（按年度、状态）"""
    return learning().list_plans(g.actor, query)


@blp.route("/plans", methods=["POST"], endpoint="create_plan")
@blp.arguments(PlanBody)
@blp.response(201, Plan)
@login_required("operator")
def create_plan(body):
    """新建培训计划（未发布）"""
    return learning().create_plan(g.actor, PlanBody().dump(body))


@blp.route("/plans/<int:plan_id>", methods=["GET"], endpoint="plan")
@blp.response(200, Plan)
@login_required("operator")
def plan(plan_id):
    """培训计划详情及课程"""
    return learning().get_plan(g.actor, plan_id)


@blp.route("/plans/<int:plan_id>", methods=["PUT"], endpoint="update_plan")
@blp.arguments(PlanBody)
@blp.response(200, Plan)
@login_required("operator")
def update_plan(body, plan_id):
    """修改培训计划（已发布的计划只能增加课程）"""
    return learning().update_plan(g.actor, plan_id, PlanBody().dump(body))


@blp.route("/plans/<int:plan_id>/<any(publish, close, reopen):action>", methods=["POST"],
           endpoint="change_plan_status")
@blp.arguments(StatusChange(partial=True))
@blp.response(200, Plan)
@login_required("operator")
def change_plan_status(body, plan_id, action):
    """发布 / 关闭 / 重新开放培训计划"""
    closes_on = body.get("closes_on")
    return learning().change_plan_status(g.actor, plan_id, action,
                                         closes_on.isoformat() if closes_on else None)


# --- 课程 ---------------------------------------------------------------------------

@blp.route("/courses", methods=["GET"], endpoint="courses")
@blp.arguments(CourseQuery, location="query")
@blp.response(200, CoursePage)
@login_required("operator")
def courses(query):
    """课程列表（按名称搜索）"""
    return learning().list_courses(g.actor, query)


@blp.route("/courses", methods=["POST"], endpoint="create_course")
@blp.arguments(CourseBody)
@blp.response(201, Course)
@login_required("operator")
def create_course(body):
    """新建课程"""
    return learning().create_course(g.actor, CourseBody().dump(body))


@blp.route("/courses/import-template", methods=["GET"], endpoint="course_import_template")
@blp.response(200, Link)
@login_required("operator")
def course_import_template():
    """课程导入模板（.xlsx：表头、示例行、填写说明）"""
    return learning().course_import_template(g.actor)


@blp.route("/courses/imports", methods=["POST"], endpoint="start_course_import")
@blp.arguments(Upload, location="files")
@blp.response(202, CourseImport)
@login_required("operator")
def start_course_import(files):
    """课程导入：上传按模板填写的 .xlsx（最多5,000行）；在后台导入，凭 job_id 查询进度与失败信息"""
    upload = files["file"]
    return learning().start_course_import(g.actor, upload_key(files, ".xlsx"), upload.filename)


@blp.route("/courses/imports/<int:job_id>", methods=["GET"], endpoint="course_import_status")
@blp.response(200, CourseImport)
@login_required("operator")
def course_import_status(job_id):
    """课程导入的进度与结果：导入数、失败数、失败信息表（每行原因）的下载链接"""
    return learning().course_import_status(g.actor, job_id)


@blp.route("/courses/<int:course_id>", methods=["GET"], endpoint="course")
@blp.response(200, Course)
@login_required("operator")
def course(course_id):
    """课程详情及章节"""
    return learning().get_course(g.actor, course_id)


@blp.route("/courses/<int:course_id>", methods=["PUT"], endpoint="update_course")
@blp.arguments(CourseBody)
@blp.response(200, Course)
@login_required("operator")
def update_course(body, course_id):
    """修改课程"""
    return learning().update_course(g.actor, course_id, CourseBody().dump(body))


@blp.route("/courses/<int:course_id>/images", methods=["POST"], endpoint="upload_course_image")
@blp.arguments(ImageKind, location="form")
@blp.arguments(Upload, location="files")
@blp.response(200, Course)
@login_required("operator")
def upload_course_image(form, files, course_id):
    """上传课程封面或讲师照片（JPG / PNG，不超过2MB）"""
    return learning().attach_image(g.actor, course_id, form["what"], upload_key(files))


@blp.route("/courses/<int:course_id>/chapters", methods=["POST"], endpoint="add_chapter")
@blp.arguments(ChapterBody)
@blp.response(201, Chapter)
@login_required("operator")
def add_chapter(body, course_id):
    """新增章节"""
    return learning().add_chapter(g.actor, course_id, body)


@blp.route("/chapters/<int:chapter_id>", methods=["PUT"], endpoint="update_chapter")
@blp.arguments(ChapterBody)
@blp.response(200, Chapter)
@login_required("operator")
def update_chapter(body, chapter_id):
    """修改章节名称"""
    return learning().update_chapter(g.actor, chapter_id, body)


@blp.route("/chapters/<int:chapter_id>/video", methods=["POST"], endpoint="upload_video")
@blp.arguments(Upload, location="files")
@blp.response(200, Chapter)
@login_required("operator")
def upload_video(files, chapter_id):
    """上传章节视频（MP4/H.264 或 WebM/VP9；按内容核验，时长从文件读取，自动截取试看片段）"""
    return learning().attach_video(g.actor, chapter_id, upload_key(files))


# --- 审核：讨论与问答 -----------------------------------------------------------------

@blp.route("/posts", methods=["GET"], endpoint="posts")
@blp.arguments(PostQuery, location="query")
@blp.response(200, ModerationPage)
@login_required("operator")
def posts(query):
    """讨论与问答的审核列表（问答中未回答的在前）"""
    return learning().moderation_list(g.actor, query)


@blp.route("/posts/<int:post_id>/moderation", methods=["POST"], endpoint="moderate_post")
@blp.arguments(ModerationBody)
@blp.response(200, Post)
@login_required("operator")
def moderate_post(body, post_id):
    """隐藏或恢复一条讨论、回复或提问"""
    return learning().moderate_post(g.actor, post_id, body)


@blp.route("/posts/<int:post_id>/answer", methods=["POST"], endpoint="answer_question")
@blp.arguments(AnswerBody)
@blp.response(200, Post)
@login_required("operator")
def answer_question(body, post_id):
    """代讲师回答问题"""
    return learning().answer_question(g.actor, post_id, body)


# --- 证书 ---------------------------------------------------------------------------

@blp.route("/certificates", methods=["GET"], endpoint="certificates")
@blp.arguments(CertificateQuery, location="query")
@blp.response(200, CertificatePage)
@login_required("operator")
def certificates(query):
    """已签发的证书（按证书编号查询）"""
    return learning().list_certificates(g.actor, query)


@blp.route("/certificates/<code>/revocation", methods=["POST"], endpoint="revoke_certificate")
@blp.arguments(RevokeBody)
@blp.response(200, CertificateView)
@login_required("operator")
def revoke_certificate(body, code):
    """撤销证书（验证页随即显示已撤销及原因）"""
    return learning().revoke_certificate(g.actor, code[:40], body)


# --- 学员学习档案（管理员，限管辖范围） ----------------------------------------------------

@blp.route("/learners/<int:user_id>/archive", methods=["GET"], endpoint="learner_archive")
@blp.response(200, Archive)
@login_required("admin", "operator")
def learner_archive(user_id):
    """学员管理 › 查看档案：学员的学习档案（限管辖范围内）"""
    return learning().learner_archive(g.actor, user_id)


@blp.route("/learners/<int:user_id>/archive/<int:enrolment_id>", methods=["GET"],
           endpoint="learner_plan_record")
@blp.response(200, PlanRecord)
@login_required("admin", "operator")
def learner_plan_record(user_id, enrolment_id):
    """学员一个培训计划的档案详情"""
    return learning().learner_plan_record(g.actor, user_id, enrolment_id)


@blp.route("/learners/<int:user_id>/offline-records", methods=["POST"],
           endpoint="add_offline_record")
@blp.arguments(OfflineRecordBody)
@blp.response(201, Archive)
@login_required("admin", "operator")
def add_offline_record(body, user_id):
    """录入线下档案（平台外取得的学时）"""
    return learning().add_offline_record(g.actor, user_id, OfflineRecordBody().dump(body))
