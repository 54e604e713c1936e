"""The event catalogue: every event's payload schema, written before the code that sends it.

`docs/events.md` lists the same events; a test keeps the two in step. Payloads carry plain
JSON only: ids as integers, times as ISO 8601 UTC strings, dates as ISO dates, money as fen.
PII travels masked; whoever needs the full value asks identity by RPC.
"""
from marshmallow import Schema, fields, validate

ORG_TYPES = ("hr_bureau", "supervising_dept", "employer", "training_institution", "internal_dept")


class Payload(Schema):
    class Meta:
        # A producer may add fields before its consumers know them (compatible change).
        unknown = "include"


# --- identity ---------------------------------------------------------------

class UserRegistered(Payload):
    """A person registered (both wizard steps), or an admin added them (`added_by`).
    Membership is orgtree's to decide."""
    user_id = fields.Integer(required=True)
    username = fields.String(required=True)
    org_id = fields.Integer(required=True)
    real_name = fields.String(required=True)
    id_type = fields.String(required=True)
    id_number_masked = fields.String(required=True)
    gender = fields.String(required=True)
    birth_date = fields.Date(required=True)
    title_level = fields.String(allow_none=True)
    registered_at = fields.DateTime(required=True)
    added_by = fields.Integer(allow_none=True)  # the admin who added the person, if any


class UserUpdated(Payload):
    """Profile fields changed, directly or after the org's review of a name / document
    change; `changes` holds the new values — contact fields (mobile, email) left out, a
    document number only as `id_number_masked`."""
    user_id = fields.Integer(required=True)
    changes = fields.Dict(keys=fields.String(), required=True)


class UserActivated(Payload):
    """The account may log in now (its membership was approved)."""
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(allow_none=True)


class UserWithdrawn(Payload):
    """A person withdrew their registration while it awaited review (撤回申请); the
    account is gone and the username and ID number are free again."""
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)


class PasswordReset(Payload):
    """An admin reset a person's password; they must change it at the next login."""
    user_id = fields.Integer(required=True)
    by_user_id = fields.Integer(required=True)


class LearnerImportRequested(Payload):
    """An admin queued a batch import; identity runs it in its own consumer."""
    import_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    requested_by = fields.Integer(required=True)


class AdminActionRecorded(Payload):
    """An admin did something in identity (roles, admins, learners, passwords); orgtree
    keeps the one audit log these join."""
    actor_user_id = fields.Integer(required=True)
    actor_org_path = fields.String(allow_none=True, required=True)
    action = fields.String(required=True)
    target_type = fields.String(required=True)
    target_id = fields.Integer(required=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    at = fields.DateTime(required=True)


class AdminGranted(Payload):
    """A person became an admin of an org with a role (a set of permission modules)."""
    grant_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    role_name = fields.String(required=True)
    modules = fields.List(fields.String(), required=True)
    is_super = fields.Boolean(required=True)


class AdminRevoked(Payload):
    """An admin grant ended; its holder can no longer log in as that org's admin."""
    grant_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)


# --- orgtree ----------------------------------------------------------------

class OrgRegistered(Payload):
    """An org unit was created (approved at once, or pending its parent's review)."""
    org_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    path = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ORG_TYPES))
    status = fields.String(required=True)
    review_members = fields.Boolean(required=True)


class OrgApproved(Payload):
    """A pending org unit was approved by its parent's admin; its applicant (if it
    registered itself) becomes its super admin."""
    org_id = fields.Integer(required=True)
    applicant_user_id = fields.Integer(allow_none=True, load_default=None)
    approved_by = fields.Integer(allow_none=True, load_default=None)


class OrgRejected(Payload):
    """A unit's registration was refused by its parent's admin, with the reason."""
    org_id = fields.Integer(required=True)
    applicant_user_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(required=True)


class OrgWithdrawn(Payload):
    """The applicant took a pending unit registration back (撤回申请)."""
    org_id = fields.Integer(required=True)
    applicant_user_id = fields.Integer(required=True)


class OrgUpdated(Payload):
    """An org unit's name, status or member-review setting changed."""
    org_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    review_members = fields.Boolean(required=True)


class OrgMoved(Payload):
    """A subtree moved: every path starting with `old_path` now starts with `new_path`."""
    org_id = fields.Integer(required=True)
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


# (producer, event type) -> (schema version, payload schema)
CATALOGUE = {
    ("identity", "user_registered"): (1, UserRegistered),
    ("identity", "user_updated"): (1, UserUpdated),
    ("identity", "user_activated"): (1, UserActivated),
    ("identity", "password_reset"): (1, PasswordReset),
    ("identity", "user_withdrawn"): (1, UserWithdrawn),
    ("identity", "learner_import_requested"): (1, LearnerImportRequested),
    ("identity", "admin_granted"): (1, AdminGranted),
    ("identity", "admin_action_recorded"): (1, AdminActionRecorded),
    ("identity", "admin_revoked"): (1, AdminRevoked),
    ("orgtree", "org_registered"): (1, OrgRegistered),
    ("orgtree", "org_approved"): (1, OrgApproved),
    ("orgtree", "org_rejected"): (1, OrgRejected),
    ("orgtree", "org_withdrawn"): (1, OrgWithdrawn),
    ("orgtree", "org_updated"): (1, OrgUpdated),
    ("orgtree", "org_moved"): (1, OrgMoved),
    ("orgtree", "member_review_requested"): (1, MemberReviewRequested),
    ("orgtree", "member_approved"): (1, MemberApproved),
    ("orgtree", "member_rejected"): (1, MemberRejected),
    ("orgtree", "member_transferred"): (1, MemberTransferred),
}
