"""A person's membership of an org: recorded when they register, approved at once where
the org does not review its people (Tianjin), or left for its admins (Henan)."""
from sqlalchemy import insert, select, update

from services.common.events import NotYetApplicable, aggregate_version, is_newer

from .models import memberships, org_units


def record_registration(uow, payload, envelope):
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
        reason=reason, person_version=aggregate_version(envelope))).inserted_primary_key[0]
    common = {"membership_id": membership_id, "user_id": payload["user_id"],
              "org_id": payload["org_id"]}
    if status == "approved":
        uow.add_event("member_approved", common | {"approved_by": payload.get("added_by")})
    elif status == "pending":
        uow.add_event("member_review_requested", common)
    else:
        uow.add_event("member_rejected", common | {"reason": reason})


def _held_version(uow, user_id):
    """The version of identity's events held for the person; NotYetApplicable before
    their registration has arrived, so the event waits (the broker retries it)."""
    held = uow.session.execute(select(memberships.c.person_version)
                               .where(memberships.c.user_id == user_id)).first()
    if held is None:
        raise NotYetApplicable(f"person {user_id} has not been registered here yet")
    return held.person_version


def withdraw(uow, payload, envelope):
    """user_withdrawn: the person took a pending registration back."""
    _held_version(uow, payload["user_id"])
    uow.session.execute(update(memberships).where(
        memberships.c.user_id == payload["user_id"], memberships.c.status == "pending"
    ).values(status="withdrawn", decided_at=uow.clock.now(),
             person_version=aggregate_version(envelope)))


def person_updated(uow, payload, envelope):
    """user_updated: review lists and transfer records show the current name (the event
    carries it whatever changed; an older event than the one held changes nothing)."""
    if not is_newer(envelope, _held_version(uow, payload["user_id"])):
        return
    values = {"person_version": aggregate_version(envelope)}
    changes = payload.get("changes") or {}
    for key in ("real_name", "id_number_masked"):
        value = payload.get(key) or changes.get(key)
        if value:
            values[key] = value
    uow.session.execute(update(memberships).where(
        memberships.c.user_id == payload["user_id"]).values(**values))
