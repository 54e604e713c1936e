"""学习档案: per plan, the required and elective hours studied and completed, total
completed, total selected, exam scores, start and end — the columns of the admins'
完成情况明细表 — split into 我的档案 (this year's and make-up plans), 历史档案 (past years)
and 线下档案 (hours recorded outside the platform). Admins see a learner's archive within
their jurisdiction; 打印档案 gives one plan's archive as a PDF."""
import uuid
from decimal import Decimal

from sqlalchemy import insert, select

from services.common.clock import as_utc
from services.common.authz import require_module, within
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.schema import load

from . import people
from .contracts import OfflineRecordBody
from .domain import hours as hrs
from .domain.calendar import plan_open, shanghai_today
from .enrolment import STATUS_LABELS, course_durations, selected_courses, standing_of
from .models import certificates, course_progress, enrolments, offline_records, orgs, plans
from .operators import require_learner
from .plans import KIND_LABELS, get_plan


def _studied(items, user_progress):
    """已学学时: each course's hours times the share of it watched."""
    totals = {"required": Decimal(0), "elective": Decimal(0)}
    for item in items:
        share = Decimal(100 if item["completed"] else user_progress.get(item["course_id"], 0))
        totals[item["kind"]] += hrs.hours(item["hours"]) * share / 100
    return {k: hrs.hours(v) for k, v in totals.items()}


def _progress_percent(uow, user_id, items):
    ids = [i["course_id"] for i in items]
    durations = course_durations(uow, ids)
    covered = dict(uow.session.execute(select(course_progress.c.course_id,
                                              course_progress.c.covered_ms).where(
        course_progress.c.user_id == user_id, course_progress.c.course_id.in_(ids))).all()
    ) if ids else {}
    return {c: min(100, (covered.get(c) or 0) * 100 // d) if d else 0
            for c, d in durations.items()}


def plan_record(uow, enrolment, plan):
    items = selected_courses(uow, enrolment["id"], enrolment["user_id"])
    st = standing_of(uow, plan, enrolment, items)
    studied = _studied(items, _progress_percent(uow, enrolment["user_id"], items))
    cert = uow.session.execute(select(certificates.c.code, certificates.c.status).where(
        certificates.c.enrolment_id == enrolment["id"])).first()
    return {
        "enrolment_id": enrolment["id"], "plan_id": plan["id"], "plan_name": plan["name"],
        "year": plan["year"], "kind": plan["kind"], "kind_label": KIND_LABELS[plan["kind"]],
        "makeup": plan["makeup"], "status": enrolment["status"],
        "status_label": STATUS_LABELS[enrolment["status"]],
        "plan_total_hours": hrs.text(plan["total_hours"]),
        "required_studied": hrs.text(studied["required"]),
        "elective_studied": hrs.text(studied["elective"]),
        "required_completed": hrs.text(st.required_completed),
        "elective_completed": hrs.text(st.elective_completed),
        "total_completed": hrs.text(st.total_completed),
        "total_selected": hrs.text(st.total_selected),
        "exams_missing": st.exams_missing,
        "started_at": _iso(enrolment["started_at"] or enrolment["activated_at"]),
        "completed_at": _iso(enrolment["passed_at"]),
        "certificate_code": cert.code if cert and cert.status == "issued" else None,
        "certificate_status": cert.status if cert else None,
        "courses": items}


def _iso(value):
    return as_utc(value).isoformat() if value else None


def archive_of(uow, user_id):
    day = shanghai_today(uow.clock.now())
    rows = uow.session.execute(
        select(enrolments, plans.c.year, plans.c.makeup).join(plans, plans.c.id == enrolments.c.plan_id)
        .where(enrolments.c.user_id == int(user_id))
        .order_by(plans.c.year.desc(), enrolments.c.id)).mappings().all()
    current, history = [], []
    for row in rows:
        plan = get_plan(uow, row["plan_id"])
        record = plan_record(uow, dict(row), plan)
        record.pop("courses")
        (current if plan["year"] >= day.year or plan["makeup"] else history).append(record)
    offline = [{"record_id": r.id, "year": r.year, "title": r.title, "kind": r.kind,
                "kind_label": KIND_LABELS[r.kind], "hours": hrs.text(r.hours),
                "organiser": r.organiser, "completed_on": r.completed_on.isoformat()}
               for r in uow.session.execute(select(offline_records).where(
                   offline_records.c.user_id == int(user_id))
                   .order_by(offline_records.c.year.desc(), offline_records.c.id))]
    person = people.learner(uow, user_id) or {}
    return {"user_id": int(user_id), "real_name": person.get("real_name"),
            "username": person.get("username"),
            "current": current, "history": history, "offline": offline}


def my_archive(uow, actor):
    require_learner(actor)
    return archive_of(uow, actor["user_id"])


def _mine(uow, actor, enrolment_id):
    require_learner(actor)
    row = uow.session.execute(select(enrolments).where(
        enrolments.c.id == int(enrolment_id))).mappings().first()
    if row is None or row["user_id"] != actor["user_id"]:
        raise NotFound("archive_not_found", "档案不存在")
    return dict(row)


def my_plan_record(uow, actor, enrolment_id):
    """查看档案: one plan's record with its courses."""
    enrolment = _mine(uow, actor, enrolment_id)
    return plan_record(uow, enrolment, get_plan(uow, enrolment["plan_id"]))


def print_record(uow, storage, actor, enrolment_id, offload=lambda f, *a: f(*a)):
    """打印档案: the record as a PDF (a link to it), while the plan is open."""
    from .certificate_pdf import cjk_font, render_archive
    cjk_font()  # found on the event loop (it may run fc-list), rendered in a worker thread
    enrolment = _mine(uow, actor, enrolment_id)
    plan = get_plan(uow, enrolment["plan_id"])
    if not plan_open(plan, shanghai_today(uow.clock.now())):
        raise Conflict("plan_closed", "培训计划已结束（系统下线），不能再打印档案")
    record = plan_record(uow, enrolment, plan)
    person = people.learner(uow, actor["user_id"]) or {}
    org_name = uow.session.execute(select(orgs.c.name).where(
        orgs.c.id == person.get("org_id"))).scalar() if person.get("org_id") else None
    data = offload(render_archive, {
        "learner_name": person.get("real_name") or actor.get("real_name") or actor.get("username"),
        "id_number_masked": person.get("id_number_masked"), "org_name": org_name,
        "plan_name": plan["name"], "plan_year": str(plan["year"]),
        "status_label": record["status_label"], "started_at": record["started_at"],
        "completed_at": record["completed_at"],
        "required_completed": record["required_completed"],
        "elective_completed": record["elective_completed"],
        "total_completed": record["total_completed"], "total_selected": record["total_selected"],
        "courses": [{"title": c["title"], "kind_label": "必修" if c["kind"] == "required" else "选修",
                     "hours": c["hours"], "progress_percent": str(c["progress_percent"]),
                     "completed_at": c["completed_at"],
                     "exam_score": None if c["exam_score"] is None else str(c["exam_score"])}
                    for c in record["courses"]]})
    key = f"learning/archives/{enrolment['id']}/{uuid.uuid4().hex}.pdf"
    storage.put(key, data)
    return {"url": storage.signed_link(key, 300) + f"&name=学习档案_{plan['year']}.pdf"}


def _governed(uow, actor, user_id):
    scope = require_module(actor, "learner_management")
    person = people.learner(uow, user_id)
    if person is None:
        raise NotFound("learner_not_found", "学员不存在")
    path = uow.session.execute(select(orgs.c.path).where(orgs.c.id == person["org_id"])).scalar()
    if not within(scope, path):
        raise Forbidden("outside_jurisdiction", "该学员不在您的管辖范围内")
    return person


def learner_archive(uow, actor, user_id):
    """查看档案 from learner management: within the admin's jurisdiction."""
    _governed(uow, actor, user_id)
    return archive_of(uow, user_id)


def learner_plan_record(uow, actor, user_id, enrolment_id):
    _governed(uow, actor, user_id)
    row = uow.session.execute(select(enrolments).where(
        enrolments.c.id == int(enrolment_id), enrolments.c.user_id == int(user_id))
    ).mappings().first()
    if row is None:
        raise NotFound("archive_not_found", "档案不存在")
    return plan_record(uow, dict(row), get_plan(uow, row["plan_id"]))


def add_offline_record(uow, actor, user_id, data):
    """线下档案: an admin of the learner's jurisdiction records hours earned elsewhere."""
    _governed(uow, actor, user_id)
    clean = load(OfflineRecordBody(), data)
    uow.session.execute(insert(offline_records).values(
        user_id=int(user_id), **clean, recorded_by=actor["user_id"],
        created_at=uow.clock.now()))
    uow.commit()
    return archive_of(uow, user_id)
