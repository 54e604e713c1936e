import uuid

from flask import g
from flask_smorest import Blueprint

from ...auth import login_required
from ...files import store_upload
from ...rpc import rpc_pool
from .schemas import (AddAdminBody, DepartmentList, DepartmentQuery, AddedLearner, AddLearnerBody, Admin, AdminStatusBody,
                      AuditPage, AuditQuery, BatchQueryBody, BatchQueryResult, DecisionBody,
                      DepartmentBody, DepartmentPatch, MoveBody, MoveResult, Org,
                      DecisionResult, ExportLink, ImportFile, ImportForm, ImportStarted,
                      ImportStatus, Learner, LearnerPage, LearnerQuery, MemberReviewPage,
                      PasswordResetDone, ReviewQuery, Role, RoleBody, RolePatch, Transfer,
                      TransferDecisionBody, TransferOutBody, TransferPage, TransferQuery)

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="管理员")


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


@blp.route("/learners/<int:user_id>/archive", methods=["GET"], endpoint="learner_archive")
@login_required("admin", "operator")
def learner_archive(user_id):
    """查看学习档案（学习模块上线前如实答复暂无档案）"""
    return rpc_pool().identity.learner_archive(g.actor, user_id)


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
@blp.arguments(RolePatch)
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
    """新增管理员（三种方式）：已是本系统用户（用户名或证件号码）、本单位人员，或新用户（身份证号登录，初始密码为后六位）"""
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
    """删除管理员权限（此后不能再以本单位管理员登录）"""
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


# --- reviews and the audit log (orgtree) -------------------------------------

@blp.route("/member-reviews", methods=["GET"], endpoint="member_reviews")
@blp.arguments(ReviewQuery, location="query")
@blp.response(200, MemberReviewPage)
@login_required("admin", "operator")
def member_reviews(query):
    """审核注册人员：管辖范围内待审核（或已审核）的人员注册"""
    return rpc_pool().orgtree.member_reviews(g.actor, query)


@blp.route("/member-reviews/decisions", methods=["POST"], endpoint="decide_members")
@blp.arguments(DecisionBody)
@blp.response(200, DecisionResult)
@login_required("admin", "operator")
def decide_members(body):
    """批量审核：通过或不通过（须填写原因）"""
    return rpc_pool().orgtree.decide_members(g.actor, body["membership_ids"], body["decision"],
                                             body["reason"])


@blp.route("/audit-log", methods=["GET"], endpoint="audit_log")
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditPage)
@login_required("admin", "operator")
def audit_log(query):
    """操作记录：本单位及下级单位管理员的审核与管理操作"""
    return rpc_pool().orgtree.audit_log(g.actor, query["page"], query["page_size"])


@blp.route("/transfers", methods=["POST"], endpoint="transfer_out")
@blp.arguments(TransferOutBody)
@blp.response(201, Transfer)
@login_required("admin", "operator")
def transfer_out(body):
    """人员调出：指定调入单位，待调入单位确认"""
    return rpc_pool().orgtree.transfer_out(g.actor, body["user_id"], body["to_org_id"],
                                           body["note"])


@blp.route("/transfers", methods=["GET"], endpoint="transfer_records")
@blp.arguments(TransferQuery, location="query")
@blp.response(200, TransferPage)
@login_required("admin", "operator")
def transfer_records(query):
    """调入记录 / 调出记录"""
    return rpc_pool().orgtree.transfer_records(g.actor, query["direction"], query["status"],
                                               query["page"])


@blp.route("/transfers/<int:transfer_id>/decision", methods=["POST"],
           endpoint="decide_transfer")
@blp.arguments(TransferDecisionBody)
@blp.response(200, Transfer)
@login_required("admin", "operator")
def decide_transfer(body, transfer_id):
    """人员调入确认：接收或拒绝（须填写原因）"""
    return rpc_pool().orgtree.decide_transfer(g.actor, transfer_id, body["decision"],
                                              body["reason"])


@blp.route("/departments", methods=["GET"], endpoint="departments")
@blp.arguments(DepartmentQuery, location="query")
@blp.response(200, DepartmentList)
@login_required("admin", "operator")
def departments(query):
    """内设部门：本单位（或管辖范围内某单位、某部门）下的部门，含已停用的"""
    return rpc_pool().orgtree.departments(g.actor, query["parent_id"])


@blp.route("/departments", methods=["POST"], endpoint="add_department")
@blp.arguments(DepartmentBody)
@blp.response(201, Org)
@login_required("admin", "operator")
def add_department(body):
    """新增内设部门（或下级部门）"""
    return rpc_pool().orgtree.add_department(g.actor, body["name"], body["parent_id"])


@blp.route("/departments/<int:org_id>", methods=["PATCH"], endpoint="change_department")
@blp.arguments(DepartmentPatch)
@blp.response(200, Org)
@login_required("admin", "operator")
def change_department(body, org_id):
    """修改内设部门名称，或停用、启用"""
    return rpc_pool().orgtree.change_department(g.actor, org_id, body.get("name"),
                                                body.get("status"))


@blp.route("/learners/moves", methods=["POST"], endpoint="move_learners")
@blp.arguments(MoveBody)
@blp.response(200, MoveResult)
@login_required("admin", "operator")
def move_learners(body):
    """调整组织机构：在管辖范围内把学员调整到另一单位（立即生效，记入调动记录）"""
    return rpc_pool().orgtree.move_members(g.actor, body["user_ids"], body["to_org_id"])
