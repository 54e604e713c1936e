"""A person's membership of an org: recorded when they register, approved at once where
the org does not review its people (Tianjin), or left for its admins (Henan)."""
from sqlalchemy import insert, select, update

from .models import memberships, org_units


def record_registration(uow, payload):
    """user_registered -> a membership, approved now or pending the org's review."""
    existing = uow.session.execute(
        select(memberships.c.id).where(memberships.c.user_id == payload["user_id"])).first()
    if existing:
        return
    org = uow.session.execute(select(org_units.c.review_members, org_units.c.status)
                              .where(org_units.c.id == payload["org_id"])).first()
    now = uow.clock.now()
    if org is None or org.status != "approved":
        status, reason = "rejected", "所选单位不存在或未通过审核"
    elif org.review_members and not payload.get("added_by"):
        # An admin who adds a person has reviewed them already.
        status, reason = "pending", None
    else:
        status, reason = "approved", None
    membership_id = uow.session.execute(insert(memberships).values(
        user_id=payload["user_id"], org_id=payload["org_id"], real_name=payload["real_name"],
        id_number_masked=payload["id_number_masked"], status=status, requested_at=now,
        decided_at=None if status == "pending" else now, decided_by=payload.get("added_by"),
        reason=reason)).inserted_primary_key[0]
    common = {"membership_id": membership_id, "user_id": payload["user_id"],
              "org_id": payload["org_id"]}
    if status == "approved":
        uow.add_event("member_approved", common | {"approved_by": payload.get("added_by")})
    elif status == "pending":
        uow.add_event("member_review_requested", common)
    else:
        uow.add_event("member_rejected", common | {"reason": reason})


def withdraw(uow, payload):
    """user_withdrawn: the person took a pending registration back."""
    uow.session.execute(update(memberships).where(
        memberships.c.user_id == payload["user_id"], memberships.c.status == "pending"
    ).values(status="withdrawn", decided_at=uow.clock.now()))


def person_updated(uow, payload):
    """user_updated: review lists and transfer records show the current name."""
    changes = payload.get("changes") or {}
    values = {k: changes[k] for k in ("real_name", "id_number_masked") if changes.get(k)}
    if values:
        uow.session.execute(update(memberships).where(
            memberships.c.user_id == payload["user_id"]).values(**values))
