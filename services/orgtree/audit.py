"""The audit log of approvals and admin actions (who, what, when, before/after)."""
from datetime import datetime

from sqlalchemy import insert, select

from services.common import authz
from services.common.paging import page_request, paged

from .contracts import AUDIT_PAGE_SIZE
from .models import admin_actions


def record(uow, actor, action, target_type, target_id, before, after):
    uow.session.execute(insert(admin_actions).values(
        at=uow.clock.now(), actor_user_id=int(actor["user_id"]),
        actor_org_path=actor.get("org_path") if actor.get("role") == "admin" else None,
        action=action, target_type=target_type, target_id=target_id, before=before,
        after=after))


def record_from_identity(uow, payload):
    """admin_action_recorded: identity's actions join the same log."""
    uow.session.execute(insert(admin_actions).values(
        at=datetime.fromisoformat(payload["at"]), actor_user_id=payload["actor_user_id"],
        actor_org_path=payload["actor_org_path"], action=payload["action"],
        target_type=payload["target_type"], target_id=payload["target_id"],
        before=payload["before"], after=payload["after"]))


def entries(uow, actor, page=1, page_size=None):
    """Actions of admins at or below the reader's org (an admin of a higher level reads
    what lower levels did); the operator reads everything."""
    scope = authz.require_module(actor, "statistics")
    where = []
    if scope is not None:
        where.append(admin_actions.c.actor_org_path.startswith(scope, autoescape=True))
    rows = select(admin_actions).where(*where).order_by(admin_actions.c.id.desc())
    page = page_request({"page": page, "page_size": page_size}, default_size=AUDIT_PAGE_SIZE)
    return paged(uow.session, rows, page, _view)


def _view(r):
    return {"id": r["id"], "at": r["at"].isoformat(), "actor_user_id": r["actor_user_id"],
            "action": r["action"], "target_type": r["target_type"], "target_id": r["target_id"],
            "before": r["before"], "after": r["after"]}
