"""A history of real envelopes for reporting's projections (orgs created and one subtree
moved, people registered, admitted and transferred, plans changed, learners' facts, exams
and attempts, money), the read models' state, and report 1's figures counted straight from
the rows — shared by the unit tests (SQLite) and the PostgreSQL tests."""
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from services.common.clock import as_utc
from services.common.events import make_envelope
from services.reporting import models, projections

T0 = datetime(2026, 3, 1, 8, tzinfo=timezone.utc)


class Stream:
    """Envelopes as the producers' outboxes write them, versions per aggregate."""

    def __init__(self):
        self.versions, self.envelopes, self.t = {}, [], T0

    def add(self, producer, event_type, payload, aggregate):
        self.versions[aggregate] = self.versions.get(aggregate, 0) + 1
        self.t += timedelta(minutes=1)
        self.envelopes.append(make_envelope(producer, event_type, payload, self.t,
                                            self.versions[aggregate]))


def org(stream, org_id, parent_id, name, type_="employer", event="org_registered", **extra):
    stream.add("orgtree", event, {"org_id": org_id, "parent_id": parent_id, "path": "/x/",
                                  "name": name, "type": type_, "status": "active",
                                  "review_members": False, **extra}, ("org", org_id))


def history():
    s = Stream()
    org(s, 1, None, "市人社局", "hr_bureau")
    org(s, 2, 1, "区人社局", "hr_bureau")
    org(s, 3, 2, "医院")
    org(s, 4, 1, "集团")
    org(s, 3, 4, "医院", event="org_moved", old_path="/1/2/3/", new_path="/1/4/3/")
    org(s, 5, 3, "内科", "internal_dept")
    for user_id, org_id in ((10, 3), (11, 3), (12, 5), (13, 2)):
        s.add("identity", "user_registered", {
            "user_id": user_id, "username": f"u{user_id}", "org_id": org_id,
            "real_name": f"学员{user_id}", "id_type": "id_card",
            "id_number_masked": "1201**********123X", "gender": "male",
            "birth_date": date(1990, 1, 1), "title_level": None, "registered_at": s.t,
            "added_by": None}, ("user", user_id))
        s.add("orgtree", "member_approved", {"membership_id": user_id, "user_id": user_id,
                                             "org_id": org_id, "approved_by": None},
              ("member", user_id))
    s.add("orgtree", "member_transferred", {"transfer_id": 1, "user_id": 13, "from_org_id": 2,
                                            "to_org_id": 4}, ("member", 13))
    s.add("identity", "user_updated", {"user_id": 11, "changes": {"username": "u11b"},
                                       "real_name": "学员十一", "id_number_masked": "x"},
          ("user", 11))
    plan = {"plan_id": 7, "name": "2026年公需科目", "year": 2026, "kind": "public",
            "category": None, "makeup": False, "status": "published", "total_hours": "8.0",
            "required_hours": "6.0", "extra_required_exams": 0, "opens_on": date(2026, 1, 1),
            "closes_on": date(2026, 12, 31), "pay_deadline": date(2026, 11, 30), "scope_org_id": None,
            "courses": []}
    s.add("learning", "plan_published", plan, ("plan", 7))
    s.add("learning", "plan_updated", plan | {"name": "2026年公需科目（修订）"}, ("plan", 7))
    for user_id, enrolment_id in ((10, 100), (11, 101), (12, 102)):
        fact = {"enrolment_id": enrolment_id, "user_id": user_id, "plan_id": 7}
        s.add("learning", "plan_activated", fact | {"org_id": 3, "activated_at": s.t},
              ("enrolment", enrolment_id))
        s.add("learning", "course_selected", fact | {
            "course_id": 1, "kind": "required", "hours": "6.0", "order_no": None,
            "selected_at": s.t}, ("enrolment", enrolment_id))
    # 13 bought an elective of plan 7 and had it refunded: they hold no course of it now.
    fact = {"enrolment_id": 103, "user_id": 13, "plan_id": 7}
    s.add("learning", "course_selected", fact | {
        "course_id": 2, "kind": "elective", "hours": "2.0", "order_no": "CE1",
        "selected_at": s.t}, ("enrolment", 103))
    s.add("learning", "course_withdrawn", fact | {"course_id": 2, "order_no": "CE1",
                                                  "withdrawn_at": s.t}, ("enrolment", 103))
    s.add("learning", "learning_started", {"enrolment_id": 100, "user_id": 10, "plan_id": 7,
                                           "course_id": 1, "started_at": s.t},
          ("enrolment", 100))
    s.add("learning", "plan_completed", {
        "enrolment_id": 100, "user_id": 10, "plan_id": 7, "required_hours": "6.0",
        "elective_hours": "2.0", "total_hours": "8.0", "completed_at": s.t},
        ("enrolment", 100))
    s.add("exam", "exam_published", {"exam_id": 50, "name": "考试", "course_id": 1, "plan_id": 7,
                                     "exam_type": "自考", "pass_score": 60,
                                     "attempts_allowed": 2}, ("exam", 50))
    for user_id in (10, 11):
        s.add("exam", "exam_opened", {"exam_id": 50, "user_id": user_id, "course_id": 1,
                                      "plan_id": 7, "opened_at": s.t},
              ("exam_result", user_id))
    for number, score in ((1, 40), (2, 90)):
        s.add("exam", "attempt_submitted", {
            "attempt_id": number, "exam_id": 50, "user_id": 10, "course_id": 1, "plan_id": 7,
            "number": number, "score": score, "passed": score >= 60, "counted_score": score,
            "best_score": max(40, score), "attempts_taken": number,
            "remaining_attempts": 2 - number, "remaining_exempt_attempts": 0,
            "submitted_at": s.t}, ("exam_attempt", number))
    s.add("exam", "exam_passed", {"exam_id": 50, "user_id": 10, "course_id": 1, "plan_id": 7,
                                  "score": 90, "passed_at": s.t},
          ("exam_result", 10))
    s.add("billing", "order_paid", {
        "order_no": "CE2026030100000001", "user_id": 10, "plan_id": 7, "total_fen": 1000,
        "channel": "alipay", "paid_at": s.t, "lines": [
            {"kind": "course", "course_id": 2, "hours": "2.0", "price_fen": 1000}]},
        ("order", "CE2026030100000001"))
    s.add("billing", "order_refunded", {
        "order_no": "CE2026030100000001", "refund_no": "RF1", "user_id": 10, "plan_id": 7,
        "course_ids": [2], "whole": True, "amount_fen": 1000, "refunded_at": s.t},
        ("order", "CE2026030100000001"))
    s.add("billing", "card_redeemed", {"card_no": "6200000000000001", "batch_id": 1,
                                       "user_id": 11, "amount_fen": 5000, "pocket": "card:2026",
                                       "redeemed_at": s.t}, ("card", "6200000000000001"))
    s.add("billing", "balance_recharged", {"order_no": "RC2026030100000001", "user_id": 12,
                                           "amount_fen": 2000, "channel": "alipay",
                                           "paid_at": s.t}, ("order", "RC2026030100000001"))
    return s.envelopes


TABLES = (models.orgs, models.people, models.plans, models.enrolments,
          models.enrolment_courses, models.exams, models.exam_candidates, models.money_days,
          models.participation_days, models.participation_totals)
COUNTER_TABLES = (models.participation_days, models.participation_totals)


def state(db):
    """Every read model's rows; counters that came to nothing (a learner counted at a
    unit, then moved) are as good as absent."""
    with db() as uow:
        found = {}
        for t in TABLES:
            rows = uow.session.execute(sa.select(t)).mappings().all()
            if t in COUNTER_TABLES:
                rows = [r for r in rows if any(r[c] for c in projections.COUNTERS)]
            found[t.name] = sorted(tuple(str(v) for v in r.values()) for r in rows)
        return found


def independent_counts(uow, plan_id, day):
    """Report 1's figures per unit counted straight from people and enrolments."""
    until = datetime.combine(day + timedelta(days=1), datetime.min.time(),
                             ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)
    p, e, c = models.people, models.enrolments, models.enrolment_courses
    counts = {}
    for person in uow.session.execute(sa.select(p).where(p.c.member == "active")).mappings():
        row = counts.setdefault(person["org_id"], [0, 0, 0, 0])
        if person["registered_at"] and as_utc(person["registered_at"]) < until:
            row[0] += 1
        enrolment = uow.session.execute(sa.select(e).where(
            e.c.user_id == person["user_id"], e.c.plan_id == plan_id)).mappings().first()
        holds = uow.session.execute(sa.select(c.c.course_id).where(
            c.c.user_id == person["user_id"], c.c.plan_id == plan_id, c.c.selected)).first()
        for i, column in enumerate(("first_selected_at", "started_at", "passed_at"), 1):
            if i == 1 and not holds:  # 选课: holding a course of the plan now
                continue
            if enrolment and enrolment[column] and as_utc(enrolment[column]) < until:
                row[i] += 1
    return {org: tuple(row) for org, row in counts.items() if any(row)}


def shuffled_batches(events, seed, twice=2, pieces=5):
    """`events` with 1/`twice` of them delivered again, shuffled, cut in `pieces`."""
    rng = random.Random(seed)
    shuffled = events + rng.sample(events, len(events) // twice)
    rng.shuffle(shuffled)
    cut = sorted(rng.sample(range(1, len(shuffled)), pieces - 1))
    return [shuffled[a:b] for a, b in zip([0, *cut], [*cut, len(shuffled)], strict=True)]


def apply_batches(db, batches):
    for batch in batches:
        with db() as uow:
            projections.apply(uow, batch)
            uow.commit()
    return state(db)
