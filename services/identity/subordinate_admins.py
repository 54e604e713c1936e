"""管理下级单位 / 管理施教机构 (Henan guide): an admin sees the admins of the units below their
own and can remove one's rights — the removed admin can no longer log in for that unit
(login and token refresh both need an active grant). Identity answers from its own copy
of the tree, so jurisdiction is checked where the grants live. Removing ends only rights
given inside the remover's jurisdiction, so it reaches every admin of a unit below (an
outsider who accepted an invitation too); it changes nothing else of the account."""
from sqlalchemy import select, update

from services.common.errors import Conflict, NotFound

from . import audit_trail
from .admins import _admins_of
from .domain import permissions
from .models import admin_grants, orgs, refresh_tokens


def _unit_below(uow, actor, org_id):
    scope = permissions.require_module(actor, "direct_accounts")
    row = uow.session.execute(select(orgs).where(orgs.c.id == org_id)).mappings().first()
    strictly_below = row is not None and (scope is None or (
        permissions.in_jurisdiction(scope, row["path"]) and row["path"] != scope))
    if not strictly_below:
        raise NotFound("org_not_found", "在您的下级单位中没有该单位")
    return row


def admins_of(uow, actor, org_id):
    unit = _unit_below(uow, actor, org_id)
    return {"org_id": unit["id"], "org_name": unit["name"],
            "items": _admins_of(uow, unit["id"])}


def remove(uow, actor, org_id, grant_id):
    """删除 / 移除权限: the grant is revoked for good and its sessions end."""
    unit = _unit_below(uow, actor, org_id)
    grant = uow.session.execute(select(admin_grants).where(
        admin_grants.c.id == grant_id, admin_grants.c.org_id == unit["id"],
        admin_grants.c.status.in_(permissions.LIVE_GRANT_STATUSES))).mappings().first()
    if grant is None:
        raise NotFound("admin_not_found", "该单位没有该管理员")
    if grant["user_id"] == int(actor["user_id"]):
        raise Conflict("cannot_change_self", "不能删除自己的管理员权限")
    now = uow.clock.now()
    uow.session.execute(update(admin_grants).where(admin_grants.c.id == grant_id)
                        .values(status="revoked", is_super=False, ended_at=now))
    uow.session.execute(update(refresh_tokens).where(
        refresh_tokens.c.grant_id == grant_id, refresh_tokens.c.revoked_at.is_(None)
    ).values(revoked_at=now))
    if grant["status"] != "invited":  # an invitation was never announced as a grant
        uow.add_event("admin_revoked", {"grant_id": grant_id, "user_id": grant["user_id"],
                                        "org_id": unit["id"]})
    audit_trail.record(uow, actor, "subordinate_admin_removed", "admin_grant", grant_id,
                       {"status": grant["status"], "is_super": grant["is_super"]},
                       {"status": "revoked"})
    uow.commit()
    return {"grant_id": grant_id, "status": "revoked"}
