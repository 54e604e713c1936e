"""identity's part of who may act where: login roles and super admins. The modules and
jurisdiction checks every service shares are in services.common.authz."""
from services.common.authz import MODULES, in_jurisdiction, require_module  # noqa: F401
from services.common.errors import Forbidden

SUPER_ADMIN_ROLE = "超级管理员"

ROLES = ("learner", "admin", "operator")


def require_super_admin(actor):
    """Only an org's super admin manages its admins and roles (Henan guide)."""
    if actor.get("role") == "operator":
        return None
    if actor.get("role") != "admin" or not actor.get("super"):
        raise Forbidden("super_admin_required", "仅超级管理员可以管理管理员和角色")
    return actor["org_path"]
