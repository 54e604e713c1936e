"""Invitations to be an admin (issue 6 §1): a super admin who adds an existing account from
outside their unit by login name only invites it. The invited person sees the invitation
once logged in (in any role) and accepts it — the grant becomes active and admin_granted
is published — or declines it; until then it grants nothing (login, tokens and admin
lists count active grants only)."""
from sqlalchemy import select, update

from services.common.errors import NotFound

from . import audit_trail
from .domain import permissions
from .models import admin_grants, orgs, people, roles


def mine(uow, actor):
    inviter = people.alias("inviter")
    rows = uow.session.execute(
        select(admin_grants.c.id, admin_grants.c.org_id, admin_grants.c.granted_at,
               orgs.c.name.label("org_name"), roles.c.name.label("role_name"), roles.c.modules,
               inviter.c.real_name.label("invited_by_name"))
        .select_from(admin_grants.join(roles, roles.c.id == admin_grants.c.role_id)
                     .outerjoin(orgs, orgs.c.id == admin_grants.c.org_id)
                     .outerjoin(inviter, inviter.c.user_id == admin_grants.c.invited_by))
        .where(admin_grants.c.user_id == int(actor["user_id"]),
               admin_grants.c.status == "invited")
        .order_by(admin_grants.c.id)).mappings().all()
    return {"items": [
        {"grant_id": r["id"], "org_id": r["org_id"], "org_name": r["org_name"],
         "role_name": r["role_name"],
         "module_labels": [permissions.MODULES[m] for m in sorted(r["modules"])
                           if m in permissions.MODULES],
         "invited_by_name": r["invited_by_name"], "invited_at": r["granted_at"].isoformat()}
        for r in rows]}


def accept(uow, actor, grant_id):
    grant, role, path = _invitation(uow, actor, grant_id)
    uow.session.execute(update(admin_grants).where(admin_grants.c.id == grant_id)
                        .values(status="active", granted_at=uow.clock.now(), ended_at=None))
    uow.add_event("admin_granted", {"grant_id": grant_id, "user_id": grant["user_id"],
                                    "org_id": grant["org_id"], "role_name": role["name"],
                                    "modules": sorted(role["modules"]), "is_super": False})
    _record(uow, actor, path, "admin_invitation_accepted", grant_id, "active")
    uow.commit()
    return {"grant_id": grant_id, "status": "active"}


def decline(uow, actor, grant_id):
    grant, _, path = _invitation(uow, actor, grant_id)
    uow.session.execute(update(admin_grants).where(admin_grants.c.id == grant_id)
                        .values(status="declined", ended_at=uow.clock.now()))
    _record(uow, actor, path, "admin_invitation_declined", grant_id, "declined")
    uow.commit()
    return {"grant_id": grant_id, "status": "declined"}


def _invitation(uow, actor, grant_id):
    """The actor's own pending invitation (row locked), its role and its unit's path."""
    grant = uow.session.execute(
        select(admin_grants).where(admin_grants.c.id == grant_id,
                                   admin_grants.c.user_id == int(actor["user_id"]),
                                   admin_grants.c.status == "invited")
        .with_for_update()).mappings().first()
    if grant is None:
        raise NotFound("invitation_not_found", "没有该管理员邀请，或邀请已被撤回")
    role = uow.session.execute(select(roles).where(roles.c.id == grant["role_id"])
                               ).mappings().first()
    path = uow.session.execute(select(orgs.c.path).where(orgs.c.id == grant["org_id"])).scalar()
    return grant, role, path


def _record(uow, actor, path, action, grant_id, status):
    """In the unit's audit log: the person acts as (or declines to become) its admin."""
    audit_trail.record(uow, {"user_id": actor["user_id"], "role": "admin", "org_path": path},
                       action, "admin_grant", grant_id, {"status": "invited"},
                       {"status": status})
