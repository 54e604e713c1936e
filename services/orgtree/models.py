"""orgtree's tables. Only this service reads or writes them."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer,
                        String, Table, Text, false)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata

metadata = service_metadata()

org_units = Table(
    "org_units", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("parent_id", Integer, ForeignKey("org_units.id"), index=True),
    # Materialized path "/1/7/42/": a subtree is a prefix match (index-friendly).
    Column("path", String(512), nullable=False),
    Column("depth", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("type", String(32), nullable=False),
    Column("uscc", String(18)),
    Column("region", String(100)),
    Column("status", String(20), nullable=False),  # pending | approved | rejected | disabled
    Column("review_members", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # 单位注册 (registration by the unit itself, reviewed by the parent's admins)
    Column("org_code", String(10)),  # GB 11714 组织机构代码, for units without a USCC
    Column("code_warning", Boolean, nullable=False, default=False, server_default=false()),
    # ^ the USCC failed its GB 32100 check digit: the approver must confirm it
    Column("certificate_key", String(200)),  # scan of the code certificate
    Column("address", String(200)),
    Column("contact_name", String(50)),
    Column("contact_phone", String(30)),
    Column("institution_level", String(20)),  # 继续教育基地级别
    Column("applicant_user_id", BigId, index=True),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", BigId),
    Column("reason", Text),
)
Index("ix_org_units_path", org_units.c.path, postgresql_ops={"path": "varchar_pattern_ops"})
Index("ix_org_units_name", org_units.c.name)
# A code belongs to one live unit; rejected and withdrawn registrations free it. Unique in
# the database too, so two registrations racing with one code cannot both get through.
_HOLDS_CODE = org_units.c.status.in_(("draft", "pending", "approved", "disabled"))
Index("uq_org_units_uscc_live", org_units.c.uscc, unique=True,
      postgresql_where=_HOLDS_CODE, sqlite_where=_HOLDS_CODE)
Index("uq_org_units_org_code_live", org_units.c.org_code, unique=True,
      postgresql_where=_HOLDS_CODE, sqlite_where=_HOLDS_CODE)

# 修改单位信息 / 更换上级部门: kept for good as the org's 变更记录. A parent change needs the
# old and the new parent's approval; each side's decision is recorded on its own.
org_changes = Table(
    "org_changes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("org_id", Integer, ForeignKey("org_units.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # info | parent
    # parent changes: whose admins decide (also in before/after, here for the review query)
    Column("old_parent_id", Integer, ForeignKey("org_units.id")),
    Column("new_parent_id", Integer, ForeignKey("org_units.id")),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | approved | rejected | withdrawn
    Column("old_parent_decision", String(20)),  # parent changes: approved | rejected
    Column("old_parent_decided_by", BigId),
    Column("new_parent_decision", String(20)),
    Column("new_parent_decided_by", BigId),
    Column("requested_by", BigId, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", Text),
)

memberships = Table(
    "memberships", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False, unique=True),
    Column("org_id", Integer, ForeignKey("org_units.id"), nullable=False, index=True),
    Column("real_name", String(50), nullable=False),
    Column("id_number_masked", String(32), nullable=False),
    Column("status", String(20), nullable=False),  # pending | approved | rejected
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", BigId),
    Column("reason", Text),
    # The newest version of identity's events about this person applied here.
    Column("person_version", BigInteger, nullable=False, server_default="0"),
)

# 人员调动: the old org sends a person out, the new org confirms them in.
transfers = Table(
    "transfers", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False, index=True),
    Column("real_name", String(50), nullable=False),
    Column("from_org_id", Integer, ForeignKey("org_units.id"), nullable=False, index=True),
    Column("to_org_id", Integer, ForeignKey("org_units.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # pending | accepted | rejected
    Column("note", Text),
    Column("requested_by", BigId, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", BigId),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", Text),
)

# Every approval and admin action: who, what, when, before/after. Readable by admins of
# the acting admin's org and of every org above it.
admin_actions = Table(
    "admin_actions", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", BigId, nullable=False),
    Column("actor_org_path", String(512)),  # NULL: the platform operator
    Column("action", String(50), nullable=False),
    Column("target_type", String(30), nullable=False),
    Column("target_id", BigId, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
)
Index("ix_admin_actions_actor_org_path", admin_actions.c.actor_org_path,
      postgresql_ops={"actor_org_path": "varchar_pattern_ops"})

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
