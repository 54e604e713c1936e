"""reporting's read models, fed only by the other services' events (projections.py):
each row converges to the same state whatever the order its events arrive in — org units
and people take the newest version of their aggregate, and the facts of a learner's plan
(activated, first course selected, first progress, passed) take their earliest time.
Only this service reads or writes them."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, Index, Integer,
                        Numeric, String, Table, Text, text)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata
from services.common.jobs import jobs_table

metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
jobs = jobs_table(metadata)  # report exports (导出数据暂存区)

# The org tree (orgtree's events). `path` is derived from `parent_id` here ("/1/7/"), so
# a subtree move re-paths the descendants whatever the order events arrive in.
orgs = Table(
    "orgs", metadata,
    Column("org_id", Integer, primary_key=True, autoincrement=False),
    Column("parent_id", Integer),
    Column("path", String(255), nullable=False),
    Column("name", String(120), nullable=False),
    Column("type", String(24), nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", BigInteger, nullable=False),
)
Index("ix_reporting_orgs_path", orgs.c.path)
Index("ix_reporting_orgs_parent", orgs.c.parent_id)

# People (identity's events) and where they belong (orgtree's membership events).
people = Table(
    "people", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("username", String(64)),
    Column("real_name", String(50)),
    Column("id_number_masked", String(32)),
    Column("mobile_masked", String(20)),
    Column("education", String(20)),
    Column("org_id", Integer),
    Column("member", String(10), nullable=False, server_default="pending"),  # | active | gone
    Column("registered_at", DateTime(timezone=True)),
    Column("identity_version", BigInteger, nullable=False, server_default="0"),
    Column("member_version", BigInteger, nullable=False, server_default="0"),
)
Index("ix_reporting_people_org", people.c.org_id, people.c.member)

plans = Table(
    "plans", metadata,
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(120), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(12), nullable=False),
    Column("version", BigInteger, nullable=False),
)

# A learner in a plan: the earliest time of each fact reports count.
enrolments = Table(
    "enrolments", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("activated_at", DateTime(timezone=True)),
    Column("first_selected_at", DateTime(timezone=True)),
    Column("started_at", DateTime(timezone=True)),
    Column("passed_at", DateTime(timezone=True)),
)
Index("ix_reporting_enrolments_plan", enrolments.c.plan_id)

# The learner's courses in a plan: selected (or withdrawn: the enrolment's version decides)
# and completed, with the course's kind and hours (learning's events).
enrolment_courses = Table(
    "enrolment_courses", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("course_id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(10), nullable=False),     # required | elective
    Column("hours", Numeric(6, 1), nullable=False),
    Column("selected", Boolean, nullable=False, server_default=text("false")),
    Column("selection_version", BigInteger, nullable=False, server_default="0"),
    Column("completed_at", DateTime(timezone=True)),
)

# Exams as exam publishes them, and each learner's standing in one (exam's events).
exams = Table(
    "exams", metadata,
    Column("exam_id", BigId, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("course_id", Integer),
    Column("plan_id", Integer),
    Column("plan_name", String(120)),
    Column("exam_type", String(10), nullable=False),
    Column("pass_score", Integer, nullable=False),
    Column("attempts_allowed", Integer),  # None: 不限
    Column("exempt_attempts", Integer, nullable=False, server_default="0"),
    Column("org_id", Integer),            # 发布单位 (None: the platform)
    Column("status", String(10), nullable=False),
    Column("version", BigInteger, nullable=False),
)
Index("ix_reporting_exams_plan", exams.c.plan_id)

exam_candidates = Table(
    "exam_candidates", metadata,
    Column("exam_id", BigId, primary_key=True, autoincrement=False),
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("opened_at", DateTime(timezone=True)),
    Column("attempts_taken", Integer, nullable=False, server_default="0"),
    Column("best_score", Integer),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("remaining_attempts", Integer),        # None: 不限
    Column("remaining_exempt_attempts", Integer),
    Column("passed_at", DateTime(timezone=True)),
)
Index("ix_reporting_exam_candidates_user", exam_candidates.c.user_id)

# Money per Beijing day (billing's events): paid orders and refunds by plan; learning-card
# redemptions and recharges (plan 0). Sums: each event is applied once (the inbox).
money_days = Table(
    "money_days", metadata,
    Column("day", Date, primary_key=True),
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(10), primary_key=True),   # paid | refund | card | recharge
    Column("count", Integer, nullable=False, server_default="0"),
    Column("fen", BigInteger, nullable=False, server_default="0"),
)

# 参训情况统计表's counters (projections.py): per plan (0: registrations), unit and Beijing
# day of the fact, the learners counted there — so a report for a city reads a few
# thousand rows, not its learners. `participation_totals` is the same without the day:
# figures as of a date are the totals less the days after it.
participation_days = Table(
    "participation_days", metadata,
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("org_id", Integer, primary_key=True, autoincrement=False),
    Column("day", Date, primary_key=True),
    Column("registered", Integer, nullable=False, server_default="0"),
    Column("selected", Integer, nullable=False, server_default="0"),
    Column("participating", Integer, nullable=False, server_default="0"),
    Column("completed", Integer, nullable=False, server_default="0"),
)
Index("ix_reporting_participation_days_day", participation_days.c.plan_id,
      participation_days.c.day)

participation_totals = Table(
    "participation_totals", metadata,
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("org_id", Integer, primary_key=True, autoincrement=False),
    Column("registered", Integer, nullable=False, server_default="0"),
    Column("selected", Integer, nullable=False, server_default="0"),
    Column("participating", Integer, nullable=False, server_default="0"),
    Column("completed", Integer, nullable=False, server_default="0"),
)

LAG_BUCKETS = {"lag_within_1s": 1, "lag_within_5s": 5, "lag_within_60s": 60,
               "lag_over_60s": None}

# How far each producer's events have been applied (the lag on /readyz, rebuilds).
checkpoints = Table(
    "checkpoints", metadata,
    Column("producer", String(32), primary_key=True),
    Column("applied", BigInteger, nullable=False, server_default="0"),
    Column("last_occurred_at", DateTime(timezone=True)),
    Column("last_applied_at", DateTime(timezone=True)),
    # Live events by how late they were applied (applied − occurred): the lag's
    # distribution — "99% within 5 s" reads off these. A rebuild's replay counts none.
    *(Column(name, BigInteger, nullable=False, server_default="0") for name in LAG_BUCKETS),
)

# Events that could not be applied even alone: kept for ops to look at and replay.
failed_events = Table(
    "failed_events", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", String(36)),
    Column("envelope", JSON, nullable=False),
    Column("error", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)
