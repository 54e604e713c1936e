"""The signed-in person's own routes (/api/v1/me), answered by identity: who I am,
profile, password, info changes for review."""
from flask import g
from gateway.blueprint import Blueprint

from services.identity.contracts import InfoChangeBody, ProfilePatch

from ....auth import login_required
from ....rpc import rpc_pool
from ..public.schemas import Tokens
from .schemas import (AdminInvitationAnswer, AdminInvitationList, InfoChange, InfoChangeList, Me,
                      PasswordChange, Profile)

blp = Blueprint("identity_me", __name__, url_prefix="/api/v1/me", description="当前登录人")


@blp.route("", methods=["GET"], endpoint="me")
@blp.response(200, Me)
@login_required()
def me():
    """当前登录人（由登录凭证直接给出，不访问后端服务）"""
    return dict(g.actor, must_change_password=bool(g.claims.get("mcp")))


@blp.route("/profile", methods=["GET"], endpoint="profile")
@blp.response(200, Profile)
@login_required()
def profile():
    """个人资料（图 8.1）"""
    return rpc_pool().identity.get_profile(g.actor)


@blp.route("", methods=["PATCH"], endpoint="update_profile")
@blp.arguments(ProfilePatch(partial=True))
@blp.response(200, Profile)
@login_required()
def update_profile(changes):
    """修改个人资料：联系方式与职称信息直接生效；单位须调动，姓名证件须单位审核"""
    return rpc_pool().identity.update_profile(g.actor, changes)


@blp.route("/password", methods=["POST"], endpoint="password")
@blp.arguments(PasswordChange)
@blp.response(200, Tokens)
@login_required()
def change_password(body):
    """修改密码（须输入原密码）；成功后其他登录全部失效，返回新的登录凭证"""
    return rpc_pool().identity.change_password(g.actor, body)


@blp.route("/info-changes", methods=["POST"], endpoint="submit_info_change")
@blp.arguments(InfoChangeBody(partial=True))
@blp.response(201, InfoChange)
@login_required("learner")
def submit_info_change(changes):
    """提交姓名、证件、出生日期、性别的修改，由所在单位审核后生效"""
    return rpc_pool().identity.submit_info_change(g.actor, changes)


@blp.route("/info-changes", methods=["GET"], endpoint="my_info_changes")
@blp.response(200, InfoChangeList)
@login_required("learner")
def my_info_changes():
    """我的信息修改申请及审核结果"""
    return rpc_pool().identity.my_info_changes(g.actor)


@blp.route("/info-changes/<int:change_id>/withdrawal", methods=["POST"],
           endpoint="withdraw_info_change")
@blp.response(200, InfoChange)
@login_required("learner")
def withdraw_info_change(change_id):
    """撤销审核中的信息修改申请"""
    return rpc_pool().identity.withdraw_info_change(g.actor, change_id)


@blp.route("/admin-invitations", methods=["GET"], endpoint="admin_invitations")
@blp.response(200, AdminInvitationList)
@login_required()
def admin_invitations():
    """邀请我担任管理员的单位（待接受）；接受前不具有任何管理权限"""
    return rpc_pool().identity.my_admin_invitations(g.actor)


@blp.route("/admin-invitations/<int:grant_id>/accept", methods=["POST"],
           endpoint="accept_admin_invitation")
@blp.response(200, AdminInvitationAnswer)
@login_required()
def accept_admin_invitation(grant_id):
    """接受邀请：成为该单位的管理员（以管理员身份登录该单位后生效）"""
    return rpc_pool().identity.accept_admin_invitation(g.actor, grant_id)


@blp.route("/admin-invitations/<int:grant_id>/decline", methods=["POST"],
           endpoint="decline_admin_invitation")
@blp.response(200, AdminInvitationAnswer)
@login_required()
def decline_admin_invitation(grant_id):
    """拒绝邀请"""
    return rpc_pool().identity.decline_admin_invitation(g.actor, grant_id)
