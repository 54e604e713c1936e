"""How each event changes a read-model row, as plain functions: `fold(held, payload,
version)` gets the row as held (every column; a fresh row holds the defaults and its key)
and returns the new row, or None when the event changes nothing. Each rule converges
whatever the order of delivery: org units, people, plans and exams keep the newest
version of their aggregate (identity's and orgtree's versions of a person apart); a
learner's facts keep their earliest time; an exam standing follows the latest attempt.
Money rows are sums — the inbox applies each event once.

`contribution(person, enrolments, holding)` is what one learner adds to 参训情况统计表's counters:
+1 per fact, at their unit and the Beijing day of the fact; a change of anything about
the learner moves their whole contribution (projections.py writes the difference)."""
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
REGISTRATIONS = 0  # the counters' plan for 注册人数, which no plan owns


def at(value):
    """A time from an event or a row, in UTC (SQLite's rows come back without an offset)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


def beijing_day(value):
    return at(value).astimezone(SHANGHAI).date()


def _older(held_version, version):
    """The event is not newer than what the row holds (events without a version apply)."""
    return bool(version) and version <= (held_version or 0)


def _changed(held, values):
    new = held | values
    return None if new == held else new


# --- orgtree: units ----------------------------------------------------------------------

def org(held, payload, version):
    if _older(held["version"], version):
        return None
    return _changed(held, {"parent_id": payload["parent_id"], "name": payload["name"],
                           "type": payload["type"], "status": payload["status"],
                           "version": version})


def org_paths(units, changed):
    """New paths ("/1/7/") for the units `changed` and all their descendants, from
    `units` {org_id: (parent_id, path)}; a unit whose parent is unknown is its own root."""
    children = {}
    for org_id, (parent_id, _path) in units.items():
        children.setdefault(parent_id, []).append(org_id)
    paths, todo = {}, list(changed)
    while todo:
        org_id = todo.pop()
        parent_id = units[org_id][0]
        parent_path = paths.get(parent_id) or (units[parent_id][1] if parent_id in units
                                               else None)
        path = f"{parent_path or '/'}{org_id}/"
        if paths.get(org_id) != path:
            paths[org_id] = path
            todo.extend(children.get(org_id, ()))
    return paths


# --- people: identity's facts and orgtree's membership --------------------------------------

def user_registered(held, payload, version):
    values = {"username": payload["username"], "real_name": payload["real_name"],
              "id_number_masked": payload["id_number_masked"],
              "mobile_masked": payload.get("mobile_masked"),
              "education": payload.get("education"),
              "registered_at": at(payload["registered_at"])}
    if not held["member_version"]:
        values["org_id"] = payload["org_id"]  # where they asked to belong, until orgtree says
    if _older(held["identity_version"], version):
        # A later change came first: the registration only fills what it left empty.
        values = {k: v for k, v in values.items() if held[k] is None}
    else:
        values["identity_version"] = version
    return _changed(held, values)


def user_updated(held, payload, version):
    if _older(held["identity_version"], version):
        return None
    values = {"real_name": payload["real_name"], "id_number_masked": payload["id_number_masked"],
              "identity_version": version}
    for key in ("mobile_masked", "education"):  # events since these were added carry them
        if key in payload:
            values[key] = payload[key]
    if "username" in (payload.get("changes") or {}):
        values["username"] = payload["changes"]["username"]
    return _changed(held, values)


def membership(member, org_key="org_id"):
    def fold(held, payload, version):
        if _older(held["member_version"], version):
            return None
        return _changed(held, {"org_id": payload[org_key], "member": member,
                               "member_version": version})
    fold.__name__ = f"membership_{member}"
    return fold


def user_withdrawn(held, payload, version):
    return _changed(held, {"member": "gone"})


# --- learning: plans and the learners' facts in them -----------------------------------------

def plan(held, payload, version):
    if _older(held["version"], version):
        return None
    return _changed(held, {"name": payload["name"], "year": payload["year"],
                           "kind": payload["kind"], "status": payload["status"],
                           "version": version})


def earliest(column, time_key):
    def fold(held, payload, version):
        value = at(payload[time_key])
        if held[column] is not None and at(held[column]) <= value:
            return None
        return held | {column: value}
    fold.__name__ = f"earliest_{column}"
    return fold


def course_selection(selected):
    def fold(held, payload, version):
        if _older(held["selection_version"], version):
            # A newer withdrawal came first: the course's kind and hours still hold.
            return _changed(held, {"kind": payload["kind"], "hours": payload["hours"]}) \
                if selected and not held["selected"] else None
        values = {"selected": selected, "selection_version": version}
        if selected:
            values |= {"kind": payload["kind"], "hours": payload["hours"]}
        return _changed(held, values)
    fold.__name__ = "course_selected" if selected else "course_withdrawn"
    return fold


def course_completed(held, payload, version):
    value = at(payload["completed_at"])
    if held["completed_at"] is not None and at(held["completed_at"]) <= value:
        return None
    return held | {"completed_at": value, "kind": payload["kind"], "hours": payload["hours"]}


# --- exam: exams and the learners' standing in them ------------------------------------------

def exam(held, payload, version):
    if _older(held["version"], version):
        return None
    values = {k: payload.get(k) for k in ("name", "course_id", "plan_id", "plan_name",
                                          "exam_type", "pass_score", "attempts_allowed",
                                          "org_id")}
    values |= {"exempt_attempts": payload.get("exempt_attempts") or 0,
               "status": payload.get("status") or "published", "version": version}
    return _changed(held, values)


def exam_opened(held, payload, version):
    value = at(payload["opened_at"])
    if held["opened_at"] is not None and at(held["opened_at"]) <= value:
        return None
    return held | {"opened_at": value}


def attempt_submitted(held, payload, version):
    """The learner's standing after the attempt: a later attempt's (more taken) wins."""
    taken = payload.get("attempts_taken") or payload.get("number") or 1
    values = {"best_score": max(s for s in (held["best_score"], payload.get("best_score"),
                                            payload["score"]) if s is not None)}
    if taken >= held["attempts_taken"]:
        values |= {"attempts_taken": taken, "last_attempt_at": at(payload["submitted_at"]),
                   "remaining_attempts": payload.get("remaining_attempts"),
                   "remaining_exempt_attempts": payload.get("remaining_exempt_attempts")}
    if held["opened_at"] is None:
        values["opened_at"] = at(payload["submitted_at"])  # opened by then, surely
    return _changed(held, values)


def exam_passed(held, payload, version):
    value = at(payload["passed_at"])
    if held["passed_at"] is not None and at(held["passed_at"]) <= value:
        return None
    return held | {"passed_at": value}


# --- billing: money per day ------------------------------------------------------------------

def money_key(kind, time_key, plan_key="plan_id"):
    def key(payload):
        plan_id = (payload.get(plan_key) or 0) if plan_key else 0
        return beijing_day(payload[time_key]), plan_id, kind
    return key


def money(held, payload, version):
    amount = payload.get("total_fen", payload.get("amount_fen", 0))
    return held | {"count": held["count"] + 1, "fen": held["fen"] + amount}


# --- 参训情况统计表's counters ---------------------------------------------------------------

FACTS = (("first_selected_at", "selected"), ("started_at", "participating"),
         ("passed_at", "completed"))


def contribution(person, enrolments, holding=frozenset()):
    """{(plan_id, org_id, day, counter): +n} for one learner: counted while an active
    member of a unit — registered (plan 0) and each plan's facts, on the fact's day; 选课
    only in the plans where they hold a course now (`holding`: a refund can take back the
    only one)."""
    counts = Counter()
    if person is None or person["member"] != "active" or person["org_id"] is None:
        return counts
    org_id = person["org_id"]
    if person["registered_at"] is not None:
        counts[(REGISTRATIONS, org_id, beijing_day(person["registered_at"]), "registered")] += 1
    for enrolment in enrolments:
        for column, counter in FACTS:
            if enrolment[column] is None:
                continue
            if counter == "selected" and enrolment["plan_id"] not in holding:
                continue
            counts[(enrolment["plan_id"], org_id, beijing_day(enrolment[column]), counter)] += 1
    return counts
