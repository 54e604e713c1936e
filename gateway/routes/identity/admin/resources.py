"""Admins' routes answered by identity (/api/v1/admin): learners (学员管理), roles and
admins of the admin's own unit, personnel info-change reviews, subordinate units' admins."""
import uuid

from flask import g
from gateway.blueprint import Blueprint

from ....auth import login_required
from ....files import store_upload
from services.identity.contracts import (AddAdminBody, AddLearnerBody, LearnerQuery,
                                         PersonChangeQuery, RoleBody, RolePatch)

from ....rpc import rpc_pool
from .schemas import (AddedLearner, Admin, AdminRemoved, AdminStatusBody, BatchQueryBody,
                      BatchQueryResult, ExportLink,
                      ImportFile, ImportForm, ImportStarted, ImportStatus, Learner, LearnerPage,
                      PasswordResetDone, PersonChangeDecisionBody,
                      PersonChangeDecisionResult, PersonChangePage, Role, UnitAdmins)

blp = Blueprint("identity_admin", __name__, url_prefix="/api/v1/admin",
                description="管理员：学员、角色与管理员、人员信息变更")


@blp.route("/learners/<int:user_id>/password-reset", methods=["POST"],
           endpoint="reset_learner_password")
@blp.response(200, PasswordResetDone)
@login_required("admin", "operator")
def reset_learner_password(user_id):
    """重置专技人员密码为证件号码后六位，下次登录须修改（限管辖范围内）"""
    return rpc_pool().identity.reset_learner_password(g.actor, user_id)


@blp.route("/learners", methods=["GET"], endpoint="learners")
@blp.arguments(LearnerQuery, location="query")
@blp.response(200, LearnerPage)
@login_required("admin", "operator")
def learners(query):
    """学员管理：查询管辖范围内的专技人员（分页、排序；证件号码与手机号脱敏）"""
    return rpc_pool().identity.search_learners(g.actor, query)


@blp.route("/learners/export", methods=["GET"], endpoint="export_learners")
@blp.arguments(LearnerQuery, location="query")
@blp.response(200, ExportLink)
@login_required("admin", "operator")
def export_learners(query):
    """学员管理 › 导出 Excel：按查询条件导出（证件号码与手机号按角色权限脱敏）"""
    query.pop("page", None), query.pop("page_size", None)
    return rpc_pool().identity.export_learners(g.actor, query)


@blp.route("/learners/import-template", methods=["GET"], endpoint="import_template")
@blp.response(200, ExportLink)
@login_required("admin", "operator")
def import_template():
    """批量导入模板（.xlsx：表头、示例行、下拉选项）"""
    return rpc_pool().identity.import_template(g.actor)


@blp.route("/learners/imports", methods=["POST"], endpoint="start_import")
@blp.arguments(ImportForm, location="form")
@blp.arguments(ImportFile, location="files")
@blp.response(202, ImportStarted)
@login_required("admin", "operator")
def start_import(form, files):
    """批量导入：上传按模板填写的 .xlsx（最多50,000行）；导入在后台进行，凭 import_id 查询结果"""
    upload = files["file"]
    key = f"uploads/{uuid.uuid4().hex}.xlsx"
    store_upload(key, upload.stream)
    return rpc_pool().identity.start_import(g.actor, form["org_id"], key, upload.filename)


@blp.route("/learners/imports/<int:import_id>", methods=["GET"], endpoint="import_status")
@blp.response(200, ImportStatus)
@login_required("admin", "operator")
def import_status(import_id):
    """导入结果：导入与失败行数，失败信息表（含每行原因）的下载链接"""
    return rpc_pool().identity.import_status(g.actor, import_id)


@blp.route("/learners", methods=["POST"], endpoint="add_learner")
@blp.arguments(AddLearnerBody)
@blp.response(201, AddedLearner)
@login_required("admin", "operator")
def add_learner(body):
    """学员管理 › 添加：初始密码为证件号码后六位，首次登录须修改"""
    return rpc_pool().identity.add_learner(g.actor, body)


@blp.route("/learners/batch-query", methods=["POST"], endpoint="batch_query_learners")
@blp.arguments(BatchQueryBody)
@blp.response(200, BatchQueryResult)
@login_required("admin", "operator")
def batch_query_learners(body):
    """批量导入查询：按用户名或证件号码批量查询管辖范围内的学员"""
    return rpc_pool().identity.batch_query_learners(g.actor, body["by"], body["values"])


@blp.route("/learners/<int:user_id>", methods=["GET"], endpoint="learner")
@blp.response(200, Learner)
@login_required("admin", "operator")
def learner(user_id):
    """管辖范围内一名专技人员的信息"""
    return rpc_pool().identity.get_learner(g.actor, user_id)


# --- roles and admins of the admin's own org (super admins) ------------------

@blp.route("/roles", methods=["GET"], endpoint="roles")
@blp.response(200, Role(many=True))
@login_required("admin")
def roles():
    """角色管理：本单位的角色（权限模块的组合）"""
    return rpc_pool().identity.list_roles(g.actor)


@blp.route("/roles", methods=["POST"], endpoint="create_role")
@blp.arguments(RoleBody)
@blp.response(201, Role)
@login_required("admin")
def create_role(body):
    """新增角色"""
    return rpc_pool().identity.create_role(g.actor, body)


@blp.route("/roles/<int:role_id>", methods=["PATCH"], endpoint="update_role")
@blp.arguments(RolePatch(partial=True))
@blp.response(200, Role)
@login_required("admin")
def update_role(body, role_id):
    """修改角色名称或权限模块"""
    return rpc_pool().identity.update_role(g.actor, role_id, body)


@blp.route("/roles/<int:role_id>", methods=["DELETE"], endpoint="delete_role")
@blp.response(204)
@login_required("admin")
def delete_role(role_id):
    """删除角色（仍有管理员使用时不可删除）"""
    rpc_pool().identity.delete_role(g.actor, role_id)


@blp.route("/admins", methods=["GET"], endpoint="admins")
@blp.response(200, Admin(many=True))
@login_required("admin")
def admins():
    """管理员管理：本单位的管理员"""
    return rpc_pool().identity.list_admins(g.actor)


@blp.route("/admins", methods=["POST"], endpoint="add_admin")
@blp.arguments(AddAdminBody)
@blp.response(201, Admin)
@login_required("admin")
def add_admin(body):
    """新增管理员（三种方式）：已是本系统用户（用户名或证件号码；本单位以外的用户为邀请，状态 invited，对方接受后生效）、本单位人员，或新用户（身份证号登录，初始密码为后六位）"""
    return rpc_pool().identity.add_admin(g.actor, body)


@blp.route("/admins/<int:grant_id>/status", methods=["POST"], endpoint="admin_status")
@blp.arguments(AdminStatusBody)
@blp.response(200, Admin)
@login_required("admin")
def admin_status(body, grant_id):
    """禁用或启用管理员"""
    return rpc_pool().identity.set_admin_status(g.actor, grant_id, body["status"])


@blp.route("/admins/<int:grant_id>", methods=["DELETE"], endpoint="remove_admin")
@blp.response(204)
@login_required("admin")
def remove_admin(grant_id):
    """删除管理员权限（此后不能再以本单位管理员登录）；对待接受的邀请即撤回邀请"""
    rpc_pool().identity.set_admin_status(g.actor, grant_id, "revoked")


@blp.route("/admins/<int:grant_id>/super", methods=["POST"], endpoint="make_super_admin")
@blp.response(200, Admin)
@login_required("admin")
def make_super_admin(grant_id):
    """设为超级管理员（原超级管理员随即不再是超级管理员）"""
    return rpc_pool().identity.make_super_admin(g.actor, grant_id)


@blp.route("/admins/<int:grant_id>/password-reset", methods=["POST"],
           endpoint="reset_admin_password")
@blp.response(200, PasswordResetDone)
@login_required("admin")
def reset_admin_password(grant_id):
    """重置管理员密码为证件号码后六位，下次登录须修改"""
    return rpc_pool().identity.reset_admin_password(g.actor, grant_id)


# --- 人员信息变更审核 (identity) ----------------------------------------------------

@blp.route("/person-change-reviews", methods=["GET"], endpoint="person_change_reviews")
@blp.arguments(PersonChangeQuery, location="query")
@blp.response(200, PersonChangePage)
@login_required("admin", "operator")
def person_change_reviews(query):
    """审核人员信息变更：管辖范围内的姓名、证件等修改申请（含修改前后对照）"""
    return rpc_pool().identity.person_change_reviews(g.actor, query)


@blp.route("/person-change-reviews/decisions", methods=["POST"],
           endpoint="decide_person_changes")
@blp.arguments(PersonChangeDecisionBody)
@blp.response(200, PersonChangeDecisionResult)
@login_required("admin", "operator")
def decide_person_changes(body):
    """批量通过 / 驳回人员信息变更（驳回须填写原因）"""
    return rpc_pool().identity.decide_person_changes(g.actor, body["change_ids"],
                                                     body["decision"], body["reason"])


# --- 下级单位的管理员 --------------------------------------------------------------

@blp.route("/subordinate-units/<int:org_id>/admins", methods=["GET"],
           endpoint="subordinate_admins")
@blp.response(200, UnitAdmins)
@login_required("admin", "operator")
def subordinate_admins(org_id):
    """下级单位的管理员详情"""
    return rpc_pool().identity.subordinate_admins(g.actor, org_id)


@blp.route("/subordinate-units/<int:org_id>/admins/<int:grant_id>", methods=["DELETE"],
           endpoint="remove_subordinate_admin")
@blp.response(200, AdminRemoved)
@login_required("admin", "operator")
def remove_subordinate_admin(org_id, grant_id):
    """删除下级单位管理员（移除权限）：该管理员不能再以此单位登录"""
    return rpc_pool().identity.remove_subordinate_admin(g.actor, org_id, grant_id)
