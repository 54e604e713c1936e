"""exam's tables. Only this service reads or writes them.

Copies kept from other services' events (learners, plans, selections, completions) say
who may sit which exam; the question bank, the exams, the candidates' standing per exam and
the attempts are exam's own. An attempt's paper — the questions drawn, in the order shown,
with their answer key — is fixed when it starts and kept on the attempt, so an exam or a
question edited later never changes a paper already given or its grade."""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index,
                        Integer, String, Table, Text, UniqueConstraint, text)

from services.common.db import BigId, inbox_table, outbox_table, service_metadata
from services.common.jobs import jobs_table

metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
jobs = jobs_table(metadata)  # question imports

# --- copies from other services' events, each applied only when newer ----------------

learners = Table(
    "learners", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("username", String(64)),
    Column("real_name", String(50)),
    Column("id_number_masked", String(32)),
    Column("version", BigInteger, nullable=False, server_default="0"),
)

plans = Table(
    "plans", metadata,
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(120), nullable=False),
    Column("year", Integer, nullable=False),
    Column("makeup", Boolean, nullable=False),
    Column("extra_required_exams", Integer, nullable=False, server_default="0"),
    Column("status", String(12), nullable=False),
    Column("version", BigInteger, nullable=False),
)

plan_courses = Table(
    "plan_courses", metadata,
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("course_id", Integer, primary_key=True, autoincrement=False),
    Column("title", String(200), nullable=False),
    Column("exam_required", Boolean, nullable=False),
)
Index("ix_plan_courses_course", plan_courses.c.course_id)

# The learner's plans (activated) and courses in them (selected, or withdrawn by a
# refund), with the enrolment's version that last changed each.
enrolments = Table(
    "enrolments", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("activated_at", DateTime(timezone=True), nullable=False),
)

selections = Table(
    "selections", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("plan_id", Integer, primary_key=True, autoincrement=False),
    Column("course_id", Integer, primary_key=True, autoincrement=False),
    Column("active", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False),
)
Index("ix_selections_course", selections.c.course_id, selections.c.active)

# 学习进度100%: the course's exam opens (learning's course_completed).
completions = Table(
    "completions", metadata,
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("course_id", Integer, primary_key=True, autoincrement=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
)

# --- the question bank ----------------------------------------------------------------

questions = Table(
    "questions", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("course_id", Integer, nullable=False),
    Column("type", String(10), nullable=False),     # single | multiple | judge | fill
    Column("stem", Text, nullable=False),
    Column("options", JSON, nullable=False),        # [{"key": "A", "text": …}], [] for judge/fill
    Column("answer", JSON, nullable=False),         # ["B"] / ["A","C"] / [true] / [["北京","北京市"], …]
    Column("difficulty", Integer, nullable=False),  # 1 易 … 3 难
    Column("tags", JSON, nullable=False),           # knowledge points
    Column("tag_text", String(400), nullable=False, server_default=""),  # ",a,b,": searchable
    Column("analysis", Text),                       # 解析, shown only when review allows
    Column("status", String(10), nullable=False, server_default="active"),  # | retired
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_questions_course_type", questions.c.course_id, questions.c.type, questions.c.status)

# --- exams ----------------------------------------------------------------------------

exams = Table(
    "exams", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("course_id", Integer),                   # a course's exam …
    Column("plan_id", Integer),                     # … in a plan; or a plan's own (makeup)
    Column("bank_course_id", Integer, nullable=False),  # whose bank the paper is drawn from
    Column("exam_type", String(10), nullable=False, server_default="自考"),
    Column("paper_rule", JSON, nullable=False),     # domain/papers.py
    Column("shuffle_questions", Boolean, nullable=False, server_default=text("true")),
    Column("shuffle_options", Boolean, nullable=False, server_default=text("true")),
    Column("total_score", Integer, nullable=False),
    Column("pass_score", Integer, nullable=False, server_default="60"),
    Column("duration_minutes", Integer, nullable=False),
    Column("opens_at", DateTime(timezone=True), nullable=False),
    Column("closes_at", DateTime(timezone=True), nullable=False),
    Column("attempts_allowed", Integer),            # None: 不限
    Column("exempt_attempts", Integer, nullable=False, server_default="0"),
    Column("score_rule", String(10), nullable=False, server_default="highest"),
    Column("review_answers", String(12), nullable=False, server_default="after_submit"),
    Column("review_key", String(12), nullable=False, server_default="after_close"),
    Column("status", String(10), nullable=False),   # draft | published | closed
    Column("org_id", Integer),                      # the publishing org (None: the platform)
    Column("version", BigInteger, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_exams_course", exams.c.course_id, exams.c.status)
Index("ix_exams_plan", exams.c.plan_id, exams.c.status)

# A learner's standing in one exam. Its row is locked to start an attempt, so the count
# of attempts holds under racing starts, and to grade one.
candidates = Table(
    "candidates", metadata,
    Column("exam_id", BigId, ForeignKey("exams.id"), primary_key=True, autoincrement=False),
    Column("user_id", BigId, primary_key=True, autoincrement=False),
    Column("attempts_taken", Integer, nullable=False, server_default="0"),
    Column("counted_score", Integer),               # by the exam's score rule
    Column("best_score", Integer),
    Column("passed_at", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("version", BigInteger, nullable=False, server_default="0"),
)

attempts = Table(
    "attempts", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("exam_id", BigId, ForeignKey("exams.id"), nullable=False),
    Column("user_id", BigId, nullable=False),
    Column("number", Integer, nullable=False),      # 1st, 2nd … attempt of this learner
    Column("token", String(32), nullable=False, unique=True),  # what the client names it by
    Column("status", String(10), nullable=False),   # open | graded
    Column("paper", JSON, nullable=False),          # questions as shown (no key)
    Column("answer_key", JSON, nullable=False),     # {question_id: answer}, never sent out
    Column("answers", JSON, nullable=False),        # {question_id: answer} as last saved
    Column("marked", JSON, nullable=False),         # [question_id] 标记
    Column("seed", BigInteger, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("deadline_at", DateTime(timezone=True), nullable=False),
    Column("saved_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True)),
    Column("closed_by", String(10)),                # learner | deadline
    Column("score", Integer),
    Column("passed", Boolean),
    Column("results", JSON),                        # {question_id: points}
    UniqueConstraint("exam_id", "user_id", "number"),
)
Index("ix_attempts_open_deadline", attempts.c.status, attempts.c.deadline_at)
Index("ix_attempts_exam_user", attempts.c.exam_id, attempts.c.user_id)

# What happened in an attempt, for the operator's review.
attempt_log = Table(
    "attempt_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("attempt_id", BigId, ForeignKey("attempts.id"), nullable=False),
    Column("kind", String(12), nullable=False),     # start | resume | save | focus_lost | submit | expire
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", JSON),
)
Index("ix_attempt_log_attempt", attempt_log.c.attempt_id, attempt_log.c.id)
