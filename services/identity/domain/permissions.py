"""Permission modules an admin role can hold (Henan guide: 角色管理), and who may act where."""
from services.common.errors import Forbidden

MODULES = {
    "basic_info": "基本信息",
    "direct_accounts": "直属账号",
    "account_review": "账号审核",
    "credit_declaration": "学时申报",
    "declaration_records": "申报记录",
    "credit_approval": "学时审批",
    "batch_import": "批量导入",
    "statistics": "查询统计",
    "certificates": "证书打印",
    "learner_management": "专技人员管理",
    # Not in the Henan guide's list: exports show full ID numbers and phones only to it.
    "pii_full": "查看完整身份信息",
}

SUPER_ADMIN_ROLE = "超级管理员"

ROLES = ("learner", "admin", "operator")


def require_module(actor, module):
    """An admin acts only through the modules of their role; the operator runs the
    platform and may do anything. Returns the path prefix the actor is limited to
    (None: no limit)."""
    role = actor.get("role")
    if role == "operator":
        return None
    if role != "admin" or not actor.get("org_path"):
        raise Forbidden("admin_required", "仅管理员可以进行此操作")
    if module not in (actor.get("modules") or []):
        raise Forbidden("module_required", f"您的角色没有“{MODULES[module]}”权限")
    return actor["org_path"]


def require_super_admin(actor):
    """Only an org's super admin manages its admins and roles (Henan guide)."""
    if actor.get("role") == "operator":
        return None
    if actor.get("role") != "admin" or not actor.get("super"):
        raise Forbidden("super_admin_required", "仅超级管理员可以管理管理员和角色")
    return actor["org_path"]


def in_jurisdiction(actor_path, target_path):
    """An admin's jurisdiction is their org's subtree: a prefix match on the path."""
    return bool(actor_path) and bool(target_path) and target_path.startswith(actor_path)
