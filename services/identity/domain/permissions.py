"""Permission modules an admin role can hold (Henan guide: 角色管理) and role rules."""

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
}

SUPER_ADMIN_ROLE = "超级管理员"

ROLES = ("learner", "admin", "operator")


def in_jurisdiction(actor_path, target_path):
    """An admin's jurisdiction is their org's subtree: a prefix match on the path."""
    return bool(actor_path) and bool(target_path) and target_path.startswith(actor_path)
