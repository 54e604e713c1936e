"""考试: what the operator defines — the course (and plan) it examines or a plan's own
exam for make-up learners, its type (自考), paper rule, shuffling, pass line, duration,
open/close window, attempts allowed (不限 when none) and exempt attempts, which score
counts, and when answers and the key may be reviewed. A draft is checked against the
bank; publishing opens it to every learner already eligible and announces it
(exam_published, carrying every fact the admins' exam reports show)."""
from datetime import datetime, timezone

from sqlalchemy import insert, select, update

from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput, NotFound
from services.common.paging import page_request, paged

from . import bank, eligibility
from .access import require_operator
from .domain import papers
from .domain.standing import SCORE_RULES
from .models import exams, plans

EXAM_TYPES = ("自考", "统考")
REVIEW_ANSWERS = ("never", "after_submit", "after_close")
REVIEW_KEY = ("never", "after_submit", "after_pass", "after_close")
STATUS_LABELS = {"draft": "未发布", "published": "已发布", "closed": "已关闭"}


def _invalid(field, message):
    return InvalidInput("exam_invalid", message, fields={field: [message]})


def _when(value, field):
    """UTC (SQLite keeps no offset: a time stored with +08:00 would read back 8 h off)."""
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise _invalid(field, "时间格式不正确") from None
    return as_utc(when).astimezone(timezone.utc)


def checked(uow, data):
    """The exam's columns from the operator's definition, or InvalidInput."""
    name = str(data.get("name") or "").strip()[:200]
    if not name:
        raise _invalid("name", "请填写考试名称")
    course_id, plan_id = data.get("course_id"), data.get("plan_id")
    if course_id is None and plan_id is None:
        raise _invalid("course_id", "请选择考试的课程，或补训培训计划")
    if course_id is None:
        makeup = uow.session.execute(select(plans.c.makeup).where(
            plans.c.plan_id == plan_id)).scalar()
        if makeup is None:  # learning's plan_published not here yet (it travels by events)
            raise Conflict("plan_not_known", "该培训计划的信息尚未同步到考试服务，请稍后再试")
        if not makeup:
            raise _invalid("plan_id", "不指定课程的考试只能属于补训培训计划")
    if data.get("exam_type", "自考") not in EXAM_TYPES:
        raise _invalid("exam_type", "考试类型须为自考或统考")
    try:
        total = papers.total_score(data.get("paper_rule"))
    except papers.RuleInvalid as exc:
        raise _invalid("paper_rule", exc.message) from None
    mode, items = papers.read_rule(data["paper_rule"])
    bank_course = course_id if course_id is not None else data.get("bank_course_id")
    if bank_course is None:
        raise _invalid("bank_course_id", "请选择抽题的题库（课程）")
    if mode == "fixed":
        bank.require_course_bank(uow, bank_course, {q for q, _ in items})
    else:
        try:
            papers.pick(data["paper_rule"], bank.active_bank(uow, bank_course), 1)
        except papers.RuleInvalid as exc:
            raise _invalid("paper_rule", exc.message) from None
    pass_score = int(data.get("pass_score", 60))
    if not 1 <= pass_score <= total:
        raise _invalid("pass_score", f"及格线须在1到总分{total}之间")
    opens_at, closes_at = _when(data.get("opens_at"), "opens_at"), _when(
        data.get("closes_at"), "closes_at")
    if closes_at <= opens_at:
        raise _invalid("closes_at", "结束时间须晚于开始时间")
    duration = int(data.get("duration_minutes") or 0)
    if not 1 <= duration <= 600:
        raise _invalid("duration_minutes", "考试时长须在1到600分钟之间")
    allowed = data.get("attempts_allowed")
    if allowed is not None and not 1 <= int(allowed) <= 100:
        raise _invalid("attempts_allowed", "考试次数须在1到100之间，或不限")
    exempt = int(data.get("exempt_attempts") or 0)
    if not 0 <= exempt <= 100:
        raise _invalid("exempt_attempts", "免考次数须在0到100之间")
    rules = {"score_rule": data.get("score_rule", "highest"),
             "review_answers": data.get("review_answers", "after_submit"),
             "review_key": data.get("review_key", "after_close")}
    for field, allowed_values in (("score_rule", SCORE_RULES),
                                  ("review_answers", REVIEW_ANSWERS),
                                  ("review_key", REVIEW_KEY)):
        if rules[field] not in allowed_values:
            raise _invalid(field, "取值不正确")
    return {"name": name, "course_id": course_id, "plan_id": plan_id,
            "bank_course_id": int(bank_course), "exam_type": data.get("exam_type", "自考"),
            "paper_rule": data["paper_rule"], "total_score": total,
            "shuffle_questions": bool(data.get("shuffle_questions", True)),
            "shuffle_options": bool(data.get("shuffle_options", True)),
            "pass_score": pass_score, "duration_minutes": duration, "opens_at": opens_at,
            "closes_at": closes_at,
            "attempts_allowed": None if allowed is None else int(allowed),
            "exempt_attempts": exempt, "org_id": data.get("org_id"), **rules}


def view(row):
    return {"exam_id": row["id"], "name": row["name"], "course_id": row["course_id"],
            "plan_id": row["plan_id"], "bank_course_id": row["bank_course_id"],
            "exam_type": row["exam_type"], "paper_rule": row["paper_rule"],
            "shuffle_questions": row["shuffle_questions"],
            "shuffle_options": row["shuffle_options"], "total_score": row["total_score"],
            "pass_score": row["pass_score"], "duration_minutes": row["duration_minutes"],
            "opens_at": as_utc(row["opens_at"]).isoformat(),
            "closes_at": as_utc(row["closes_at"]).isoformat(),
            "attempts_allowed": row["attempts_allowed"],
            "exempt_attempts": row["exempt_attempts"], "score_rule": row["score_rule"],
            "review_answers": row["review_answers"], "review_key": row["review_key"],
            "status": row["status"], "status_label": STATUS_LABELS[row["status"]],
            "org_id": row["org_id"], "version": row["version"]}


def get(uow, exam_id, lock=False):
    query = select(exams).where(exams.c.id == int(exam_id))
    row = uow.session.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFound("exam_not_found", "考试不存在")
    return row


def define(uow, actor, data):
    require_operator(actor)
    now = uow.clock.now()
    exam_id = uow.session.execute(insert(exams).values(
        **checked(uow, data), status="draft", version=1, created_at=now, updated_at=now)
    ).inserted_primary_key[0]
    return view(get(uow, exam_id))


def change(uow, actor, exam_id, data):
    """A change applies to attempts started from now on; a published exam announces it."""
    require_operator(actor)
    held = get(uow, exam_id, lock=True)
    if held["status"] == "closed":
        raise Conflict("exam_closed", "考试已关闭，不能修改")
    values = checked(uow, data)
    if held["status"] == "published" and (values["course_id"], values["plan_id"]) != (
            held["course_id"], held["plan_id"]):
        raise Conflict("exam_scope_fixed", "已发布的考试不能更换课程或培训计划")
    uow.session.execute(update(exams).where(exams.c.id == held["id"]).values(
        **values, version=held["version"] + 1, updated_at=uow.clock.now()))
    row = get(uow, exam_id)
    if row["status"] == "published":
        announce(uow, row)
    return view(row)


def publish(uow, actor, exam_id):
    """Opens the exam to learners: every learner already eligible gets it now."""
    require_operator(actor)
    held = get(uow, exam_id, lock=True)
    if held["status"] != "draft":
        raise Conflict("exam_not_draft", "只有未发布的考试可以发布")
    _set_status(uow, held, "published")
    row = get(uow, exam_id)
    announce(uow, row)
    eligibility.open_for_eligible(uow, row)
    return view(row)


def close(uow, actor, exam_id):
    """关闭: no new attempts; open ones run to their deadline."""
    require_operator(actor)
    held = get(uow, exam_id, lock=True)
    if held["status"] != "published":
        raise Conflict("exam_not_published", "只有已发布的考试可以关闭")
    _set_status(uow, held, "closed")
    row = get(uow, exam_id)
    announce(uow, row)
    return view(row)


def _set_status(uow, held, status):
    uow.session.execute(update(exams).where(exams.c.id == held["id"]).values(
        status=status, version=held["version"] + 1, updated_at=uow.clock.now()))


def announce(uow, row):
    plan = uow.session.execute(select(plans.c.name).where(
        plans.c.plan_id == row["plan_id"])).scalar() if row["plan_id"] else None
    uow.add_event("exam_published", {
        "exam_id": row["id"], "name": row["name"], "course_id": row["course_id"],
        "plan_id": row["plan_id"], "plan_name": plan, "exam_type": row["exam_type"],
        "pass_score": row["pass_score"], "total_score": row["total_score"],
        "attempts_allowed": row["attempts_allowed"],
        "exempt_attempts": row["exempt_attempts"], "org_id": row["org_id"],
        "status": row["status"], "duration_minutes": row["duration_minutes"],
        "opens_at": as_utc(row["opens_at"]), "closes_at": as_utc(row["closes_at"])})


def listing(uow, actor, query):
    require_operator(actor)
    rows = select(exams)
    for field in ("course_id", "plan_id"):
        if query.get(field):
            rows = rows.where(getattr(exams.c, field) == int(query[field]))
    if query.get("status"):
        rows = rows.where(exams.c.status == query["status"])
    if query.get("q"):
        rows = rows.where(exams.c.name.like(f"%{query['q']}%"))
    answer = paged(uow.session, rows.order_by(exams.c.id.desc()), page_request(query))
    answer["items"] = [view(r) for r in answer["items"]]
    return answer
