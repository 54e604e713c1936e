"""The admins' exam statistics (sections 3.4 and 3.5 of the administrators' manual), from
exam's events as reporting keeps them, for the learners of an org unit's subtree:

- 按人员统计考试: a row per learner and exam — 用户名, 姓名, 身份证号 (masked), 组织机构, 单位,
  考试名称, 考试状态, 最后考试时间, 剩余免考考试次数, 剩余可考试次数 (不限 when the exam sets
  no limit), 已考次数, 及格线, 最高分值 — paged, sortable on PERSON_SORT_KEYS, filtered by
  the date range of the last attempt (Beijing dates) and to one learner (`user_id`, the
  completion table's link);
- 考试情况统计: a row per exam — 培训计划, 发布单位, 考试名称, 考试类型, 应参考人数 (the exam
  opened to them), 通过人数, 未通过人数 (took it, not passed), 未参考人数."""
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from services.common.clock import as_utc
from services.common.paging import page_request, paged

from .filters import date_window, ordering, within_window
from .inactive import employers
from .models import exam_candidates, exams, orgs, people
from .participation import plan_and_node

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNLIMITED = "不限"
PERSON_COLUMNS = ("用户名", "姓名", "身份证号", "组织机构", "单位", "考试名称", "考试状态",
                  "最后考试时间", "剩余免考考试次数", "剩余可考试次数", "已考次数", "及格线",
                  "最高分值")
PERSON_SORT_KEYS = ("username", "real_name", "org_name", "exam_name", "last_attempt_at",
                    "attempts_taken", "best_score")
PERSON_SORTS = {"username": people.c.username, "real_name": people.c.real_name,
                "org_name": orgs.c.path, "exam_name": exams.c.name,
                "last_attempt_at": exam_candidates.c.last_attempt_at,
                "attempts_taken": exam_candidates.c.attempts_taken,
                "best_score": exam_candidates.c.best_score}
EXAM_COLUMNS = ("培训计划", "发布单位", "考试名称", "考试类型", "应参考人数", "通过人数",
                "未通过人数", "未参考人数")


def status_label(passed_at, taken, remaining):
    if passed_at is not None:
        return "已通过"
    if not taken:
        return "未考"
    if remaining == 0:
        return "未通过"
    return "已考"


def _limit(value, exam_allows):
    """A count left, or 不限 where the exam sets no limit."""
    return UNLIMITED if exam_allows is None and value is None else (value or 0)


# Candidates with their exam, person and unit: one explicit FROM, so paging's count can
# swap the columns without losing the joins.
CANDIDATES = exam_candidates.join(exams, exams.c.exam_id == exam_candidates.c.exam_id) \
    .join(people, people.c.user_id == exam_candidates.c.user_id) \
    .join(orgs, orgs.c.org_id == people.c.org_id)


def _scoped(query, node, plan_id):
    query = query.select_from(CANDIDATES).where(orgs.c.path.like(f"{node['path']}%"),
                                                people.c.member == "active")
    return query.where(exams.c.plan_id == plan_id) if plan_id is not None else query


def by_person(uow, actor, plan_id, org_id=None, query=None):
    query = query or {}
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    window = date_window(query)
    rows = _scoped(select(
        people.c.user_id, people.c.username, people.c.real_name, people.c.id_number_masked,
        orgs.c.name.label("org_name"), orgs.c.path, exams.c.name.label("exam_name"),
        exams.c.pass_score, exams.c.attempts_allowed, exams.c.exempt_attempts,
        exam_candidates.c.attempts_taken, exam_candidates.c.best_score,
        exam_candidates.c.last_attempt_at, exam_candidates.c.remaining_attempts,
        exam_candidates.c.remaining_exempt_attempts, exam_candidates.c.passed_at),
        node, plan["plan_id"]) \
        .where(*within_window(exam_candidates.c.last_attempt_at, window)) \
        .order_by(*ordering(query, PERSON_SORTS, (orgs.c.path, people.c.username),
                            (people.c.user_id, exams.c.exam_id)))
    if query.get("user_id") not in (None, ""):
        rows = rows.where(people.c.user_id == int(query["user_id"]))
    answer = paged(uow.session, rows, page_request(query), count_limit=100_000)
    names = employers(uow, {r["path"] for r in answer["items"]})
    items = []
    for r in answer["items"]:
        last = as_utc(r["last_attempt_at"])
        remaining = r["remaining_attempts"] if r["attempts_taken"] else r["attempts_allowed"]
        # Before any attempt: all of them (none at all is 不限 only when the exam is).
        exempt = r["remaining_exempt_attempts"] if r["attempts_taken"] else (
            (r["exempt_attempts"] or None) if r["attempts_allowed"] is None
            else r["exempt_attempts"])
        items.append({
            "user_id": r["user_id"], "username": r["username"], "real_name": r["real_name"],
            "id_number_masked": r["id_number_masked"], "org_name": r["org_name"],
            "employer": names[r["path"]], "exam_name": r["exam_name"],
            "status": status_label(r["passed_at"], r["attempts_taken"], remaining),
            "last_attempt_at": last.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
            if last else None,
            "remaining_exempt_attempts": UNLIMITED if exempt is None else exempt,
            "remaining_attempts": _limit(remaining, r["attempts_allowed"]),
            "attempts_taken": r["attempts_taken"], "pass_score": r["pass_score"],
            "best_score": r["best_score"]})
    return answer | {"items": items, "columns": list(PERSON_COLUMNS),
                     "plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
                     "org": {"org_id": node["org_id"], "name": node["name"]}}


def by_exam(uow, actor, plan_id, org_id=None):
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    passed = exam_candidates.c.passed_at.is_not(None)
    taken = exam_candidates.c.attempts_taken > 0
    counted = _scoped(select(
        exams.c.exam_id, func.count().label("should"),
        func.sum(case((passed, 1), else_=0)).label("passed"),
        func.sum(case((taken & ~passed, 1), else_=0)).label("failed"),
        func.sum(case((~taken & ~passed, 1), else_=0)).label("absent")),
        node, plan["plan_id"]) \
        .group_by(exams.c.exam_id)
    figures = {r.exam_id: r for r in uow.session.execute(counted)}
    listed = uow.session.execute(select(exams).where(exams.c.plan_id == plan["plan_id"])
                                 .order_by(exams.c.exam_id)).mappings().all()
    publishers = dict(uow.session.execute(select(orgs.c.org_id, orgs.c.name).where(
        orgs.c.org_id.in_({e["org_id"] for e in listed if e["org_id"]}))).all())
    rows = []
    for e in listed:
        f = figures.get(e["exam_id"])
        rows.append({"plan_name": e["plan_name"] or plan["name"],
                     "publisher": publishers.get(e["org_id"], "平台"), "exam_name": e["name"],
                     "exam_type": e["exam_type"], "should_take": f.should if f else 0,
                     "passed": int(f.passed or 0) if f else 0,
                     "failed": int(f.failed or 0) if f else 0,
                     "not_taken": int(f.absent or 0) if f else 0})
    return {"columns": list(EXAM_COLUMNS), "rows": rows,
            "plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
            "org": {"org_id": node["org_id"], "name": node["name"]}}
