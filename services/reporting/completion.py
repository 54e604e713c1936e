"""培训计划学员完成情况明细表 (section 3.2 of the administrators' manual): for the learners of
an org unit's subtree who selected courses in the plan — 用户名, 姓名, 身份证 (masked), 组织
机构, 电话 (masked), 最高学历, 单位, 学习必修学时 and 学习选修学时 (the hours of the courses
they hold), 完成必修学时 and 完成选修学时, 完成总学时, 已选总学时, 是否完成, 参训时间 and 结束
时间 — paged, with each learner's id for the link to their exams. Filtered by the date
range their plan began in (activated, or when that is unknown their first selection;
Beijing dates) and sortable on SORT_KEYS."""
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Float, and_, case, cast, func, select, true

from services.common.paging import page_request, paged

from .filters import date_window, ordering, within_window
from .inactive import employers
from .models import enrolment_courses, enrolments, orgs, people
from .participation import plan_and_node

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = ("用户名", "姓名", "身份证", "组织机构", "电话", "最高学历", "单位", "学习必修学时",
           "学习选修学时", "完成必修学时", "完成选修学时", "完成总学时", "已选总学时", "是否完成",
           "参训时间", "结束时间")
FORMULA_START = ("=", "+", "-", "@")  # text that Excel would take for a formula
SORT_KEYS = ("username", "real_name", "org_name", "total_completed", "total_selected",
             "completed", "started_at", "ended_at")


def _hours(value):
    return f"{Decimal(value or 0):.1f}"


def _sum(kind, done=False):
    condition = and_(enrolment_courses.c.kind == kind, enrolment_courses.c.selected.is_(True))
    if done:
        condition = and_(condition, enrolment_courses.c.completed_at.is_not(None))
    return func.coalesce(func.sum(case((condition, enrolment_courses.c.hours), else_=0)), 0)


def beijing_minute(uow, column):
    """A stored UTC time as Beijing "YYYY-MM-DD HH:MM" text, formatted by the database (a
    million rows would spend seconds doing it in Python). SQLite keeps UTC without an
    offset; Beijing has kept +8 since 1991."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD HH24:MI")
    return func.strftime("%Y-%m-%d %H:%M", column, "+8 hours")


def _query(uow, actor, plan_id, org_id, query):
    """The plan, the org node, and the report's rows as one SELECT in the asked order:
    (plan, node, {name: column}, select) — the caller picks the columns it shows."""
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    window = date_window(query)
    hours = select(_sum("required").label("required"), _sum("elective").label("elective"),
                   _sum("required", True).label("required_done"),
                   _sum("elective", True).label("elective_done"),
                   func.max(enrolment_courses.c.completed_at).label("last_done"))
    if uow.session.get_bind().dialect.name == "postgresql" and not query.get("sort"):
        # In the report's own order (unit path, username), each learner's hours from their
        # own few rows (the primary key): rows come out in order as they are found, so a
        # page, or an export's first rows, need not wait for the whole plan to be summed
        # and sorted. Sorted on a figure, summing the plan at once is cheaper.
        hours = hours.where(enrolment_courses.c.user_id == enrolments.c.user_id,
                            enrolment_courses.c.plan_id == plan["plan_id"]).lateral("hours")
        with_hours = true()
    else:  # (and SQLite, which has no LATERAL) the plan's sums by learner, joined
        hours = (hours.add_columns(enrolment_courses.c.user_id)
                 .where(enrolment_courses.c.plan_id == plan["plan_id"])
                 .group_by(enrolment_courses.c.user_id).subquery("hours"))
        with_hours = hours.c.user_id == enrolments.c.user_id
    began = func.coalesce(enrolments.c.activated_at, enrolments.c.first_selected_at)
    done = func.coalesce(hours.c.required_done, 0) + func.coalesce(hours.c.elective_done, 0)
    chosen = func.coalesce(hours.c.required, 0) + func.coalesce(hours.c.elective, 0)
    ended = func.coalesce(enrolments.c.passed_at, hours.c.last_done)
    columns = {
        "user_id": people.c.user_id, "username": people.c.username,
        "real_name": people.c.real_name, "id_number_masked": people.c.id_number_masked,
        "org_name": orgs.c.name, "mobile_masked": people.c.mobile_masked,
        "education": people.c.education, "path": orgs.c.path,
        "required": func.coalesce(hours.c.required, 0),
        "elective": func.coalesce(hours.c.elective, 0),
        "required_done": func.coalesce(hours.c.required_done, 0),
        "elective_done": func.coalesce(hours.c.elective_done, 0),
        "total_done": done, "total_selected": chosen,
        "completed": case((enrolments.c.passed_at.is_not(None), "已完成"), else_="未完成"),
        "started_at": beijing_minute(uow, enrolments.c.started_at),
        "ended_at": beijing_minute(uow, ended)}
    sorts = {"username": people.c.username, "real_name": people.c.real_name,
             "org_name": orgs.c.path, "total_completed": done, "total_selected": chosen,
             "completed": enrolments.c.passed_at, "started_at": enrolments.c.started_at,
             "ended_at": ended}
    rows = (select()
            .select_from(enrolments.join(people, people.c.user_id == enrolments.c.user_id)
                         .join(orgs, orgs.c.org_id == people.c.org_id)
                         .outerjoin(hours, with_hours))
            .where(enrolments.c.plan_id == plan["plan_id"],
                   # 已选课: holding a course of the plan now (a refund can take back the
                   # only one), as report 1's 选课人数 counts
                   select(enrolment_courses.c.course_id).where(
                       enrolment_courses.c.user_id == enrolments.c.user_id,
                       enrolment_courses.c.plan_id == plan["plan_id"],
                       enrolment_courses.c.selected).exists(),
                   orgs.c.path.like(f"{node['path']}%"), people.c.member == "active",
                   *within_window(began, window))
            .order_by(*ordering(query, sorts, (orgs.c.path, people.c.username),
                                (people.c.user_id,))))
    return plan, node, columns, rows


def report(uow, actor, plan_id, org_id=None, query=None):
    query = query or {}
    plan, node, columns, rows = _query(uow, actor, plan_id, org_id, query)
    rows = rows.with_only_columns(*(c.label(n) for n, c in columns.items()))
    answer = paged(uow.session, rows, page_request(query), count_limit=100_000)
    names = employers(uow, {r["path"] for r in answer["items"]})
    items = []
    for r in answer["items"]:
        items.append({
            "user_id": r["user_id"], "username": r["username"], "real_name": r["real_name"],
            "id_number_masked": r["id_number_masked"], "org_name": r["org_name"],
            "mobile_masked": r["mobile_masked"], "education": r["education"],
            "employer": names[r["path"]], "required_hours": _hours(r["required"]),
            "elective_hours": _hours(r["elective"]),
            "required_completed": _hours(r["required_done"]),
            "elective_completed": _hours(r["elective_done"]),
            "total_completed": f"{Decimal(r['total_done']):.2f}",
            "total_selected": _hours(r["total_selected"]), "completed": r["completed"],
            "started_at": r["started_at"], "ended_at": r["ended_at"]})
    return answer | {"items": items, "columns": list(COLUMNS),
                     "plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
                     "org": {"org_id": node["org_id"], "name": node["name"]}}


# The export's columns: the sheet's, with the unit's path where 单位 goes (SheetRows puts
# the employer's name there); free text that would start a formula is quoted by the
# database, the hours are floats (the same figures in the file, parsed faster).
SHEET = ("username", "real_name", "id_number_masked", "org_name", "mobile_masked", "education",
         "path", "required", "elective", "required_done", "elective_done", "total_done",
         "total_selected", "completed", "started_at", "ended_at")
EMPLOYER = SHEET.index("path")
QUOTED = ("username", "real_name", "id_number_masked", "org_name", "mobile_masked",
          "education")
FIGURES = ("required", "elective", "required_done", "elective_done", "total_done",
           "total_selected")


def _quoted(column):
    return case((func.substr(column, 1, 1).in_(FORMULA_START), "'" + column), else_=column)


def export_rows(uow, actor, plan_id, org_id=None, query=None):
    """For the export: (every row as one SELECT of the SHEET columns in the screen's order,
    to be streamed; the SELECT counting them)."""
    _, _, columns, rows = _query(uow, actor, plan_id, org_id, query or {})
    count = rows.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    shown = []
    for name in SHEET:
        column = columns[name]
        if name in QUOTED:
            column = _quoted(column)
        elif name in FIGURES:
            column = cast(column, Float)
        shown.append(column.label(name))
    return rows.with_only_columns(*shown), count


class SheetRows:
    """A chunk of export_rows as the sheet's rows: plain tuples (a tuple of text and
    numbers is no work for the garbage collector, whose full collections would stall the
    event loop), each unit's employer (单位, quoted like the other text) in place of its
    path — looked up once per unit (`employers`, as the screen does) and kept."""
    KEEP = 50_000  # units remembered at most

    def __init__(self, uow):
        self.uow, self.names = uow, {}

    def __call__(self, chunk):
        names, at = self.names, EMPLOYER
        missing = {r[at] for r in chunk} - names.keys()
        if missing:
            if len(names) + len(missing) > self.KEEP:
                names.clear()
            for path, name in employers(self.uow, missing).items():
                names[path] = "'" + name if name and name[:1] in FORMULA_START else name
        return [r[:at] + (names[r[at]],) + r[at + 1:] for r in chunk]
