"""审核注册人员: admins of an org that reviews its people approve or reject pending
memberships, one by one or in batches, with a reason for a rejection."""
from sqlalchemy import select, update

from services.common import authz
from services.common.decisions import apply_batch, batch_decision
from services.common.paging import page_request, paged
from services.common.schema import load

from . import audit
from .contracts import MemberReviewQuery
from .models import memberships, org_units

MAX_BATCH = 500


def pending(uow, actor, raw_query):
    scope = authz.require_module(actor, "account_review")
    query = load(MemberReviewQuery(), raw_query or {})
    table = memberships.join(org_units, org_units.c.id == memberships.c.org_id)
    where = [memberships.c.status == query["status"]]
    if scope is not None:
        where.append(org_units.c.path.startswith(scope, autoescape=True))
    if query["q"]:
        where.append(memberships.c.real_name.contains(query["q"], autoescape=True))
    rows = (select(memberships, org_units.c.name.label("org_name")).select_from(table)
            .where(*where).order_by(memberships.c.requested_at, memberships.c.id))
    return paged(uow.session, rows, page_request(query), _view)


def _view(r):
    return {"membership_id": r["id"], "user_id": r["user_id"], "real_name": r["real_name"],
            "id_number_masked": r["id_number_masked"], "org_id": r["org_id"],
            "org_name": r["org_name"], "status": r["status"],
            "requested_at": r["requested_at"].isoformat(),
            "decided_at": r["decided_at"].isoformat() if r["decided_at"] else None,
            "reason": r["reason"]}


def decide(uow, actor, membership_ids, decision, reason=None):
    """Each pending membership of the jurisdiction is decided once: the UPDATE's WHERE
    is the lock, so two admins approving at once cannot both succeed."""
    scope = authz.require_module(actor, "account_review")
    approve, reason, ids = batch_decision(decision, reason, membership_ids, MAX_BATCH,
                                          "membership_ids")
    in_scope = select(org_units.c.id)
    if scope is not None:
        in_scope = in_scope.where(org_units.c.path.startswith(scope, autoescape=True))
    status = "approved" if approve else "rejected"
    actor_id, now = int(actor["user_id"]), uow.clock.now()

    def decide_one(membership_id):
        row = uow.session.execute(
            update(memberships).where(
                memberships.c.id == membership_id, memberships.c.status == "pending",
                memberships.c.org_id.in_(in_scope),
                memberships.c.user_id != actor_id)  # never one's own
            .values(status=status, decided_at=now, decided_by=actor_id, reason=reason)
            .returning(memberships.c.user_id, memberships.c.org_id)).first()
        if row is None:
            return _why_not(uow, membership_id, in_scope, actor_id)
        common = {"membership_id": membership_id, "user_id": row.user_id,
                  "org_id": row.org_id}
        if status == "approved":
            uow.add_event("member_approved", common | {"approved_by": actor_id})
        else:
            uow.add_event("member_rejected", common | {"reason": reason})
        audit.record(uow, actor, f"member_{status}", "membership", membership_id,
                     {"status": "pending"}, {"status": status, "reason": reason})
        return None

    result = apply_batch(ids, decide_one, "membership_id")
    uow.commit()
    return result


def _why_not(uow, membership_id, in_scope, actor_id):
    """Why a membership the claiming UPDATE missed was not decided."""
    row = uow.session.execute(select(
        memberships.c.user_id, memberships.c.org_id.in_(in_scope).label("in_scope"))
        .where(memberships.c.id == membership_id)).first()
    if row is None or not row.in_scope:
        return "不在您的审核范围内"
    if row.user_id == actor_id:
        return "不能审核本人的申请"
    return "该申请已处理"
