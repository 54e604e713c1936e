"""Who may touch which account (issue 6 §1): the facts about an account that decide
whether an admin governs it, read from identity's own tables (its person record's org
and its grants, placed by identity's copy of the org tree)."""
from sqlalchemy import select

from .domain import permissions
from .models import accounts, admin_grants, orgs, people


def require_governed(uow, scope, user_id, own_org_grants=True):
    """Raises Forbidden unless an admin with jurisdiction `scope` (None: the operator)
    governs the account `user_id`."""
    account = uow.session.execute(
        select(accounts.c.is_operator, orgs.c.path)
        .select_from(accounts.outerjoin(people, people.c.user_id == accounts.c.id)
                     .outerjoin(orgs, orgs.c.id == people.c.org_id))
        .where(accounts.c.id == user_id)).first()
    grant_paths = uow.session.execute(
        select(orgs.c.path)
        .select_from(admin_grants.outerjoin(orgs, orgs.c.id == admin_grants.c.org_id))
        .where(admin_grants.c.user_id == user_id,
               admin_grants.c.status.in_(permissions.LIVE_GRANT_STATUSES))).scalars().all()
    permissions.require_governed(scope, account.is_operator, account.path, grant_paths,
                                 own_org_grants)


def person_in(uow, user_id, path):
    """Whether the account's person record belongs to the subtree at `path`."""
    person_path = uow.session.execute(
        select(orgs.c.path).select_from(people.join(orgs, orgs.c.id == people.c.org_id))
        .where(people.c.user_id == user_id)).scalar()
    return permissions.in_jurisdiction(path, person_path)


def org_path(uow, org_id):
    return uow.session.execute(select(orgs.c.path).where(orgs.c.id == org_id)).scalar()


def live_super_org(uow, actor):
    """The org an admin is super admin of, read from the live grant, not the token: a
    super admin who handed the role on must not keep it for the rest of the token's life.
    None if they are not (or no longer) one."""
    if actor.get("role") != "admin":
        return None
    return uow.session.execute(select(admin_grants.c.org_id).where(
        admin_grants.c.id == actor.get("grant_id"), admin_grants.c.user_id == actor["user_id"],
        admin_grants.c.status == "active", admin_grants.c.is_super.is_(True))).scalar()
