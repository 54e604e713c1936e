"""Admins' routes answered by orgtree (/api/v1/admin): unit registrations to review, the
admin's own unit and its info and parent changes, subordinate units and training
institutions, member reviews, transfers, departments, the audit log; the operator's
direct re-parenting of a unit."""
from flask import g
from gateway.blueprint import Blueprint

from ....auth import login_required
from services.orgtree.contracts import (AuditQuery, ChangeReviewQuery, MemberReviewQuery,
                                        MyOrgPatch, OrgInfoChangeBody, OrgRegistrationQuery,
                                        SubordinateQuery)

from ....rpc import rpc_pool
from .schemas import (AuditPage, ChangeDecisionBody, ChangeDecisionResult,
                      ChangeRecordsQuery, DecisionBody, DecisionResult, DepartmentBody,
                      DepartmentList, DepartmentPatch, DepartmentQuery, MemberReviewPage,
                      MoveBody, MoveOrgBody, MoveResult, Org, OrgChange, OrgChangePage,
                      OrgDecisionBody, OrgDecisionResult, OrgMoved, OrgRegistration,
                      OrgRegistrationPage, ParentChangeBody, SubordinatePage, Transfer,
                      TransferDecisionBody, TransferOutBody, TransferPage, TransferQuery)

blp = Blueprint("orgtree_admin", __name__, url_prefix="/api/v1/admin",
                description="管理员：单位、人员审核与调动、操作记录")


@blp.route("/org-registrations", methods=["GET"], endpoint="org_registrations")
@blp.arguments(OrgRegistrationQuery, location="query")
@blp.response(200, OrgRegistrationPage)
@login_required("admin", "operator")
def org_registrations(query):
    """审核用人单位 / 审核继续教育基地：管辖范围内的单位注册（按名称、级别查询）"""
    return rpc_pool().orgtree.org_registrations(g.actor, query)


@blp.route("/org-registrations/decisions", methods=["POST"], endpoint="decide_org_registrations")
@blp.arguments(OrgDecisionBody)
@blp.response(200, OrgDecisionResult)
@login_required("admin", "operator")
def decide_org_registrations(body):
    """批量通过 / 驳回单位注册（驳回须填写原因）"""
    return rpc_pool().orgtree.decide_org_registrations(
        g.actor, body["org_ids"], body["decision"], body["reason"], body["confirm_code_warning"])


# --- 基本信息修改 / 修改单位信息 / 更换上级部门 / 变更记录 ---------------------------------

@blp.route("/org", methods=["GET"], endpoint="my_org")
@blp.response(200, OrgRegistration)
@login_required("admin")
def my_org():
    """本单位基本信息"""
    return rpc_pool().orgtree.my_org(g.actor)


@blp.route("/org", methods=["PATCH"], endpoint="update_my_org")
@blp.arguments(MyOrgPatch)
@blp.response(200, OrgRegistration)
@login_required("admin")
def update_my_org(body):
    """修改联系方式、地址与人员注册审核设置（即时生效）"""
    return rpc_pool().orgtree.update_my_org(g.actor, body)


@blp.route("/org/changes", methods=["POST"], endpoint="request_org_info_change")
@blp.arguments(OrgInfoChangeBody)
@blp.response(201, OrgChange)
@login_required("admin")
def request_org_info_change(body):
    """修改单位信息（名称、代码）：经上级单位审核后生效；本单位及下级有待审核信息时不能提交"""
    return rpc_pool().orgtree.request_org_info_change(g.actor, body)


@blp.route("/org/parent-changes", methods=["POST"], endpoint="request_parent_change")
@blp.arguments(ParentChangeBody)
@blp.response(201, OrgChange)
@login_required("admin")
def request_parent_change(body):
    """更换上级部门：经原上级与新上级管理员审核通过后生效"""
    return rpc_pool().orgtree.request_parent_change(g.actor, body["parent_id"])


@blp.route("/org/changes", methods=["GET"], endpoint="org_change_records")
@blp.arguments(ChangeRecordsQuery, location="query")
@blp.response(200, OrgChangePage)
@login_required("admin", "operator")
def org_change_records(query):
    """变更记录：本单位（或管辖范围内某单位）的全部修改申请"""
    return rpc_pool().orgtree.org_change_records(g.actor, query["org_id"], query["page"],
                                                 query["page_size"])


@blp.route("/org/changes/<int:change_id>/withdrawal", methods=["POST"],
           endpoint="withdraw_org_change")
@blp.response(200, OrgChange)
@login_required("admin")
def withdraw_org_change(change_id):
    """撤销审核中的修改申请"""
    return rpc_pool().orgtree.withdraw_org_change(g.actor, change_id)


@blp.route("/org-change-reviews", methods=["GET"], endpoint="org_change_reviews")
@blp.arguments(ChangeReviewQuery, location="query")
@blp.response(200, OrgChangePage)
@login_required("admin", "operator")
def org_change_reviews(query):
    """待本单位审核的下级单位信息修改与上级变更（含修改前后对照）"""
    return rpc_pool().orgtree.org_change_reviews(g.actor, query)


@blp.route("/org-change-reviews/decisions", methods=["POST"], endpoint="decide_org_changes")
@blp.arguments(ChangeDecisionBody)
@blp.response(200, ChangeDecisionResult)
@login_required("admin", "operator")
def decide_org_changes(body):
    """批量通过 / 驳回单位信息修改与上级变更（驳回须填写原因）"""
    return rpc_pool().orgtree.decide_org_changes(g.actor, body["change_ids"], body["decision"],
                                                 body["reason"])


@blp.route("/orgs/<int:org_id>/move", methods=["POST"], endpoint="move_org")
@blp.arguments(MoveOrgBody)
@blp.response(200, OrgMoved)
@login_required("operator")
def move_org(body, org_id):
    """平台运营：直接调整单位隶属关系（整棵下级一并调整）"""
    return rpc_pool().orgtree.move_org(g.actor, org_id, body["parent_id"])


# --- 管理下级单位 / 管理施教机构 ------------------------------------------------------

@blp.route("/subordinate-units", methods=["GET"], endpoint="subordinate_units")
@blp.arguments(SubordinateQuery, location="query")
@blp.response(200, SubordinatePage)
@login_required("admin", "operator")
def subordinate_units(query):
    """管理下级单位：下级主管部门、用人单位、继续教育基地的注册信息"""
    return rpc_pool().orgtree.subordinate_units(g.actor, query)


@blp.route("/training-institutions", methods=["GET"], endpoint="training_institutions")
@blp.arguments(SubordinateQuery, location="query")
@blp.response(200, SubordinatePage)
@login_required("admin", "operator")
def training_institutions(query):
    """管理施教机构：下属继续教育基地的注册信息（按名称、级别查询）"""
    return rpc_pool().orgtree.subordinate_units(g.actor, query | {"type": "training_institution"})


# --- 审核注册人员、操作记录、人员调动、内设部门 ------------------------------------------

@blp.route("/member-reviews", methods=["GET"], endpoint="member_reviews")
@blp.arguments(MemberReviewQuery, location="query")
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
                                               query["page"], query["page_size"])


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
