"""我的课程 at scale (issue 8): a learner with 10 plans, among 1,000,000 activations.

    python benchmarks/my_courses.py DATABASE_URL [activations]        (generate)
    python benchmarks/my_courses.py --measure [calls]                 (learning running)

Generation (server-side generate_series, so it takes seconds): 60 published plans over
eight years (public, professional, make-up), 240 courses, 10 courses per plan, then
`activations` enrolments — 10 per learner, each with two selected courses and some course
progress — so the tables hold what a province's platform holds after a few years.
Measure: `my_plans` for learners with 10 plans on each tab, sequential RPC calls made
as the gateway makes them (RpcPool), p50 / p95 / max."""
import sys
import time
from datetime import datetime, timezone

import sqlalchemy as sa

from services.common.db import make_engine
from services.common.migrations import upgrade

PLANS = 60
COURSES = 240
LEARNER_BASE = 1_000_000


def generate(url, activations):
    upgrade("learning", url)
    engine = make_engine(url)
    learners = activations // 10
    year = datetime.now(timezone.utc).year
    statements = [
        "TRUNCATE selections, course_progress, enrolments, plan_courses, plans, courses "
        "RESTART IDENTITY CASCADE",
        f"""INSERT INTO courses (title, teacher_name, hours, preview_seconds, status, created_at)
            SELECT '课程' || g, '讲师' || (g % 40), (1 + g % 4)::numeric, 180, 'active', now()
            FROM generate_series(1, {COURSES}) g""",
        f"""INSERT INTO plans (name, year, kind, category, makeup, total_hours, required_hours,
              pricing, price_per_hour_fen, flat_price_fen, required_free, cards_allowed,
              extra_required_exams, opens_on, closes_on, pay_deadline, scope_title_levels,
              scope_series, status, created_at, updated_at)
            SELECT '计划' || g, {year} - (g % 8),
                   CASE WHEN g % 3 = 0 THEN 'professional' ELSE 'public' END,
                   CASE WHEN g % 3 = 0 THEN '工程技术类' END, g % 5 = 1, 32, 6, 'per_hour',
                   500, 0, true, true, CASE WHEN g % 5 = 1 THEN 2 ELSE 0 END,
                   make_date({year} - (g % 8), 3, 1), make_date({year} - (g % 8), 12, 31),
                   make_date({year} - (g % 8), 12, 20), '[]', '[]', 'published', now(), now()
            FROM generate_series(1, {PLANS}) g""",
        f"""INSERT INTO plan_courses (plan_id, course_id, kind, exam_required, seq)
            SELECT p, ((p * 4 + k) % {COURSES}) + 1, CASE WHEN k = 0 THEN 'required'
                   ELSE 'elective' END, k = 0, k
            FROM generate_series(1, {PLANS}) p, generate_series(0, 9) k""",
        # Ten distinct plans per learner: (u + 6k) mod 60 for k = 1..10.
        f"""INSERT INTO enrolments (plan_id, user_id, org_id, status, activated_at, started_at)
            SELECT ((u + k * 6) % {PLANS}) + 1, {LEARNER_BASE} + u, 1 + u % 5000,
                   CASE WHEN (u + k) % 4 = 0 THEN 'passed' ELSE 'learning' END,
                   now() - (k || ' days')::interval, now() - (k || ' days')::interval
            FROM generate_series(1, {learners}) u, generate_series(1, 10) k""",
        """INSERT INTO selections (enrolment_id, plan_id, user_id, course_id, kind, status,
              selected_at)
            SELECT e.id, e.plan_id, e.user_id, pc.course_id, pc.kind, 'active', e.activated_at
            FROM enrolments e JOIN plan_courses pc ON pc.plan_id = e.plan_id AND pc.seq < 2""",
        f"""INSERT INTO course_progress (user_id, course_id, chapters_completed, covered_ms,
              started_at, completed_at)
            SELECT DISTINCT ON (user_id, course_id) user_id, course_id, 1, 600000, now(),
                   CASE WHEN user_id % 3 = 0 THEN now() END
            FROM selections WHERE user_id % 2 = 0 AND user_id < {LEARNER_BASE + learners}""",
        "ANALYZE",
    ]
    with engine.begin() as conn:
        for sql in statements:
            t = time.monotonic()
            conn.execute(sa.text(sql))
            print(f"  {sql.split()[0]} {sql.split()[2] if sql.startswith('INSERT') else ''}: "
                  f"{time.monotonic() - t:.1f} s")
    with engine.connect() as conn:
        for table in ("enrolments", "selections", "course_progress", "plans"):
            count = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            print(f"  {table}: {count:,} rows")


def measure(calls):
    from gateway.rpc import RpcPool
    pool = RpcPool(timeout=30)
    deadline = time.monotonic() + 60
    while True:
        try:
            if pool.call("learning", "ping") == "pong":
                break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    print(f"  {calls} sequential RPC calls per tab (gateway's RpcPool), learners with 10 plans")
    for tab in ("all", "current_public", "makeup", "professional", "history"):
        timings, shown = [], 0
        for n in range(calls):
            actor = {"user_id": LEARNER_BASE + 1 + (n * 7919) % 90_000, "role": "learner",
                     "org_id": 1, "org_path": "/1/"}
            t = time.perf_counter()
            answer = pool.call("learning", "my_plans", actor, {"tab": tab})
            timings.append((time.perf_counter() - t) * 1000)
            shown += len(answer["items"])
        timings.sort()
        print(f"  我的课程 tab={tab:15s} p50 {timings[len(timings) // 2]:6.1f} ms   "
              f"p95 {timings[int(len(timings) * .95)]:6.1f} ms   max {timings[-1]:6.1f} ms   "
              f"({shown / calls:.1f} plans shown per call)")


if __name__ == "__main__":
    if sys.argv[1] == "--measure":
        measure(int(sys.argv[2]) if len(sys.argv) > 2 else 500)
    else:
        generate(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
