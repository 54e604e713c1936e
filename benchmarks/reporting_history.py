"""Writes a published history for reporting's scale benchmark straight into the producers'
outboxes (PostgreSQL, COPY), as their relays leave it — rows with a replay position —
so that `python -m services.reporting.rebuild` replays it through the producers'
`replay_events` as it would in production:

    python benchmarks/reporting_history.py POSTGRES_BASE_URL [learners]

The province-like tree of the organisation issue (benchmarks/generate_scale.py: ~98,000
units in six levels, 8 cities), its ids moved up by ORG_BASE so the demo data's units
stay apart; `learners` people (default 1,000,000) registered over three and a half years
(identity), admitted to employers and internal departments (orgtree), and in one plan of
2026 (learning): every one activated, selected a course and started it, a third of them
passed — about 5.4 events per learner. Each envelope is a copy of one that
`make_envelope` checked against the producer's catalogue, with its own ids and times.
The databases bench_<producer> must exist, migrated (the benchmark script does that)."""
import io
import json
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import MetaData, func, select

from benchmarks.generate_scale import MEMBER_LEVELS, build_tree
from services.common.db import make_engine, outbox_table
from services.common.events import event_spec, make_envelope

ORG_BASE = 1_000_000
USER_BASE = 10_000_000
PLAN_ID = 900_001
T_REG = datetime(2023, 1, 1, tzinfo=timezone.utc)
T_PLAN = datetime(2026, 3, 1, tzinfo=timezone.utc)
COLUMNS = ("event_id", "event_type", "aggregate_type", "aggregate_id", "aggregate_version",
           "occurred_at", "envelope", "position", "published_at")


OUTBOX = outbox_table(MetaData())


def _template(producer, event_type, payload):
    """A checked envelope of the event; copies change its ids, times and version."""
    envelope = make_envelope(producer, event_type, payload, T_PLAN)
    return envelope, event_spec(producer, event_type).key


class Outbox:
    """Rows for one producer's outbox, sent by COPY a chunk at a time."""

    def __init__(self, url):
        self.engine = make_engine(url)
        with self.engine.connect() as conn:
            self.position = conn.execute(select(func.coalesce(func.max(
                OUTBOX.c.position), 0))).scalar()
        self.buffer, self.rows, self.total = io.StringIO(), 0, 0

    def add(self, template, payload_changes, occurred_at, version=1):
        envelope, key = template
        payload = envelope["payload"] | {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in payload_changes.items()}
        self.position += 1
        event_id = str(uuid.uuid4())
        text = json.dumps(envelope | {
            "id": event_id, "occurred_at": occurred_at.isoformat(), "payload": payload,
            "aggregate": envelope["aggregate"] | {"id": str(payload[key]),
                                                  "version": version}},
            ensure_ascii=False, default=str)
        self.buffer.write("\t".join((
            event_id, envelope["type"], envelope["aggregate"]["type"], str(payload[key]),
            str(version), occurred_at.isoformat(), text.replace("\\", "\\\\"),
            str(self.position), occurred_at.isoformat())) + "\n")
        self.rows += 1
        if self.rows >= 100_000:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        self.buffer.seek(0)
        raw = self.engine.raw_connection()
        try:
            with raw.cursor() as cur:
                cur.copy_expert(f"COPY outbox ({', '.join(COLUMNS)}) FROM STDIN", self.buffer)
            raw.commit()
        finally:
            raw.close()
        self.total += self.rows
        self.buffer, self.rows = io.StringIO(), 0


def main(base, learners=1_000_000):
    started = time.perf_counter()
    url = {p: base.rsplit("/", 1)[0] + f"/bench_{p}" for p in ("orgtree", "identity",
                                                             "learning")}
    boxes = {p: Outbox(u) for p, u in url.items()}
    tree = build_tree()
    leaves = [r[0] for r in tree if r[3] - 1 in MEMBER_LEVELS]
    unit = _template("orgtree", "org_registered", {
        "org_id": 1, "parent_id": None, "path": "/1/", "name": "x", "type": "employer",
        "status": "approved", "review_members": False})
    for org_id, parent_id, _path, _depth, name, type_ in tree:
        boxes["orgtree"].add(unit, {"org_id": ORG_BASE + org_id,
                                    "parent_id": ORG_BASE + parent_id if parent_id else None,
                                    "name": name, "type": type_}, T_REG)
    plan_template = _template("learning", "plan_published", {
        "plan_id": PLAN_ID, "name": "2026年度专业技术人员继续教育公需科目（压测）", "year": 2026,
        "kind": "public", "category": None, "makeup": False, "status": "published",
        "total_hours": "90.0", "required_hours": "30.0", "extra_required_exams": 0,
        "opens_on": date(2026, 1, 1), "closes_on": date(2026, 12, 31),
        "pay_deadline": date(2026, 11, 30), "scope_org_id": None, "courses": []})
    boxes["learning"].add(plan_template, {}, T_PLAN - timedelta(days=30))
    registered = _template("identity", "user_registered", {
        "user_id": 1, "username": "u1", "org_id": 1, "real_name": "王伟", "id_type": "id_card",
        "id_number_masked": "1201**********0000", "mobile_masked": "138****0000",
        "education": "大学本科", "gender": "male", "birth_date": date(1985, 1, 1),
        "title_level": None, "registered_at": T_REG, "added_by": None})
    approved = _template("orgtree", "member_approved", {
        "membership_id": 1, "user_id": 1, "org_id": 1, "approved_by": None})
    fact = {"enrolment_id": 1, "user_id": 1, "plan_id": PLAN_ID}
    activated = _template("learning", "plan_activated", fact | {
        "org_id": 1, "activated_at": T_PLAN})
    selected = _template("learning", "course_selected", fact | {
        "course_id": 1, "kind": "required", "hours": "30.0", "order_no": None,
        "selected_at": T_PLAN})
    studied = _template("learning", "learning_started", fact | {
        "course_id": 1, "started_at": T_PLAN})
    passed = _template("learning", "plan_completed", fact | {
        "completed_at": T_PLAN, "required_hours": "30.0", "elective_hours": "60.0",
        "total_hours": "90.0"})
    names = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    for i in range(learners):
        user = USER_BASE + i
        org = ORG_BASE + leaves[(i * 2654435761) % len(leaves)]
        at = T_REG + timedelta(seconds=(i * 110) % (1277 * 86400))
        boxes["identity"].add(registered, {
            "user_id": user, "username": f"u{user}", "org_id": org,
            "real_name": names[i % 20] + "某", "registered_at": at}, at)
        boxes["orgtree"].add(approved, {"membership_id": user, "user_id": user,
                                        "org_id": org}, at + timedelta(hours=1))
        start = T_PLAN + timedelta(seconds=(i * 23) % (250 * 86400))
        ids = {"enrolment_id": user, "user_id": user}
        boxes["learning"].add(activated, ids | {"org_id": org, "activated_at": start}, start, 1)
        boxes["learning"].add(selected, ids | {"selected_at": start}, start, 2)
        later = start + timedelta(days=1)
        boxes["learning"].add(studied, ids | {"started_at": later}, later, 3)
        if i % 3 == 0:
            done = start + timedelta(days=20)
            boxes["learning"].add(passed, ids | {"completed_at": done}, done, 4)
        if i % 200_000 == 199_999:
            print(f"  {i + 1:>9,} learners ({time.perf_counter() - started:.0f} s)", flush=True)
    for box in boxes.values():
        box.flush()
    counts = {p: box.total for p, box in boxes.items()}
    print(f"  history: {sum(counts.values()):,} events ({counts}) for {len(tree):,} units and "
          f"{learners:,} learners, written in {time.perf_counter() - started:.0f} s")
    return counts


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
