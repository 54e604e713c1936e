"""identity's tables. Only this service reads or writes them."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index,
                        Integer, String, Table, Text, text)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata
from services.common.jobs import jobs_table
from services.common.org_copy import org_copy_table

metadata = service_metadata()

accounts = Table(
    "accounts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("username", String(32), nullable=False, unique=True),  # stored lower-case
    Column("password_hash", String(255), nullable=False),
    # pending_review -> active | rejected; active <-> disabled
    Column("status", String(20), nullable=False),
    Column("is_learner", Boolean, nullable=False, default=False),
    Column("is_operator", Boolean, nullable=False, default=False),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The newest version of orgtree's membership events about this person applied here.
    Column("membership_version", BigInteger, nullable=False, server_default="0"),
    # A user id is never given out twice (withdrawn registrations delete their row).
    sqlite_autoincrement=True,
)

# The people directory: personal profile and PII of seed figure 1.1.3 / 8.1.
people = Table(
    "people", metadata,
    Column("user_id", BigId, ForeignKey("accounts.id"), primary_key=True),
    Column("org_id", Integer, nullable=False, index=True),
    Column("real_name", String(50), nullable=False),
    Column("mobile", String(20), nullable=False),
    Column("email", String(100)),
    Column("id_type", String(20), nullable=False),
    Column("id_number", String(32), nullable=False, unique=True),  # upper-case
    Column("birth_date", Date, nullable=False),
    Column("gender", String(10), nullable=False),
    Column("ethnicity", String(20)),
    Column("title_status", String(20)),
    Column("title_level", String(20)),
    Column("professional_title", String(50)),
    Column("title_date", Date),
    Column("education", String(20)),
    Column("political_status", String(20)),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

# The admins' learner list pages newest first; with the path filter, PostgreSQL walks this
# index and stops after a page instead of sorting a whole city's people.
Index("ix_people_registered_at", people.c.registered_at, people.c.user_id)
# Sorting by name, and name searches from the first character (PostgreSQL's LIKE 'x%'
# needs the pattern operator class unless the collation is C).
Index("ix_people_real_name", people.c.real_name, people.c.user_id)
Index("ix_people_real_name_prefix", people.c.real_name,
      postgresql_ops={"real_name": "varchar_pattern_ops"}).ddl_if(dialect="postgresql")

# identity's own copy of the org tree, fed by orgtree's events (jurisdiction, org names).
orgs = org_copy_table(metadata)

# A role is a named set of permission modules; org_id NULL means built in.
roles = Table(
    "roles", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", Integer),
    Column("name", String(50), nullable=False),
    Column("modules", JSON, nullable=False),
    # When the modules last changed: tokens stating the old modules are refused from then
    # on (the gateway's grant check, like an ended grant).
    Column("modules_changed_at", DateTime(timezone=True), index=True),
    # A deleted role stays while ended grants (history) still name it; its name is free.
    Column("deleted_at", DateTime(timezone=True)),
)
_LIVE_ROLE = text("deleted_at IS NULL")
Index("uq_roles_org_name_live", roles.c.org_id, roles.c.name, unique=True,
      postgresql_where=_LIVE_ROLE, sqlite_where=_LIVE_ROLE)

admin_grants = Table(
    "admin_grants", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("org_id", Integer, nullable=False, index=True),
    Column("role_id", BigId, ForeignKey("roles.id"), nullable=False),
    Column("is_super", Boolean, nullable=False, default=False),
    # invited -> active | declined | revoked; active <-> disabled; active -> revoked.
    # An invitation (an account from outside the unit, added by login name) grants nothing
    # until its person accepts it.
    Column("status", String(20), nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("invited_by", BigId),
    # When it last stopped being active: the gateway refuses tokens of grants ended
    # within an access token's lifetime.
    Column("ended_at", DateTime(timezone=True), index=True),
)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", BigId, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("grant_id", BigId),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

captchas = Table(
    "captchas", metadata,
    Column("id", String(36), primary_key=True),
    Column("answer", String(8), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

login_audit = Table(
    "login_audit", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("login_name", String(64), nullable=False),
    Column("user_id", BigId, index=True),
    Column("role", String(20), nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("ip", String(64)),
    Column("user_agent", Text),
)

# Long work (批量导入 now) on the common job mechanism (services/common/jobs.py).
jobs = jobs_table(metadata)

# 人员信息变更: name and document changes a person asks for, reviewed by their org's
# admins (the fields are identity's PII, so the review lives here, not in orgtree).
person_changes = Table(
    "person_changes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("org_id", Integer, nullable=False, index=True),  # the person's org when asked
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | approved | rejected | withdrawn
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", BigId),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", Text),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
