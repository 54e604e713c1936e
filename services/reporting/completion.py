"""培训计划学员完成情况明细表 (section 3.2 of the administrators' manual): for the learners of
an org unit's subtree who selected courses in the plan — 用户名, 姓名, 身份证 (masked), 组织
机构, 电话 (masked), 最高学历, 单位, 学习必修学时 and 学习选修学时 (the hours of the courses
they hold), 完成必修学时 and 完成选修学时, 完成总学时, 已选总学时, 是否完成, 参训时间 and 结束
时间 — paged, with each learner's id for the link to their exams. Filtered by the date
range their plan began in (activated, or when that is unknown their first selection;
Beijing dates) and sortable on SORT_KEYS."""
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select

from services.common.clock import as_utc
from services.common.paging import page_request, paged

from .filters import date_window, ordering, within_window
from .inactive import employers
from .models import enrolment_courses, enrolments, orgs, people
from .participation import plan_and_node

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = ("用户名", "姓名", "身份证", "组织机构", "电话", "最高学历", "单位", "学习必修学时",
           "学习选修学时", "完成必修学时", "完成选修学时", "完成总学时", "已选总学时", "是否完成",
           "参训时间", "结束时间")
SORT_KEYS = ("username", "real_name", "org_name", "total_completed", "total_selected",
             "completed", "started_at", "ended_at")


def _hours(value):
    return f"{Decimal(value or 0):.1f}"


def _when(value):
    value = as_utc(value)
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else None


def _sum(kind, done=False):
    condition = and_(enrolment_courses.c.kind == kind, enrolment_courses.c.selected.is_(True))
    if done:
        condition = and_(condition, enrolment_courses.c.completed_at.is_not(None))
    return func.coalesce(func.sum(case((condition, enrolment_courses.c.hours), else_=0)), 0)


def report(uow, actor, plan_id, org_id=None, query=None):
    query = query or {}
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    window = date_window(query)
    hours = (select(enrolment_courses.c.user_id,
                    _sum("required").label("required"), _sum("elective").label("elective"),
                    _sum("required", True).label("required_done"),
                    _sum("elective", True).label("elective_done"),
                    func.max(enrolment_courses.c.completed_at).label("last_done"))
             .where(enrolment_courses.c.plan_id == plan["plan_id"])
             .group_by(enrolment_courses.c.user_id).subquery())
    began = func.coalesce(enrolments.c.activated_at, enrolments.c.first_selected_at)
    done = func.coalesce(hours.c.required_done, 0) + func.coalesce(hours.c.elective_done, 0)
    sorts = {"username": people.c.username, "real_name": people.c.real_name,
             "org_name": orgs.c.path, "total_completed": done,
             "total_selected": func.coalesce(hours.c.required, 0)
             + func.coalesce(hours.c.elective, 0),
             "completed": enrolments.c.passed_at, "started_at": enrolments.c.started_at,
             "ended_at": func.coalesce(enrolments.c.passed_at, hours.c.last_done)}
    rows = (select(people.c.user_id, people.c.username, people.c.real_name,
                   people.c.id_number_masked, people.c.mobile_masked, people.c.education,
                   orgs.c.name.label("org_name"), orgs.c.path, enrolments.c.started_at,
                   enrolments.c.passed_at, hours.c.required, hours.c.elective,
                   hours.c.required_done, hours.c.elective_done, hours.c.last_done)
            .select_from(enrolments.join(people, people.c.user_id == enrolments.c.user_id)
                         .join(orgs, orgs.c.org_id == people.c.org_id)
                         .outerjoin(hours, hours.c.user_id == enrolments.c.user_id))
            .where(enrolments.c.plan_id == plan["plan_id"],
                   enrolments.c.first_selected_at.is_not(None),
                   orgs.c.path.like(f"{node['path']}%"), people.c.member == "active",
                   *within_window(began, window))
            .order_by(*ordering(query, sorts, (orgs.c.path, people.c.username),
                                (people.c.user_id,))))
    answer = paged(uow.session, rows, page_request(query), count_limit=100_000)
    names = employers(uow, {r["path"] for r in answer["items"]})
    items = []
    for r in answer["items"]:
        done = Decimal(r["required_done"] or 0) + Decimal(r["elective_done"] or 0)
        chosen = Decimal(r["required"] or 0) + Decimal(r["elective"] or 0)
        items.append({
            "user_id": r["user_id"], "username": r["username"], "real_name": r["real_name"],
            "id_number_masked": r["id_number_masked"], "org_name": r["org_name"],
            "mobile_masked": r["mobile_masked"], "education": r["education"],
            "employer": names[r["path"]], "required_hours": _hours(r["required"]),
            "elective_hours": _hours(r["elective"]),
            "required_completed": _hours(r["required_done"]),
            "elective_completed": _hours(r["elective_done"]),
            "total_completed": f"{done:.2f}", "total_selected": _hours(chosen),
            "completed": "已完成" if r["passed_at"] else "未完成",
            "started_at": _when(r["started_at"]),
            "ended_at": _when(r["passed_at"] or r["last_done"])})
    return answer | {"items": items, "columns": list(COLUMNS),
                     "plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
                     "org": {"org_id": node["org_id"], "name": node["name"]}}
