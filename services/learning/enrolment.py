"""我的课程: the plans a learner may take, by tab; 去激活 (activation, with the required
courses selected at once and free); the plan page with its hours; electives to browse;
and whether a learner may watch a course now."""
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.clock import as_utc
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from . import people
from .contracts import ElectiveQuery, MyPlansQuery
from .domain import hours as hrs
from .domain import scope
from .domain.calendar import plan_open, shanghai_today
from .domain.completion import standing
from .domain.pricing import course_price_fen
from .models import (course_progress, courses, enrolments, exam_results, orgs, plan_courses,
                     plans, selections)
from .operators import require_learner
from .plans import get_plan, plan_course_rows, view

STATUS_LABELS = {None: "待激活", "learning": "学习中", "passed": "已通过"}


def today(uow):
    return shanghai_today(uow.clock.now())


def scope_refusal(uow, plan, actor, person=None, scope_orgs=None):
    """Why the learner may not take the plan (None: they may). A list passes the person
    and {org id: (path, name)} of the plans' scopes, looked up once for all."""
    if scope_orgs is None:
        scope_orgs = _scope_orgs(uow, [plan])
    person = person if person is not None else (people.learner(uow, actor["user_id"]) or {})
    scope_path = (scope_orgs.get(plan["scope_org_id"]) or (None, None))[0]
    return scope.refusal(plan, actor.get("org_path"), person.get("title_level"),
                         person.get("professional_title"), scope_path)


def _scope_orgs(uow, plan_rows):
    ids = {p["scope_org_id"] for p in plan_rows if p["scope_org_id"] is not None}
    if not ids:
        return {}
    return {r.id: (r.path, r.name) for r in uow.session.execute(
        select(orgs.c.id, orgs.c.path, orgs.c.name).where(orgs.c.id.in_(ids)))}


def enrolment_of(uow, user_id, plan_id, lock=False):
    query = select(enrolments).where(enrolments.c.user_id == int(user_id),
                                     enrolments.c.plan_id == int(plan_id))
    if lock:
        query = query.with_for_update()
    row = uow.session.execute(query).mappings().first()
    return dict(row) if row else None


def _tab_filter(tab, year):
    return {
        "all": and_(plans.c.year == year) | plans.c.makeup,
        "current_public": and_(plans.c.kind == "public", ~plans.c.makeup, plans.c.year == year),
        "makeup": plans.c.makeup,
        "professional": and_(plans.c.kind == "professional", plans.c.year == year),
        "history": and_(plans.c.year < year, ~plans.c.makeup),
    }[tab]


def my_plans(uow, actor, query):
    """The learner's plans on one tab of 我的课程, each with its state (待激活 / 学习中 /
    已通过), hours and what can be done with it now. 历史课程 (history) lists past years'
    plans the learner took."""
    require_learner(actor)
    clean = load(MyPlansQuery(), query or {})
    day = today(uow)
    rows = uow.session.execute(
        select(plans, enrolments.c.id.label("enrolment_id"),
               enrolments.c.status.label("enrolment_status"),
               enrolments.c.activated_at, enrolments.c.passed_at)
        .outerjoin(enrolments, and_(enrolments.c.plan_id == plans.c.id,
                                    enrolments.c.user_id == actor["user_id"]))
        .where(plans.c.status != "draft", _tab_filter(clean["tab"], day.year))
        .order_by(plans.c.year.desc(), plans.c.kind.desc(), plans.c.makeup, plans.c.id)
    ).mappings().all()
    enrolled = [r["enrolment_id"] for r in rows if r["enrolment_id"]]
    selected = _selected_hours(uow, enrolled)
    person = people.learner(uow, actor["user_id"]) or {}
    scope_orgs = _scope_orgs(uow, rows)
    names = {org_id: name for org_id, (_, name) in scope_orgs.items()}
    items = []
    for row in rows:
        plan = dict(row)
        if row["enrolment_id"] is None:
            # Not taken: shown only while it can be activated and the learner is in scope.
            if clean["tab"] == "history" or not plan_open(plan, day) \
                    or scope_refusal(uow, plan, actor, person, scope_orgs):
                continue
        item = view(uow, plan, day, org_names=names)
        item.update({
            "enrolment_id": row["enrolment_id"],
            "enrolment_status": row["enrolment_status"] or "not_activated",
            "enrolment_status_label": STATUS_LABELS[row["enrolment_status"]],
            "activated_at": _iso(row["activated_at"]), "passed_at": _iso(row["passed_at"]),
            "selected_hours": hrs.text(selected.get(row["enrolment_id"], 0)),
            "can_learn": plan_open(plan, day) and row["enrolment_id"] is not None,
        })
        items.append(item)
    return {"tab": clean["tab"], "year": day.year, "items": items}


def _iso(value):
    return as_utc(value).isoformat() if value else None


def _selected_hours(uow, enrolment_ids):
    if not enrolment_ids:
        return {}
    return dict(uow.session.execute(
        select(selections.c.enrolment_id, func.sum(courses.c.hours))
        .join(courses, courses.c.id == selections.c.course_id)
        .where(selections.c.enrolment_id.in_(enrolment_ids), selections.c.status == "active")
        .group_by(selections.c.enrolment_id)).all())


def activate(uow, actor, plan_id):
    """去激活: records the activation; required courses of a plan whose required courses
    are free are selected with it."""
    require_learner(actor)
    plan = get_plan(uow, plan_id)
    if not plan_open(plan, today(uow)):
        raise Conflict("plan_not_open", "该培训计划不在开通期内，不能激活")
    refusal = scope_refusal(uow, plan, actor)
    if refusal:
        raise Forbidden("plan_out_of_scope", refusal)
    if enrolment_of(uow, actor["user_id"], plan["id"]):
        raise Conflict("plan_already_activated", "您已激活该培训计划")
    now = uow.clock.now()
    try:
        with uow.session.begin_nested():
            enrolment_id = uow.session.execute(insert(enrolments).values(
                plan_id=plan["id"], user_id=actor["user_id"], org_id=actor.get("org_id"),
                status="learning", activated_at=now)).inserted_primary_key[0]
    except IntegrityError:  # the same learner's other request won the race
        raise Conflict("plan_already_activated", "您已激活该培训计划") from None
    uow.add_event("plan_activated", {"enrolment_id": enrolment_id, "user_id": actor["user_id"],
                                     "plan_id": plan["id"], "org_id": actor.get("org_id"),
                                     "activated_at": now})
    if plan["pricing"] == "per_hour" and plan["required_free"]:
        required = [c for c in plan_course_rows(uow, plan["id"]) if c["kind"] == "required"]
        select_courses(uow, enrolment_id, plan, actor["user_id"], required, order_no=None)
    uow.commit()
    return plan_page(uow, actor, plan["id"])


def select_courses(uow, enrolment_id, plan, user_id, course_rows, order_no):
    """Make courses the learner's in the plan (required at activation, paid electives);
    a course already held is left as it is (an order applied twice changes nothing)."""
    now = uow.clock.now()
    held = {r.course_id: r for r in uow.session.execute(
        select(selections.c.course_id, selections.c.status, selections.c.id)
        .where(selections.c.enrolment_id == enrolment_id))}
    newly = []
    for course in course_rows:
        current = held.get(course["course_id"])
        if current is not None and current.status == "active":
            continue
        if current is None:
            uow.session.execute(insert(selections).values(
                enrolment_id=enrolment_id, plan_id=plan["id"], user_id=user_id,
                course_id=course["course_id"], kind=course["kind"], status="active",
                order_no=order_no, selected_at=now))
        else:
            uow.session.execute(update(selections).where(selections.c.id == current.id).values(
                status="active", order_no=order_no, selected_at=now, withdrawn_at=None))
        uow.add_event("course_selected", {
            "enrolment_id": enrolment_id, "user_id": user_id, "plan_id": plan["id"],
            "course_id": course["course_id"], "kind": course["kind"],
            "hours": hrs.text(course["hours"]), "order_no": order_no, "selected_at": now})
        newly.append(course)
    _studied_before(uow, enrolment_id, plan, user_id, newly)


def _studied_before(uow, enrolment_id, plan, user_id, newly):
    """Courses just selected that the learner studied already (one course may sit in
    several plans, and what was watched stays watched): the plan gets what they mean now,
    as it would have got them from the heartbeats — its first studied second
    (learning_started, 参训), each course completed (course_completed: exams open, reports
    count its hours) — and may pass."""
    if not newly:
        return
    studied = {r.course_id: r for r in uow.session.execute(
        select(course_progress.c.course_id, course_progress.c.started_at,
               course_progress.c.completed_at).where(
            course_progress.c.user_id == user_id,
            course_progress.c.course_id.in_([c["course_id"] for c in newly])))}
    if not studied:
        return
    first = min(as_utc(r.started_at) for r in studied.values())
    if uow.session.execute(update(enrolments).where(
            enrolments.c.id == enrolment_id, enrolments.c.started_at.is_(None))
            .values(started_at=first)).rowcount:
        course_id = min(studied, key=lambda c: as_utc(studied[c].started_at))
        uow.add_event("learning_started", {"enrolment_id": enrolment_id, "user_id": user_id,
                                           "plan_id": plan["id"], "course_id": course_id,
                                           "started_at": first})
    done = [c for c in newly if studied.get(c["course_id"]) is not None
            and studied[c["course_id"]].completed_at is not None]
    for course in done:
        uow.add_event("course_completed", {
            "enrolment_id": enrolment_id, "user_id": user_id, "plan_id": plan["id"],
            "course_id": course["course_id"], "kind": course["kind"],
            "hours": hrs.text(course["hours"]),
            "completed_at": as_utc(studied[course["course_id"]].completed_at)})
    if done:
        from .plan_completion import evaluate  # it reads the standing from this module
        evaluate(uow, enrolment_id, uow.clock.now())


def selected_courses(uow, enrolment_id, user_id):
    """The learner's active selections in a plan, with progress and exam standing."""
    rows = uow.session.execute(
        select(selections.c.course_id, selections.c.kind, selections.c.order_no,
               selections.c.selected_at, courses.c.title, courses.c.hours,
               courses.c.teacher_name, plan_courses.c.exam_required,
               course_progress.c.covered_ms, course_progress.c.completed_at,
               course_progress.c.started_at)
        .join(courses, courses.c.id == selections.c.course_id)
        .join(plan_courses, and_(plan_courses.c.plan_id == selections.c.plan_id,
                                 plan_courses.c.course_id == selections.c.course_id))
        .outerjoin(course_progress, and_(course_progress.c.user_id == selections.c.user_id,
                                         course_progress.c.course_id == selections.c.course_id))
        .where(selections.c.enrolment_id == enrolment_id, selections.c.status == "active")
        .order_by(selections.c.kind.desc(), plan_courses.c.seq)).mappings().all()
    durations = course_durations(uow, [r["course_id"] for r in rows])
    scores = best_scores(uow, user_id, [r["course_id"] for r in rows])
    items = []
    for r in rows:
        duration = durations.get(r["course_id"]) or 0
        covered = r["covered_ms"] or 0
        items.append({
            "course_id": r["course_id"], "title": r["title"], "hours": hrs.text(r["hours"]),
            "teacher_name": r["teacher_name"], "kind": r["kind"],
            "exam_required": r["exam_required"], "order_no": r["order_no"],
            "progress_percent": 100 if r["completed_at"] else (
                min(99, covered * 100 // duration) if duration else 0),
            "completed": r["completed_at"] is not None,
            "completed_at": _iso(r["completed_at"]), "started_at": _iso(r["started_at"]),
            "exam_passed": scores.get(r["course_id"], {}).get("passed", False),
            "exam_score": scores.get(r["course_id"], {}).get("score")})
    return items


def course_durations(uow, course_ids):
    from .models import chapters
    if not course_ids:
        return {}
    return dict(uow.session.execute(
        select(chapters.c.course_id, func.sum(chapters.c.duration_ms))
        .where(chapters.c.course_id.in_(course_ids)).group_by(chapters.c.course_id)).all())


def best_scores(uow, user_id, course_ids):
    if not course_ids:
        return {}
    found = {}
    for r in uow.session.execute(select(exam_results).where(
            exam_results.c.user_id == int(user_id), exam_results.c.course_id.in_(course_ids))):
        entry = found.setdefault(r.course_id, {"passed": False, "score": None})
        entry["passed"] = entry["passed"] or r.passed_at is not None
        if r.best_score is not None:
            entry["score"] = max(entry["score"] or 0, r.best_score)
    return found


def plan_exams_passed(uow, user_id, plan_id):
    return uow.session.execute(select(func.count()).select_from(exam_results).where(
        exam_results.c.user_id == int(user_id), exam_results.c.plan_id == int(plan_id),
        exam_results.c.course_id.is_(None), exam_results.c.passed_at.is_not(None))).scalar()


def standing_of(uow, plan, enrolment, courses_=None):
    courses_ = courses_ if courses_ is not None else selected_courses(
        uow, enrolment["id"], enrolment["user_id"])
    passed = {c["course_id"] for c in courses_ if c["exam_passed"]}
    return standing(courses_, passed, plan_exams_passed(uow, enrolment["user_id"], plan["id"]),
                    plan["extra_required_exams"] if plan["makeup"] else 0)


def plan_page(uow, actor, plan_id):
    """The plan as the learner sees it: the plan's hours against the selected hours, the
    selected courses (已选课程) with progress and exams, what is missing to pass."""
    require_learner(actor)
    plan = get_plan(uow, plan_id)
    enrolment = enrolment_of(uow, actor["user_id"], plan["id"])
    day = today(uow)
    answer = view(uow, plan, day)
    answer["open"] = plan_open(plan, day)
    if enrolment is None:
        refusal = scope_refusal(uow, plan, actor)
        if plan["status"] == "draft" or refusal:
            raise NotFound("plan_not_found", refusal or "培训计划不存在")
        return answer | {"enrolment_status": "not_activated", "enrolment_status_label": "待激活",
                         "courses": [], "enrolment_id": None}
    items = selected_courses(uow, enrolment["id"], actor["user_id"])
    st = standing_of(uow, plan, enrolment, items)
    return answer | {
        "enrolment_id": enrolment["id"], "enrolment_status": enrolment["status"],
        "enrolment_status_label": STATUS_LABELS[enrolment["status"]],
        "activated_at": _iso(enrolment["activated_at"]), "passed_at": _iso(enrolment["passed_at"]),
        "courses": items,
        "hours": {"required_selected": hrs.text(st.required_selected),
                  "elective_selected": hrs.text(st.elective_selected),
                  "total_selected": hrs.text(st.total_selected),
                  "required_completed": hrs.text(st.required_completed),
                  "elective_completed": hrs.text(st.elective_completed),
                  "total_completed": hrs.text(st.total_completed)},
        "exams_missing": st.exams_missing}


def electives(uow, storage, actor, plan_id, query):
    """选修课: the plan's electives, searchable by name, each with its price and whether
    the learner has it; preview is free."""
    from .courses import image_link
    require_learner(actor)
    plan = get_plan(uow, plan_id)
    if plan["status"] == "draft" or scope_refusal(uow, plan, actor):
        raise NotFound("plan_not_found", "培训计划不存在")
    clean = load(ElectiveQuery(), query or {})
    enrolment = enrolment_of(uow, actor["user_id"], plan["id"])
    held = set()
    if enrolment:
        held = set(uow.session.execute(select(selections.c.course_id).where(
            selections.c.enrolment_id == enrolment["id"], selections.c.status == "active")
        ).scalars())
    rows = (select(courses, plan_courses.c.kind, plan_courses.c.exam_required)
            .join(plan_courses, plan_courses.c.course_id == courses.c.id)
            .where(plan_courses.c.plan_id == plan["id"], plan_courses.c.kind == "elective",
                   courses.c.status == "active")
            .order_by(plan_courses.c.seq, courses.c.id))
    if clean["q"]:
        rows = rows.where(courses.c.title.contains(clean["q"], autoescape=True))

    def item(r):
        return {"course_id": r["id"], "title": r["title"], "hours": hrs.text(r["hours"]),
                "teacher_name": r["teacher_name"], "teacher_title": r["teacher_title"],
                "cover_url": image_link(storage, r["cover_key"]),
                "price_fen": course_price_fen(plan, r["hours"], "elective"),
                "exam_required": r["exam_required"], "preview_seconds": r["preview_seconds"],
                "selected": r["id"] in held}
    return paged(uow.session, rows, page_request(clean), view=item)


def watchable_plan(uow, user_id, course_id):
    """The open plan through which the learner may watch the course now, or Forbidden
    with the reason (not selected or not paid, the plan closed)."""
    rows = uow.session.execute(
        select(plans).join(selections, selections.c.plan_id == plans.c.id)
        .where(selections.c.user_id == int(user_id), selections.c.course_id == int(course_id),
               selections.c.status == "active")).mappings().all()
    if not rows:
        raise Forbidden("course_not_selected", "您还没有选这门课程（选修课须先购买）")
    day = None
    for plan in rows:
        day = day or today(uow)
        if plan_open(plan, day):
            return dict(plan)
    raise Forbidden("plan_closed", "培训计划已结束（系统下线），不能再学习")


def require_course_in_plan(uow, plan_id, course_ids):
    rows = {r["course_id"]: r for r in plan_course_rows(uow, plan_id)}
    missing = [c for c in course_ids if c not in rows]
    if missing:
        raise InvalidInput("course_not_in_plan", "所选课程不属于该培训计划",
                           fields={"course_ids": [f"不属于该计划的课程：{missing}"]})
    return rows
