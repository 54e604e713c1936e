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



# Grants that still stand or may stand again: only `revoked` and `declined` are over.
LIVE_GRANT_STATUSES = ("active", "disabled", "invited")


def require_governed(scope, is_operator, person_path, grant_paths, own_org_grants=True):
    """An admin whose jurisdiction is `scope` (None: the operator) touches an account's
    credentials, status or rights only if they govern it: never an operator's account;
    otherwise the person belongs to the jurisdiction and every live grant they hold lies
    inside it, so no account with rights elsewhere falls to the admin of one unit.
    `own_org_grants=False` (the learner routes): an admin who manages learners does not
    reach the admins of their own unit either; those are the super admin's."""
    if is_operator:
        raise Forbidden("operator_account_protected", "不能对平台运营账号进行此操作")
    if scope is None:
        return
    governed = in_jurisdiction(scope, person_path) and all(
        in_jurisdiction(scope, path) and (own_org_grants or path != scope)
        for path in grant_paths)
    if not governed:
        raise Forbidden("account_not_governed",
                        "该账号不归您管理：其本人不在您的管辖范围内，或在您的管辖范围外另有管理员权限")
