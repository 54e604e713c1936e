"""The read models from the other services' events (models.py), a batch at a time and
set-based, so that thousands of events a second fit in a few statements: the batch's
rows are read in one query per table, each event folds its rows in memory (the rules are
domain/read_model_rules.py), and every changed row is written back in one upsert per
table — then the inbox and the checkpoints, all in the caller's transaction. Events
already in the inbox are skipped, so a redelivered batch changes nothing.

Two derived things are kept here: org paths, re-derived from parent ids for a unit that
is new or moved and for all its descendants; and 参训情况统计表's counters per plan, unit
and day, to which each learner whose rows changed adds the difference between what they
contribute now and what they contributed before.

reporting's feed is one consumer at a time (single active consumer on its queue), so
nothing else writes these rows between the read and the upsert."""
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, select, tuple_, update

from services.common.db import upsert_rows
from services.common.events import aggregate_version

from .domain import read_model_rules as rules
from .models import (LAG_BUCKETS, checkpoints, enrolment_courses, enrolments, exam_candidates, exams,
                     money_days, orgs, participation_days, participation_totals, people,
                     plans)

HANDLER = "reporting.projections"
COUNTERS = ("registered", "selected", "participating", "completed")


@dataclass(frozen=True)
class Effect:
    """An event's change to one table's row: the row's key from the payload, and the fold."""
    table: object
    key: Callable
    fold: Callable


def _ints(*names):
    return lambda payload: tuple(int(payload[name]) for name in names)


def _org(fold):
    return Effect(orgs, _ints("org_id"), fold)


def _person(fold):
    return Effect(people, _ints("user_id"), fold)


def _enrolment(fold):
    return Effect(enrolments, _ints("user_id", "plan_id"), fold)


def _course(fold):
    return Effect(enrolment_courses, _ints("user_id", "plan_id", "course_id"), fold)


def _candidate(fold):
    return Effect(exam_candidates, _ints("exam_id", "user_id"), fold)


def _money(kind, time_key, plan_key="plan_id"):
    return Effect(money_days, rules.money_key(kind, time_key, plan_key), rules.money)


HANDLERS = {
    **{("orgtree", t): (_org(rules.org),)
       for t in ("org_registered", "org_approved", "org_rejected", "org_withdrawn",
                 "org_updated", "org_moved")},
    ("orgtree", "member_review_requested"): (_person(rules.membership("pending")),),
    ("orgtree", "member_approved"): (_person(rules.membership("active")),),
    ("orgtree", "member_rejected"): (_person(rules.membership("gone")),),
    ("orgtree", "member_transferred"): (_person(rules.membership("active", "to_org_id")),),
    ("identity", "user_registered"): (_person(rules.user_registered),),
    ("identity", "user_updated"): (_person(rules.user_updated),),
    ("identity", "user_withdrawn"): (_person(rules.user_withdrawn),),
    ("learning", "plan_published"): (Effect(plans, _ints("plan_id"), rules.plan),),
    ("learning", "plan_updated"): (Effect(plans, _ints("plan_id"), rules.plan),),
    ("learning", "plan_activated"): (_enrolment(rules.earliest("activated_at",
                                                               "activated_at")),),
    ("learning", "course_selected"): (
        _enrolment(rules.earliest("first_selected_at", "selected_at")),
        _course(rules.course_selection(True))),
    ("learning", "course_withdrawn"): (_course(rules.course_selection(False)),),
    ("learning", "learning_started"): (_enrolment(rules.earliest("started_at",
                                                                 "started_at")),),
    ("learning", "plan_completed"): (_enrolment(rules.earliest("passed_at",
                                                               "completed_at")),),
    ("learning", "course_completed"): (_course(rules.course_completed),),
    ("billing", "order_paid"): (_money("paid", "paid_at"),),
    ("billing", "order_refunded"): (_money("refund", "refunded_at"),),
    ("billing", "card_redeemed"): (_money("card", "redeemed_at", None),),
    ("billing", "balance_recharged"): (_money("recharge", "paid_at", None),),
    ("exam", "exam_published"): (Effect(exams, _ints("exam_id"), rules.exam),),
    ("exam", "exam_opened"): (_candidate(rules.exam_opened),),
    ("exam", "attempt_submitted"): (_candidate(rules.attempt_submitted),),
    ("exam", "exam_passed"): (_candidate(rules.exam_passed),),
}

# A row not held yet: its key and these (every other column None).
DEFAULTS = {
    orgs: {"path": "/", "version": 0},
    people: {"member": "pending", "identity_version": 0, "member_version": 0},
    plans: {"version": 0},
    enrolments: {},
    enrolment_courses: {"kind": "required", "hours": 0, "selected": False,
                        "selection_version": 0},
    exams: {"exempt_attempts": 0, "version": 0},
    exam_candidates: {"attempts_taken": 0},
    money_days: {"count": 0, "fen": 0},
}
PAGE = 500  # keys per lookup query


class Rows:
    """The rows of one table a batch reads and writes, by primary key."""

    def __init__(self, table):
        self.table = table
        self.key_columns = list(table.primary_key.columns)
        self.blank = {c.name: None for c in table.columns} | DEFAULTS[table]
        self.wanted, self.held, self.original, self.changed = set(), {}, {}, set()

    def key_of(self, row):
        return tuple(row[c.name] for c in self.key_columns)

    def want(self, key):
        if key not in self.held:
            self.wanted.add(key)

    def load(self, session):
        keys = sorted(self.wanted - self.held.keys())
        self.wanted.clear()
        for start in range(0, len(keys), PAGE):
            page = keys[start:start + PAGE]
            if len(self.key_columns) == 1:
                where = self.key_columns[0].in_([k[0] for k in page])
            else:
                where = tuple_(*self.key_columns).in_(page)
            self.load_where(session, where)

    def load_where(self, session, where):
        for row in session.execute(select(self.table).where(where)).mappings():
            key = self.key_of(row)
            if key not in self.held:
                self.held[key] = self.original[key] = dict(row)

    def get(self, key):
        held = self.held.get(key)
        if held is None:
            held = self.blank | {c.name: v for c, v in zip(self.key_columns, key, strict=True)}
        return held

    def put(self, key, row):
        self.held[key] = row
        self.changed.add(key)

    def write(self, session):
        upsert_rows(session, self.table, [self.held[k] for k in sorted(self.changed)])


def apply(uow, envelopes, live=True):
    """Applies the envelopes not applied before; returns how many it applied. `live`:
    they come from the feed, so how late they are counts toward the lag (a rebuild's
    replay is late by design)."""
    s = uow.session
    fresh = list({e["id"]: e for e in envelopes}.values())
    if fresh:
        applied = set(s.execute(select(uow.inbox.c.event_id).where(
            uow.inbox.c.handler == HANDLER,
            uow.inbox.c.event_id.in_([e["id"] for e in fresh]))).scalars())
        fresh = [e for e in fresh if e["id"] not in applied]
    if not fresh:
        return 0
    now = uow.clock.now()
    s.execute(insert(uow.inbox), [{"event_id": e["id"], "handler": HANDLER,
                                   "event_type": e["type"], "applied_at": now} for e in fresh])
    changes = [(effect, effect.key(e["payload"]), e["payload"], aggregate_version(e))
               for e in fresh for effect in HANDLERS.get((e["producer"], e["type"]), ())]
    tables = {table: Rows(table) for table in DEFAULTS}
    for effect, key, _payload, _version in changes:
        tables[effect.table].want(key)
        if effect.table is enrolments:  # the learner's unit, for the counters
            tables[people].want(key[:1])
    for rows in tables.values():
        rows.load(s)
    for effect, key, payload, version in changes:
        rows = tables[effect.table]
        new = effect.fold(rows.get(key), payload, version)
        if new is not None:
            rows.put(key, new)
    _derive_paths(s, tables[orgs])
    deltas = _counter_deltas(s, tables[people], tables[enrolments], tables[enrolment_courses])
    for rows in tables.values():
        rows.write(s)
    _write_counters(s, deltas)
    _checkpoint(uow, fresh, now, live)
    return len(fresh)


def _derive_paths(session, rows):
    """Paths of the units new or moved in this batch and of all their descendants."""
    moved = [key for key in rows.changed
             if key not in rows.original
             or rows.original[key]["parent_id"] != rows.held[key]["parent_id"]]
    if not moved:
        return
    units = {r.org_id: (r.parent_id, r.path)
             for r in session.execute(select(orgs.c.org_id, orgs.c.parent_id, orgs.c.path))}
    units |= {key[0]: (row["parent_id"], row["path"]) for key, row in rows.held.items()}
    paths = rules.org_paths(units, [key[0] for key in moved])
    rows.wanted.update((org_id,) for org_id in paths)
    rows.load(session)
    for org_id, path in paths.items():
        row = rows.get((org_id,))
        if row["path"] != path:
            rows.put((org_id,), row | {"path": path})


def _counter_deltas(session, people_rows, enrolment_rows, course_rows):
    """What the learners whose rows changed add to the counters now, less what they did."""
    moved_people = {key[0] for key in people_rows.changed}
    touched = (moved_people | {key[0] for key in enrolment_rows.changed}
               | {key[0] for key in course_rows.changed})
    if not touched:
        return Counter()
    ids = sorted(touched)
    for start in range(0, len(ids), PAGE):  # all their plans and courses count
        page = ids[start:start + PAGE]
        enrolment_rows.load_where(session, enrolments.c.user_id.in_(page))
        course_rows.load_where(session, enrolment_courses.c.user_id.in_(page))
    people_rows.wanted.update((user_id,) for user_id in touched)
    people_rows.load(session)
    plans_of, holding_before, holding_after = defaultdict(list), defaultdict(set), \
        defaultdict(set)
    for key in enrolment_rows.held:
        if key[0] in touched:
            plans_of[key[0]].append(key)
    for key, row in course_rows.held.items():
        if key[0] in touched:
            if row["selected"]:
                holding_after[key[0]].add(key[1])
            if (course_rows.original.get(key) or {}).get("selected"):
                holding_before[key[0]].add(key[1])
    deltas = Counter()
    for user_id in touched:
        keys = plans_of[user_id]
        before = rules.contribution(
            people_rows.original.get((user_id,)),
            [enrolment_rows.original[k] for k in keys if k in enrolment_rows.original],
            holding_before[user_id])
        after = rules.contribution(people_rows.held.get((user_id,)),
                                   [enrolment_rows.held[k] for k in keys],
                                   holding_after[user_id])
        deltas.update(after)
        deltas.subtract(before)
    return deltas


def _write_counters(session, deltas):
    days, totals = defaultdict(Counter), defaultdict(Counter)
    for (plan_id, org_id, day, counter), n in deltas.items():
        if n:
            days[(plan_id, org_id, day)][counter] += n
            totals[(plan_id, org_id)][counter] += n
    upsert_rows(session, participation_days, [
        {"plan_id": p, "org_id": o, "day": d} | {c: counts[c] for c in COUNTERS}
        for (p, o, d), counts in sorted(days.items())], add=COUNTERS)
    upsert_rows(session, participation_totals, [
        {"plan_id": p, "org_id": o} | {c: counts[c] for c in COUNTERS}
        for (p, o), counts in sorted(totals.items())], add=COUNTERS)


def _lag_bucket(seconds):
    return next(name for name, limit in LAG_BUCKETS.items()
                if limit is None or seconds <= limit)


def _checkpoint(uow, envelopes, now, live):
    by_producer = {}
    for e in envelopes:
        held = by_producer.setdefault(e["producer"], {"count": 0, "last": None,
                                                      "lags": Counter()})
        occurred = rules.at(e["occurred_at"])
        held["count"] += 1
        held["last"] = max(held["last"], occurred) if held["last"] else occurred
        if live:
            held["lags"][_lag_bucket((now - occurred).total_seconds())] += 1
    for producer, seen in sorted(by_producer.items()):
        held = uow.session.execute(select(checkpoints).where(
            checkpoints.c.producer == producer).with_for_update()).mappings().first()
        if held is None:
            uow.session.execute(insert(checkpoints).values(
                producer=producer, applied=seen["count"], last_occurred_at=seen["last"],
                last_applied_at=now, **{b: seen["lags"][b] for b in LAG_BUCKETS}))
        else:
            held_last = rules.at(held["last_occurred_at"])
            uow.session.execute(update(checkpoints).where(checkpoints.c.producer == producer)
                                .values(applied=held["applied"] + seen["count"],
                                        last_applied_at=now,
                                        last_occurred_at=max(seen["last"], held_last)
                                        if held_last else seen["last"],
                                        **{b: held[b] + seen["lags"][b] for b in LAG_BUCKETS}))
