from flask import g
from flask_smorest import Blueprint

from ...auth import login_required
from ...rpc import rpc_pool
from .schemas import PasswordResetDone

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="管理员")


@blp.route("/learners/<int:user_id>/password-reset", methods=["POST"],
           endpoint="reset_learner_password")
@blp.response(200, PasswordResetDone)
@login_required("admin", "operator")
def reset_learner_password(user_id):
    """重置专技人员密码为证件号码后六位，下次登录须修改（限管辖范围内）"""
    return rpc_pool().identity.reset_learner_password(g.actor, user_id)
