"""Admins' org routes (orgtree): unit registrations to review, info and parent changes,
subordinate units and training institutions."""
from flask import g
from flask_smorest import Blueprint

from ...auth import login_required
from ...rpc import rpc_pool
from .schemas import (ChangeDecisionBody, ChangeDecisionResult, ChangeRecordsQuery,
                      ChangeReviewQuery, OrgInfoChangeBody, MoveOrgBody, MyOrgPatch, OrgChange,
                      OrgChangePage, OrgDecisionBody, OrgDecisionResult, OrgMoved,
                      OrgRegistration, OrgRegistrationPage, OrgRegistrationQuery,
                      ParentChangeBody, PersonChangePage, PersonChangeQuery, AdminRemoved,
                      SubordinatePage, SubordinateQuery, UnitAdmins)

blp = Blueprint("org_admin", __name__, url_prefix="/api/v1/admin", description="管理员：单位")


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
    return rpc_pool().orgtree.org_change_records(g.actor, query["org_id"], query["page"])


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
@blp.arguments(ChangeDecisionBody)
@blp.response(200, ChangeDecisionResult)
@login_required("admin", "operator")
def decide_person_changes(body):
    """批量通过 / 驳回人员信息变更（驳回须填写原因）"""
    return rpc_pool().identity.decide_person_changes(g.actor, body["change_ids"],
                                                     body["decision"], body["reason"])


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
