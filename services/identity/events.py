"""identity's events: the payload schema of every event identity publishes, and the
aggregate each is about (see services/common/events.py). Payloads carry plain JSON only:
ids as integers, times as ISO 8601 UTC strings, dates as ISO dates. PII travels masked;
whoever needs the full value asks identity by RPC."""
from marshmallow import fields

from services.common.events import Payload, catalogue, event


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
    # 专业技术职称 (the series a plan's scope may name); added after the first release
    professional_title = fields.String(allow_none=True, load_default=None)
    registered_at = fields.DateTime(required=True)
    added_by = fields.Integer(allow_none=True)  # the admin who added the person, if any
    # the reports' columns (电话 masked, 最高学历); added after the first release
    mobile_masked = fields.String(allow_none=True, load_default=None)
    education = fields.String(allow_none=True, load_default=None)


class UserUpdated(Payload):
    """Profile fields changed, directly or after the org's review of a name / document
    change; `changes` holds the new values — contact fields (mobile, email) left out, a
    document number only as `id_number_masked`. `real_name` and `id_number_masked` are the
    person's current values whatever changed, so a copy can take them as they are."""
    user_id = fields.Integer(required=True)
    changes = fields.Dict(keys=fields.String(), required=True)
    real_name = fields.String(required=True)
    id_number_masked = fields.String(required=True)
    mobile_masked = fields.String(allow_none=True, load_default=None)
    education = fields.String(allow_none=True, load_default=None)


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


CATALOGUE = catalogue(
    event("user_registered", UserRegistered, "user", "user_id"),
    event("user_updated", UserUpdated, "user", "user_id"),
    event("user_activated", UserActivated, "user", "user_id"),
    event("password_reset", PasswordReset, "user", "user_id"),
    event("user_withdrawn", UserWithdrawn, "user", "user_id"),
    event("learner_import_requested", LearnerImportRequested, "learner_import", "import_id"),
    event("admin_granted", AdminGranted, "admin_grant", "grant_id"),
    event("admin_revoked", AdminRevoked, "admin_grant", "grant_id"),
    # The audit trail is append-only: its order per acting admin is all that matters.
    event("admin_action_recorded", AdminActionRecorded, "admin", "actor_user_id"),
)
