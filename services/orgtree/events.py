"""orgtree's events: the payload schema of every event orgtree publishes, and the
aggregate each is about (see services/common/events.py).

Every org event carries the unit's whole state after the change (`OrgState`), so a copy
kept from them converges by taking the newest version it has seen; a subtree move changes
descendants' paths without events of theirs, so copies derive paths from `parent_id`.
Membership events are about the person's membership ("member", by user id): each states
where the person now belongs and with what status."""
from marshmallow import fields, validate

from services.common.events import Payload, catalogue, event

ORG_TYPES = ("hr_bureau", "supervising_dept", "employer", "training_institution", "internal_dept")


class OrgState(Payload):
    """The unit as it stands after the change."""
    org_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    path = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ORG_TYPES))
    status = fields.String(required=True)
    review_members = fields.Boolean(required=True)


class OrgRegistered(OrgState):
    """An org unit was created (approved at once, or pending its parent's review)."""


class OrgApproved(OrgState):
    """A pending org unit was approved by its parent's admin; its applicant (if it
    registered itself) becomes its super admin."""
    applicant_user_id = fields.Integer(allow_none=True, load_default=None)
    approved_by = fields.Integer(allow_none=True, load_default=None)


class OrgRejected(OrgState):
    """A unit's registration was refused by its parent's admin, with the reason."""
    applicant_user_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(required=True)


class OrgWithdrawn(OrgState):
    """The applicant took a pending unit registration back (撤回申请)."""
    applicant_user_id = fields.Integer(required=True)


class OrgUpdated(OrgState):
    """An org unit's name, status or member-review setting changed."""


class OrgMoved(OrgState):
    """A subtree moved: every path starting with `old_path` now starts with `new_path`
    (`path` and `parent_id` of the state are the new ones)."""
    old_path = fields.String(required=True)
    new_path = fields.String(required=True)
    new_parent_id = fields.Integer(allow_none=True, load_default=None)


class MemberApproved(Payload):
    """A person's membership of an org was approved (`approved_by` null: automatically,
    the org does not review its people)."""
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    approved_by = fields.Integer(allow_none=True, required=True)


class MemberReviewRequested(Payload):
    """A person's membership waits for the review of the org's admins."""
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)


class MemberRejected(Payload):
    """A person's membership was refused, with the reason shown to them."""
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    reason = fields.String(required=True)


class MemberTransferred(Payload):
    """A person moved from one org to another (transfer out confirmed by the new org)."""
    transfer_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    from_org_id = fields.Integer(required=True)
    to_org_id = fields.Integer(required=True)


CATALOGUE = catalogue(
    event("org_registered", OrgRegistered, "org", "org_id"),
    event("org_approved", OrgApproved, "org", "org_id"),
    event("org_rejected", OrgRejected, "org", "org_id"),
    event("org_withdrawn", OrgWithdrawn, "org", "org_id"),
    event("org_updated", OrgUpdated, "org", "org_id"),
    event("org_moved", OrgMoved, "org", "org_id"),
    event("member_review_requested", MemberReviewRequested, "member", "user_id"),
    event("member_approved", MemberApproved, "member", "user_id"),
    event("member_rejected", MemberRejected, "member", "user_id"),
    event("member_transferred", MemberTransferred, "member", "user_id"),
)
