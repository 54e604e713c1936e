"""learning's tables. Only this service reads or writes them.

Hours (学时) are NUMERIC with one decimal, never floats; money is integer fen; video
positions and durations are integer milliseconds; plan windows are calendar dates in
Asia/Shanghai."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index,
                        Integer, Numeric, String, Table, Text, UniqueConstraint)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata
from services.common.jobs import jobs_table
from services.common.org_copy import org_copy_table

metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
jobs = jobs_table(metadata)
orgs = org_copy_table(metadata)

Hours = Numeric(6, 1)

# The learners learning knows, from identity's and orgtree's events: who they are (for
# certificates and admins' views), where they belong (jurisdiction), and the title level
# and professional series a plan's scope may ask for.
learners = Table(
    "learners", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("org_id", Integer),
    Column("username", String(64)),
    Column("real_name", String(50)),
    Column("id_number_masked", String(40)),
    Column("title_level", String(20)),
    Column("professional_title", String(50)),
    Column("version", BigInteger, nullable=False, server_default="0"),  # identity's user
    Column("member_version", BigInteger, nullable=False, server_default="0"),  # orgtree's
)
Index("ix_learners_org_id", learners.c.org_id)

plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(120), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # public 公需科目 | professional 专业科目
    Column("category", String(40)),  # 工程技术类, 经济类, 会计审计类, 法律类, 政工 ...
    Column("makeup", Boolean, nullable=False),  # 补学计划 for an earlier year
    Column("description", Text),
    Column("total_hours", Hours, nullable=False),
    Column("required_hours", Hours, nullable=False),
    Column("pricing", String(10), nullable=False),  # per_hour | flat
    Column("price_per_hour_fen", Integer, nullable=False, server_default="0"),
    Column("flat_price_fen", Integer, nullable=False, server_default="0"),
    Column("required_free", Boolean, nullable=False),
    Column("cards_allowed", Boolean, nullable=False),
    Column("extra_required_exams", Integer, nullable=False, server_default="0"),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("pay_deadline", Date, nullable=False),
    # Who may take it: an org subtree, title levels, professional series (empty: anyone).
    Column("scope_org_id", Integer),
    Column("scope_title_levels", JSON, nullable=False),
    Column("scope_series", JSON, nullable=False),
    Column("status", String(12), nullable=False),  # draft | published | closed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_plans_year", plans.c.year)

courses = Table(
    "courses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(120), nullable=False),
    Column("teacher_name", String(50), nullable=False),
    Column("teacher_title", String(60)),
    Column("teacher_profile", Text),
    Column("teacher_photo_key", String(200)),
    Column("hours", Hours, nullable=False),
    Column("description", Text),
    Column("cover_key", String(200)),
    Column("preview_seconds", Integer, nullable=False, server_default="180"),
    Column("status", String(12), nullable=False),  # active | hidden
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_courses_title", courses.c.title)

chapters = Table(
    "chapters", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("course_id", Integer, ForeignKey("courses.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("title", String(120), nullable=False),
    Column("video_key", String(200)),
    Column("preview_key", String(200)),  # the first minutes, a file of its own
    Column("duration_ms", Integer),
    Column("video_type", String(10)),  # webm | mp4
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("course_id", "seq", name="uq_chapters_course_seq"),
)

plan_courses = Table(
    "plan_courses", metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), primary_key=True),
    Column("course_id", Integer, ForeignKey("courses.id"), primary_key=True),
    Column("kind", String(10), nullable=False),  # required | elective
    Column("exam_required", Boolean, nullable=False),
    Column("seq", Integer, nullable=False, server_default="0"),
)
Index("ix_plan_courses_course_id", plan_courses.c.course_id)

# 去激活: one per learner and plan.
enrolments = Table(
    "enrolments", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("plans.id"), nullable=False),
    Column("user_id", BigId, nullable=False),
    Column("org_id", Integer),
    Column("status", String(12), nullable=False),  # learning | passed
    Column("activated_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),  # first credited second (参训)
    Column("passed_at", DateTime(timezone=True)),
    UniqueConstraint("user_id", "plan_id", name="uq_enrolments_user_plan"),
)

# The courses a learner has in a plan: required ones from activation, electives once paid.
selections = Table(
    "selections", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("enrolment_id", BigId, ForeignKey("enrolments.id"), nullable=False),
    Column("plan_id", Integer, nullable=False),
    Column("user_id", BigId, nullable=False),
    Column("course_id", Integer, ForeignKey("courses.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("status", String(12), nullable=False),  # active | withdrawn
    Column("order_no", String(40)),
    Column("selected_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    UniqueConstraint("enrolment_id", "course_id", name="uq_selections_enrolment_course"),
)
Index("ix_selections_user_course", selections.c.user_id, selections.c.course_id)

# Watched time, per learner and chapter: merged segments [[start_ms, end_ms], ...].
chapter_progress = Table(
    "chapter_progress", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("chapter_id", Integer, ForeignKey("chapters.id"), primary_key=True),
    Column("course_id", Integer, nullable=False),
    Column("segments", JSON, nullable=False),
    Column("covered_ms", Integer, nullable=False),
    Column("last_position_ms", Integer, nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

course_progress = Table(
    "course_progress", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("course_id", Integer, ForeignKey("courses.id"), primary_key=True),
    Column("chapters_completed", Integer, nullable=False),
    Column("covered_ms", BigInteger, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("last_chapter_id", Integer),
)

# One active playback per learner: a second device's start replaces the row, and
# heartbeats of the replaced session earn nothing.
playbacks = Table(
    "playbacks", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("session_id", String(36), nullable=False),
    Column("chapter_id", Integer, nullable=False),
    Column("course_id", Integer, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_position_ms", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Column("playing", Boolean, nullable=False),
    # The credit budget: since `anchor_at` at most (elapsed x max speed + tolerance).
    Column("anchor_at", DateTime(timezone=True), nullable=False),
    Column("credited_since_anchor_ms", Integer, nullable=False),
    Column("last_verdict", String(20)),
)

exam_results = Table(
    "exam_results", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("exam_id", Integer, primary_key=True, autoincrement=False),
    Column("course_id", Integer),
    Column("plan_id", Integer),
    Column("best_score", Integer),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("passed_at", DateTime(timezone=True)),
)
Index("ix_exam_results_user_course", exam_results.c.user_id, exam_results.c.course_id)

certificates = Table(
    "certificates", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("enrolment_id", BigId, ForeignKey("enrolments.id"), nullable=False, unique=True),
    Column("user_id", BigId, nullable=False, index=True),
    Column("plan_id", Integer, nullable=False),
    Column("fields", JSON, nullable=False),  # what the certificate states, as printed
    Column("file_key", String(200)),
    Column("sha256", String(64)),
    Column("status", String(12), nullable=False),  # pending | issued | revoked
    Column("issued_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_reason", String(200)),
    Column("revoked_by", BigId),
)

# 线下档案: hours earned outside the platform, recorded by an admin or operator.
offline_records = Table(
    "offline_records", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("title", String(120), nullable=False),
    Column("kind", String(20), nullable=False),  # public | professional
    Column("hours", Hours, nullable=False),
    Column("organiser", String(120)),
    Column("completed_on", Date, nullable=False),
    Column("recorded_by", BigId, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

notes = Table(
    "notes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("user_id", BigId, nullable=False),
    Column("course_id", Integer, ForeignKey("courses.id"), nullable=False),
    Column("chapter_id", Integer, ForeignKey("chapters.id"), nullable=False),
    Column("position_ms", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_notes_user_course", notes.c.user_id, notes.c.course_id)

# 讨论 (threads and replies) and 问答 (a question to the teacher and its answer).
posts = Table(
    "posts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # discussion | question
    Column("course_id", Integer, ForeignKey("courses.id"), nullable=False),
    Column("chapter_id", Integer),
    Column("thread_id", BigId),  # a reply names its thread; a thread has none
    Column("user_id", BigId, nullable=False),
    Column("author_name", String(50), nullable=False),
    Column("body", Text, nullable=False),
    Column("answer", Text),
    Column("answered_by", BigId),
    Column("answered_by_name", String(50)),
    Column("answered_at", DateTime(timezone=True)),
    Column("status", String(10), nullable=False),  # visible | hidden
    Column("hidden_reason", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_posts_course_kind", posts.c.course_id, posts.c.kind, posts.c.created_at)
Index("ix_posts_thread", posts.c.thread_id)
