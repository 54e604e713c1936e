"""The read models from the other services' events (models.py). A batch of envelopes is
applied in one transaction: events already applied (the inbox) are skipped, so a
redelivered batch changes nothing; each of the rest goes to its projection, written to
converge whatever the order of delivery — org units and people keep the newest version of
their aggregate, a learner's plan facts keep their earliest time, and org paths are
derived from parent ids (a subtree move re-paths the descendants, wherever they are in
the stream)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from services.common.clock import as_utc
from services.common.events import aggregate_version

from .models import (checkpoints, enrolment_courses, enrolments, exam_candidates, exams,
                     money_days, orgs, people, plans)

HANDLER = "reporting.projections"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(value):
    """A time from an event or a row, in UTC (SQLite's rows come back without an offset)."""
    if value is None:
        return None
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def apply(uow, envelopes):
    """Applies the envelopes not applied before; returns how many it applied."""
    s = uow.session
    fresh, seen = [], set()
    for envelope in envelopes:
        if envelope["id"] not in seen:
            seen.add(envelope["id"])
            fresh.append(envelope)
    applied = set(s.execute(select(uow.inbox.c.event_id).where(
        uow.inbox.c.handler == HANDLER,
        uow.inbox.c.event_id.in_([e["id"] for e in fresh]))).scalars()) if fresh else set()
    fresh = [e for e in fresh if e["id"] not in applied]
    if not fresh:
        return 0
    now = uow.clock.now()
    s.execute(insert(uow.inbox), [{"event_id": e["id"], "handler": HANDLER,
                                   "event_type": e["type"], "applied_at": now} for e in fresh])
    for envelope in fresh:
        handler = HANDLERS.get((envelope["producer"], envelope["type"]))
        if handler is not None:
            handler(uow, envelope["payload"], aggregate_version(envelope))
    _checkpoint(uow, fresh, now)
    return len(fresh)


def _checkpoint(uow, envelopes, now):
    by_producer = {}
    for e in envelopes:
        count, last = by_producer.get(e["producer"], (0, None))
        occurred = _at(e["occurred_at"])
        by_producer[e["producer"]] = (count + 1, max(last, occurred) if last else occurred)
    for producer, (count, last) in by_producer.items():
        held = uow.session.execute(select(checkpoints).where(
            checkpoints.c.producer == producer).with_for_update()).mappings().first()
        if held is None:
            uow.session.execute(insert(checkpoints).values(
                producer=producer, applied=count, last_occurred_at=last, last_applied_at=now))
        else:
            held_last = _at(held["last_occurred_at"])
            uow.session.execute(update(checkpoints).where(checkpoints.c.producer == producer)
                                .values(applied=held["applied"] + count, last_applied_at=now,
                                        last_occurred_at=max(last, held_last) if held_last
                                        else last))


# --- orgtree: units ----------------------------------------------------------------------

def org_state(uow, payload, version):
    s = uow.session
    held = s.execute(select(orgs.c.version, orgs.c.parent_id).where(
        orgs.c.org_id == payload["org_id"])).first()
    if held is not None and version and version <= held.version:
        return
    values = {"parent_id": payload["parent_id"], "name": payload["name"],
              "type": payload["type"], "status": payload["status"], "version": version}
    if held is None:
        s.execute(insert(orgs).values(org_id=payload["org_id"], path="/", **values))
    else:
        s.execute(update(orgs).where(orgs.c.org_id == payload["org_id"]).values(**values))
    _repath(uow, payload["org_id"])


def _repath(uow, org_id):
    """The path of `org_id` from its parent's (its own root while the parent is unknown),
    then its descendants' from theirs."""
    s = uow.session
    todo = [org_id]
    while todo:
        current = todo.pop()
        parent_id = s.execute(select(orgs.c.parent_id).where(orgs.c.org_id == current)
                              ).scalar()
        parent_path = s.execute(select(orgs.c.path).where(orgs.c.org_id == parent_id)
                                ).scalar() if parent_id is not None else None
        s.execute(update(orgs).where(orgs.c.org_id == current).values(
            path=f"{parent_path or '/'}{current}/"))
        todo.extend(s.execute(select(orgs.c.org_id).where(orgs.c.parent_id == current)
                              ).scalars())


# --- people: identity's facts and orgtree's membership ------------------------------------

def _person(uow, user_id):
    return uow.session.execute(select(people).where(people.c.user_id == int(user_id))
                               ).mappings().first()


def _set_person(uow, user_id, values):
    if _person(uow, user_id) is None:
        uow.session.execute(insert(people).values(user_id=int(user_id), **values))
    else:
        uow.session.execute(update(people).where(people.c.user_id == int(user_id))
                            .values(**values))


def user_registered(uow, payload, version):
    held = _person(uow, payload["user_id"])
    values = {"username": payload["username"], "real_name": payload["real_name"],
              "id_number_masked": payload["id_number_masked"],
              "mobile_masked": payload.get("mobile_masked"),
              "education": payload.get("education"),
              "registered_at": _at(payload["registered_at"])}
    if held is None or not held["member_version"]:
        values["org_id"] = payload["org_id"]  # where they asked to belong, until orgtree says
    if held is not None and version and version <= held["identity_version"]:
        # A later change came first: the registration only fills what it left empty.
        values = {k: v for k, v in values.items() if held[k] is None}
    else:
        values["identity_version"] = version
    if values:
        _set_person(uow, payload["user_id"], values)


def user_updated(uow, payload, version):
    held = _person(uow, payload["user_id"])
    if held is not None and version and version <= held["identity_version"]:
        return
    values = {"real_name": payload["real_name"], "id_number_masked": payload["id_number_masked"],
              "identity_version": version}
    for key in ("mobile_masked", "education"):  # events since these were added carry them
        if key in payload:
            values[key] = payload[key]
    if "username" in (payload.get("changes") or {}):
        values["username"] = payload["changes"]["username"]
    _set_person(uow, payload["user_id"], values)


def _membership(member, org_key="org_id"):
    def handle(uow, payload, version):
        held = _person(uow, payload["user_id"])
        if held is not None and version and version <= held["member_version"]:
            return
        _set_person(uow, payload["user_id"], {"org_id": payload[org_key], "member": member,
                                              "member_version": version})
    return handle


def user_withdrawn(uow, payload, version):
    _set_person(uow, payload["user_id"], {"member": "gone"})


# --- learning: plans and the learners' facts in them -----------------------------------------

def plan_state(uow, payload, version):
    held = uow.session.execute(select(plans.c.version).where(
        plans.c.plan_id == payload["plan_id"])).scalar()
    if held is not None and version and version <= held:
        return
    values = {"name": payload["name"], "year": payload["year"], "kind": payload["kind"],
              "status": payload["status"], "version": version}
    if held is None:
        uow.session.execute(insert(plans).values(plan_id=payload["plan_id"], **values))
    else:
        uow.session.execute(update(plans).where(plans.c.plan_id == payload["plan_id"])
                            .values(**values))


def _earliest(column, time_key):
    def handle(uow, payload, version):
        key = (enrolments.c.user_id == payload["user_id"],
               enrolments.c.plan_id == payload["plan_id"])
        held = uow.session.execute(select(enrolments).where(*key)).mappings().first()
        at = _at(payload[time_key])
        if held is None:
            uow.session.execute(insert(enrolments).values(
                user_id=payload["user_id"], plan_id=payload["plan_id"], **{column: at}))
        elif held[column] is None or _at(held[column]) > at:
            uow.session.execute(update(enrolments).where(*key).values(**{column: at}))
    return handle


def _course(uow, payload):
    key = (enrolment_courses.c.user_id == payload["user_id"],
           enrolment_courses.c.plan_id == payload["plan_id"],
           enrolment_courses.c.course_id == payload["course_id"])
    held = uow.session.execute(select(enrolment_courses).where(*key)).mappings().first()
    if held is None:
        uow.session.execute(insert(enrolment_courses).values(
            user_id=payload["user_id"], plan_id=payload["plan_id"],
            course_id=payload["course_id"], kind=payload.get("kind") or "required",
            hours=payload.get("hours") or "0", selected=False, selection_version=0))
        held = uow.session.execute(select(enrolment_courses).where(*key)).mappings().first()
    return key, held


def course_selection(selected):
    def handle(uow, payload, version):
        key, held = _course(uow, payload)
        if version and version <= held["selection_version"]:
            return
        values = {"selected": selected, "selection_version": version}
        if selected:
            values |= {"kind": payload["kind"], "hours": payload["hours"]}
        uow.session.execute(update(enrolment_courses).where(*key).values(**values))
    return handle


def course_completed(uow, payload, version):
    key, held = _course(uow, payload)
    at = _at(payload["completed_at"])
    if held["completed_at"] is None or _at(held["completed_at"]) > at:
        uow.session.execute(update(enrolment_courses).where(*key).values(
            completed_at=at, kind=payload["kind"], hours=payload["hours"]))


# --- exam: exams and the learners' standing in them ------------------------------------------

def exam_state(uow, payload, version):
    held = uow.session.execute(select(exams.c.version).where(
        exams.c.exam_id == payload["exam_id"])).scalar()
    if held is not None and version and version <= held:
        return
    values = {k: payload.get(k) for k in ("name", "course_id", "plan_id", "plan_name",
                                          "exam_type", "pass_score", "attempts_allowed",
                                          "org_id")}
    values |= {"exempt_attempts": payload.get("exempt_attempts") or 0,
               "status": payload.get("status") or "published", "version": version}
    if held is None:
        uow.session.execute(insert(exams).values(exam_id=payload["exam_id"], **values))
    else:
        uow.session.execute(update(exams).where(exams.c.exam_id == payload["exam_id"])
                            .values(**values))


def _candidate(uow, exam_id, user_id):
    key = (exam_candidates.c.exam_id == exam_id, exam_candidates.c.user_id == user_id)
    held = uow.session.execute(select(exam_candidates).where(*key)).mappings().first()
    if held is None:
        uow.session.execute(insert(exam_candidates).values(exam_id=exam_id, user_id=user_id,
                                                           attempts_taken=0))
        held = uow.session.execute(select(exam_candidates).where(*key)).mappings().first()
    return key, held


def exam_opened(uow, payload, version):
    key, held = _candidate(uow, payload["exam_id"], payload["user_id"])
    at = _at(payload["opened_at"])
    if held["opened_at"] is None or _at(held["opened_at"]) > at:
        uow.session.execute(update(exam_candidates).where(*key).values(opened_at=at))


def attempt_submitted(uow, payload, version):
    """The learner's standing after the attempt: a later attempt's (more taken) wins."""
    key, held = _candidate(uow, payload["exam_id"], payload["user_id"])
    taken = payload.get("attempts_taken") or payload.get("number") or 1
    best = max(s for s in (held["best_score"], payload.get("best_score"), payload["score"])
               if s is not None)
    values = {"best_score": best}
    if taken >= held["attempts_taken"]:
        values |= {"attempts_taken": taken, "last_attempt_at": _at(payload["submitted_at"]),
                   "remaining_attempts": payload.get("remaining_attempts"),
                   "remaining_exempt_attempts": payload.get("remaining_exempt_attempts")}
    if held["opened_at"] is None:
        values["opened_at"] = _at(payload["submitted_at"])  # opened by then, surely
    uow.session.execute(update(exam_candidates).where(*key).values(**values))


def exam_passed(uow, payload, version):
    key, held = _candidate(uow, payload["exam_id"], payload["user_id"])
    at = _at(payload["passed_at"])
    if held["passed_at"] is None or _at(held["passed_at"]) > at:
        uow.session.execute(update(exam_candidates).where(*key).values(passed_at=at))


# --- billing: money per day ------------------------------------------------------------------

def _money(kind, time_key, plan_key="plan_id"):
    def handle(uow, payload, version):
        day = _at(payload[time_key]).astimezone(SHANGHAI).date()
        plan_id = payload.get(plan_key) or 0 if plan_key else 0
        key = (money_days.c.day == day, money_days.c.plan_id == plan_id,
               money_days.c.kind == kind)
        amount = payload.get("total_fen", payload.get("amount_fen", 0))
        if uow.session.execute(select(money_days.c.day).where(*key)).first() is None:
            uow.session.execute(insert(money_days).values(day=day, plan_id=plan_id, kind=kind,
                                                          count=1, fen=amount))
        else:
            uow.session.execute(update(money_days).where(*key).values(
                count=money_days.c.count + 1, fen=money_days.c.fen + amount))
    return handle


HANDLERS = {
    **{("orgtree", t): org_state for t in ("org_registered", "org_approved", "org_rejected",
                                           "org_withdrawn", "org_updated", "org_moved")},
    ("orgtree", "member_review_requested"): _membership("pending"),
    ("orgtree", "member_approved"): _membership("active"),
    ("orgtree", "member_rejected"): _membership("gone"),
    ("orgtree", "member_transferred"): _membership("active", "to_org_id"),
    ("identity", "user_registered"): user_registered,
    ("identity", "user_updated"): user_updated,
    ("identity", "user_withdrawn"): user_withdrawn,
    ("learning", "plan_published"): plan_state,
    ("learning", "plan_updated"): plan_state,
    ("learning", "plan_activated"): _earliest("activated_at", "activated_at"),
    ("learning", "course_selected"): lambda uow, payload, version: (
        _earliest("first_selected_at", "selected_at")(uow, payload, version),
        course_selection(True)(uow, payload, version)),
    ("learning", "course_withdrawn"): course_selection(False),
    ("learning", "learning_started"): _earliest("started_at", "started_at"),
    ("learning", "plan_completed"): _earliest("passed_at", "completed_at"),
    ("learning", "course_completed"): course_completed,
    ("billing", "order_paid"): _money("paid", "paid_at"),
    ("billing", "order_refunded"): _money("refund", "refunded_at"),
    ("billing", "card_redeemed"): _money("card", "redeemed_at", None),
    ("billing", "balance_recharged"): _money("recharge", "paid_at", None),
    ("exam", "exam_published"): exam_state,
    ("exam", "exam_opened"): exam_opened,
    ("exam", "attempt_submitted"): attempt_submitted,
    ("exam", "exam_passed"): exam_passed,
}
