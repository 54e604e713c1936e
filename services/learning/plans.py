"""培训计划, run by the operator: created as drafts, published, closed and reopened; each
change of a published plan is announced with the plan's whole state (plan_published /
plan_updated), courses included."""
from sqlalchemy import delete, func, insert, select, update

from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from .contracts import PlanBody, PlanQuery
from .domain import hours as hrs
from .domain.calendar import plan_state_label, shanghai_today
from .models import courses, orgs, plan_courses, plans
from .operators import require_operator

KIND_LABELS = {"public": "公需科目", "professional": "专业科目"}


def get_plan(uow, plan_id, lock=False):
    query = select(plans).where(plans.c.id == int(plan_id))
    if lock:
        query = query.with_for_update()
    row = uow.session.execute(query).mappings().first()
    if row is None:
        raise NotFound("plan_not_found", "培训计划不存在")
    return dict(row)


def plan_course_rows(uow, plan_id):
    return uow.session.execute(
        select(courses.c.id.label("course_id"), courses.c.title, courses.c.hours,
               courses.c.teacher_name, plan_courses.c.kind, plan_courses.c.exam_required,
               plan_courses.c.seq)
        .join(plan_courses, plan_courses.c.course_id == courses.c.id)
        .where(plan_courses.c.plan_id == int(plan_id))
        .order_by(plan_courses.c.kind.desc(), plan_courses.c.seq, courses.c.id)
    ).mappings().all()


def state(uow, plan):
    """The plan's whole state, as its events carry it."""
    return {"plan_id": plan["id"], "name": plan["name"], "year": plan["year"],
            "kind": plan["kind"], "category": plan["category"], "makeup": plan["makeup"],
            "status": plan["status"], "total_hours": hrs.text(plan["total_hours"]),
            "required_hours": hrs.text(plan["required_hours"]),
            "extra_required_exams": plan["extra_required_exams"],
            "opens_on": plan["opens_on"], "closes_on": plan["closes_on"],
            "pay_deadline": plan["pay_deadline"], "scope_org_id": plan["scope_org_id"],
            "courses": [{"course_id": c["course_id"], "title": c["title"],
                         "hours": hrs.text(c["hours"]), "kind": c["kind"],
                         "exam_required": c["exam_required"]}
                        for c in plan_course_rows(uow, plan["id"])]}


def view(uow, plan, today=None, with_courses=False, org_names=None):
    """A plan as the API shows it; `org_names` ({org id: name}) spares a lookup per plan
    when a list shows many."""
    today = today or shanghai_today(uow.clock.now())
    answer = {
        "plan_id": plan["id"], "name": plan["name"], "year": plan["year"], "kind": plan["kind"],
        "kind_label": KIND_LABELS[plan["kind"]], "category": plan["category"],
        "makeup": plan["makeup"], "description": plan["description"],
        "total_hours": hrs.text(plan["total_hours"]),
        "required_hours": hrs.text(plan["required_hours"]),
        "elective_hours": hrs.text(hrs.hours(plan["total_hours"]) - hrs.hours(plan["required_hours"])),
        "pricing": plan["pricing"], "price_per_hour_fen": plan["price_per_hour_fen"],
        "flat_price_fen": plan["flat_price_fen"], "required_free": plan["required_free"],
        "cards_allowed": plan["cards_allowed"],
        "extra_required_exams": plan["extra_required_exams"],
        "opens_on": plan["opens_on"].isoformat(), "closes_on": plan["closes_on"].isoformat(),
        "pay_deadline": plan["pay_deadline"].isoformat(),
        "scope_org_id": plan["scope_org_id"],
        "scope_org_name": (org_names.get(plan["scope_org_id"]) if org_names is not None
                           else _org_name(uow, plan["scope_org_id"])),
        "scope_title_levels": list(plan["scope_title_levels"] or []),
        "scope_series": list(plan["scope_series"] or []),
        "status": plan["status"], "state_label": plan_state_label(plan, today),
    }
    if with_courses:
        rows = plan_course_rows(uow, plan["id"])
        answer["courses"] = [{"course_id": c["course_id"], "title": c["title"],
                              "hours": hrs.text(c["hours"]), "teacher_name": c["teacher_name"],
                              "kind": c["kind"], "exam_required": c["exam_required"]}
                             for c in rows]
        answer["course_count"] = len(rows)
        answer["catalogue_hours"] = hrs.text(hrs.total(c["hours"] for c in rows))
    return answer


def _org_name(uow, org_id):
    if org_id is None:
        return None
    return uow.session.execute(select(orgs.c.name).where(orgs.c.id == org_id)).scalar()


def _checked(uow, data):
    clean = load(PlanBody(), data)
    problems = {}
    total, required = hrs.hours(clean["total_hours"]), hrs.hours(clean["required_hours"])
    if required > total:
        problems["required_hours"] = ["必修学时不能超过考核学时"]
    if total <= 0:
        problems["total_hours"] = ["考核学时须大于0"]
    if clean["opens_on"] > clean["closes_on"]:
        problems["closes_on"] = ["结束日期不能早于开通日期"]
    if not clean["opens_on"] <= clean["pay_deadline"] <= clean["closes_on"]:
        problems["pay_deadline"] = ["缴费截止日期须在开通期内"]
    if clean["kind"] == "professional" and not clean["category"]:
        problems["category"] = ["专业科目计划须选择类别"]
    if clean["pricing"] == "flat" and clean["flat_price_fen"] <= 0:
        problems["flat_price_fen"] = ["按计划收费须填写计划价格"]
    ids = [c["course_id"] for c in clean["courses"]]
    if len(set(ids)) != len(ids):
        problems["courses"] = ["同一课程不能重复加入计划"]
    elif ids:
        found = set(uow.session.execute(select(courses.c.id).where(courses.c.id.in_(ids))
                                        ).scalars())
        if found != set(ids):
            missing = "、".join(str(i) for i in sorted(set(ids) - found))
            problems["courses"] = [f"课程不存在：{missing}"]
    if clean["scope_org_id"] is not None and _org_name(uow, clean["scope_org_id"]) is None:
        problems["scope_org_id"] = ["单位不存在"]
    if problems:
        raise InvalidInput("plan_invalid", "培训计划的设置有误", fields=problems)
    return clean


def _write_courses(uow, plan_id, refs):
    uow.session.execute(delete(plan_courses).where(plan_courses.c.plan_id == plan_id))
    if refs:
        uow.session.execute(insert(plan_courses), [
            {"plan_id": plan_id, "course_id": r["course_id"], "kind": r["kind"],
             "exam_required": r["exam_required"], "seq": n} for n, r in enumerate(refs, 1)])


def _columns(clean):
    return {k: clean[k] for k in (
        "name", "year", "kind", "category", "makeup", "description", "total_hours",
        "required_hours", "pricing", "price_per_hour_fen", "flat_price_fen", "required_free",
        "cards_allowed", "extra_required_exams", "opens_on", "closes_on", "pay_deadline",
        "scope_org_id", "scope_title_levels", "scope_series")}


def create(uow, actor, data):
    require_operator(actor)
    clean = _checked(uow, data)
    now = uow.clock.now()
    plan_id = uow.session.execute(insert(plans).values(
        **_columns(clean), status="draft", created_at=now, updated_at=now)
    ).inserted_primary_key[0]
    _write_courses(uow, plan_id, clean["courses"])
    uow.commit()
    return view(uow, get_plan(uow, plan_id), with_courses=True)


def change(uow, actor, plan_id, data):
    """A published plan may change (dates, prices, courses); its learners keep what they
    have, and the change is announced."""
    require_operator(actor)
    plan = get_plan(uow, plan_id, lock=True)
    clean = _checked(uow, data)
    if plan["status"] != "draft":
        dropped = _required_dropped(uow, plan["id"], clean["courses"])
        if dropped:
            raise Conflict("plan_course_in_use",
                           "已发布计划的课程只能增加，不能移除或改变必修/选修："
                           + "、".join(dropped))
    uow.session.execute(update_stmt(plan["id"], _columns(clean), uow.clock.now()))
    _write_courses(uow, plan["id"], clean["courses"])
    plan = get_plan(uow, plan["id"])
    if plan["status"] != "draft":
        uow.add_event("plan_updated", state(uow, plan))
    uow.commit()
    return view(uow, plan, with_courses=True)


def update_stmt(plan_id, values, now):
    return update(plans).where(plans.c.id == plan_id).values(**values, updated_at=now)


def _required_dropped(uow, plan_id, refs):
    wanted = {r["course_id"]: r["kind"] for r in refs}
    return [c["title"] for c in plan_course_rows(uow, plan_id)
            if wanted.get(c["course_id"]) != c["kind"]]


TRANSITIONS = {"publish": ("draft", "published", "plan_published"),
               "close": ("published", "closed", "plan_updated"),
               "reopen": ("closed", "published", "plan_updated")}


def change_status(uow, actor, plan_id, action, closes_on=None):
    """发布 / 关闭 / 重新开放. Reopening a plan past its close date needs a new one."""
    require_operator(actor)
    if action not in TRANSITIONS:
        raise InvalidInput("action_invalid", "操作无效")
    before, after, event_type = TRANSITIONS[action]
    plan = get_plan(uow, plan_id, lock=True)
    if plan["status"] != before:
        labels = {"draft": "未发布", "published": "已发布", "closed": "已关闭"}
        raise Conflict("plan_status_conflict", f"计划当前为“{labels[plan['status']]}”，不能进行此操作")
    values = {"status": after}
    if action == "publish":
        if not plan_course_rows(uow, plan["id"]):
            raise Conflict("plan_has_no_courses", "计划还没有课程，不能发布")
    if action == "reopen":
        today = shanghai_today(uow.clock.now())
        new_close = closes_on or plan["closes_on"]
        if new_close < today:
            raise InvalidInput("closes_on_past", "重新开放须给出今天或以后的结束日期",
                               fields={"closes_on": ["结束日期须不早于今天"]})
        values["closes_on"] = new_close
    uow.session.execute(update_stmt(plan["id"], values, uow.clock.now()))
    plan = get_plan(uow, plan["id"])
    uow.add_event(event_type, state(uow, plan))
    uow.commit()
    return view(uow, plan, with_courses=True)


def listing(uow, actor, query):
    require_operator(actor)
    clean = load(PlanQuery(), query)
    rows = select(plans).order_by(plans.c.year.desc(), plans.c.kind, plans.c.id)
    if clean["year"]:
        rows = rows.where(plans.c.year == clean["year"])
    if clean["status"]:
        rows = rows.where(plans.c.status == clean["status"])
    today = shanghai_today(uow.clock.now())
    page = page_request(clean)
    answer = paged(uow.session, rows, page, view=lambda r: view(uow, dict(r), today))
    counts = dict(uow.session.execute(
        select(plan_courses.c.plan_id, func.count()).where(
            plan_courses.c.plan_id.in_([i["plan_id"] for i in answer["items"]]))
        .group_by(plan_courses.c.plan_id)).all())
    for item in answer["items"]:
        item["course_count"] = counts.get(item["plan_id"], 0)
    return answer


def detail(uow, actor, plan_id):
    require_operator(actor)
    return view(uow, get_plan(uow, plan_id), with_courses=True)
