"""Admins' org routes (orgtree): unit registrations to review, info and parent changes,
subordinate units and training institutions."""
from flask import g
from flask_smorest import Blueprint

from ...auth import login_required
from ...rpc import rpc_pool
from .schemas import (OrgDecisionBody, OrgDecisionResult, OrgRegistrationPage,
                      OrgRegistrationQuery)

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
