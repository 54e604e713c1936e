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


class UserUpdated(Payload):
    user_id = fields.Integer(required=True)
    changes = fields.Dict(keys=fields.String(), required=True)


class UserActivated(Payload):
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(allow_none=True)


class PasswordReset(Payload):
    user_id = fields.Integer(required=True)
    by_user_id = fields.Integer(required=True)


class AdminGranted(Payload):
    grant_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    role_name = fields.String(required=True)
    modules = fields.List(fields.String(), required=True)
    is_super = fields.Boolean(required=True)


class AdminRevoked(Payload):
    grant_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)


# --- orgtree ----------------------------------------------------------------

class OrgRegistered(Payload):
    org_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, required=True)
    path = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ORG_TYPES))
    status = fields.String(required=True)
    review_members = fields.Boolean(required=True)


class OrgApproved(Payload):
    org_id = fields.Integer(required=True)


class OrgUpdated(Payload):
    org_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    review_members = fields.Boolean(required=True)


class OrgMoved(Payload):
    org_id = fields.Integer(required=True)
    old_path = fields.String(required=True)
    new_path = fields.String(required=True)


class MemberApproved(Payload):
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    approved_by = fields.Integer(allow_none=True, required=True)


class MemberReviewRequested(Payload):
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)


class MemberRejected(Payload):
    membership_id = fields.Integer(required=True)
    user_id = fields.Integer(required=True)
    org_id = fields.Integer(required=True)
    reason = fields.String(required=True)


# (producer, event type) -> (schema version, payload schema)
CATALOGUE = {
    ("identity", "user_registered"): (1, UserRegistered),
    ("identity", "user_updated"): (1, UserUpdated),
    ("identity", "user_activated"): (1, UserActivated),
    ("identity", "password_reset"): (1, PasswordReset),
    ("identity", "admin_granted"): (1, AdminGranted),
    ("identity", "admin_revoked"): (1, AdminRevoked),
    ("orgtree", "org_registered"): (1, OrgRegistered),
    ("orgtree", "org_approved"): (1, OrgApproved),
    ("orgtree", "org_updated"): (1, OrgUpdated),
    ("orgtree", "org_moved"): (1, OrgMoved),
    ("orgtree", "member_review_requested"): (1, MemberReviewRequested),
    ("orgtree", "member_approved"): (1, MemberApproved),
    ("orgtree", "member_rejected"): (1, MemberRejected),
}
