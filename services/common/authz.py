"""Who may act where, read from the `actor` the gateway passes with every user-facing
RPC. Shared because every service enforces the same rules on its own data: permission
modules of the admin's role, and jurisdiction as a prefix match on org paths."""
from .errors import Forbidden

# The Henan guide's permission modules (角色管理), plus one for full PII in exports.
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
    "pii_full": "查看完整身份信息",
}


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


def in_jurisdiction(actor_path, target_path):
    """An admin's jurisdiction is their org's subtree: a prefix match on the path."""
    return bool(actor_path) and bool(target_path) and target_path.startswith(actor_path)


def within(scope, target_path):
    """True when `scope` (from require_module) allows `target_path`."""
    return scope is None or in_jurisdiction(scope, target_path)
