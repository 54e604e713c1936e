"""批量导入: learners from the template, checked row by row; the good rows are created
in one transaction per batch, the bad ones go to a failure report (失败信息) with the reason
per row. Runs as a job (services/common/jobs.py; the request only queues it), since 50,000
rows outlive an RPC. Each batch commits with the job's cursor, so a run after a crash
starts at the first batch not yet done and creates nobody twice."""
import uuid

from sqlalchemy import insert, select

from services.common import jobs as job_queue
from services.common import sheets
from services.common.clock import as_utc
from services.common.errors import DomainError, NotFound

from . import audit_trail
from .accounts import registrable_org
from .domain import import_sheet, passwords, permissions
from .domain.masking import mask_id_number, mask_mobile
from .domain.registration import check_admin_added
from .models import accounts, jobs, orgs, people

KIND = "learner_import"
BATCH = 1000
GAVE_UP = "导入多次中断，未能完成，请重新导入"


def template_bytes():
    return sheets.template(
        "学员导入模板", import_sheet.HEADERS, import_sheet.EXAMPLE, [
            "第一行为表头，请勿修改；第二行为示例，导入前请删除。",
            "必填：姓名、证件类型、证件号码、出生日期、性别、手机号、职称状态。",
            "用户名可不填，默认为“u”加证件号码；初始密码为证件号码后六位，首次登录须修改。",
            f"每次最多导入{import_sheet.MAX_ROWS}行。"],
        choices={header: list(choices) for header, _, _, choices in import_sheet.COLUMNS
                 if choices},
        max_rows=import_sheet.MAX_ROWS)


def read_rows(data):
    """[(row number, values)] of a checked file; raises InvalidInput for a bad file."""
    return sheets.read_rows(data, import_sheet.HEADERS, import_sheet.MAX_ROWS)


def check_rows(rows, org_id):
    """Split into good (cleaned records) and failed ((row number, values, reason))."""
    good, failed, seen_names, seen_numbers = [], [], set(), set()
    for number, values in rows:
        record, problems = import_sheet.row_to_fields(values)
        if problems:
            failed.append((number, values, "；".join(problems)))
            continue
        if not record.get("username"):
            record["username"] = "u" + (record["id_number"] or "").lower()
        record["org_id"] = org_id
        try:
            clean = check_admin_added({k: v for k, v in record.items() if v is not None})
        except DomainError as exc:
            reasons = [f"{field}：{'、'.join(msgs)}" for field, msgs in exc.fields.items()]
            failed.append((number, values, "；".join(reasons) or exc.detail))
            continue
        if clean["username"] in seen_names or clean["id_number"] in seen_numbers:
            failed.append((number, values, "与文件中前面的行重复（用户名或证件号码）"))
            continue
        seen_names.add(clean["username"])
        seen_numbers.add(clean["id_number"])
        good.append((number, values, clean))
    return good, failed


def create_batch(uow, batch, added_by):
    """Drop rows that clash with existing people, create the rest, in the caller's unit
    of work (which commits it with the job's cursor)."""
    names = [c["username"] for _, _, c in batch]
    numbers = [c["id_number"] for _, _, c in batch]
    taken_names = set(uow.session.execute(
        select(accounts.c.username).where(accounts.c.username.in_(names))).scalars())
    taken_numbers = set(uow.session.execute(
        select(people.c.id_number).where(people.c.id_number.in_(numbers))).scalars())
    fresh, failed = [], []
    for number, values, clean in batch:
        if clean["username"] in taken_names:
            failed.append((number, values, "用户名已被注册"))
        elif clean["id_number"] in taken_numbers:
            failed.append((number, values, "证件号码已注册"))
        else:
            fresh.append(clean)
    if not fresh:
        return 0, failed
    now = uow.clock.now()
    ids = uow.session.execute(insert(accounts).returning(accounts.c.id, accounts.c.username), [
        {"username": c["username"], "password_hash": passwords.INITIAL_FROM_ID_NUMBER,
         "status": "pending_review", "is_learner": True, "is_operator": False,
         "must_change_password": True, "failed_logins": 0, "password_changed_at": now,
         "created_at": now, "updated_at": now} for c in fresh]).all()
    user_ids = {username: user_id for user_id, username in ids}
    person_rows = []
    for c in fresh:
        person = {k: v for k, v in c.items() if k != "username"}
        person_rows.append(person | {"user_id": user_ids[c["username"]], "registered_at": now})
    uow.session.execute(insert(people), person_rows)
    uow.add_events("user_registered", [{
        "user_id": user_ids[c["username"]], "username": c["username"], "org_id": c["org_id"],
        "real_name": c["real_name"], "id_type": c["id_type"],
        "id_number_masked": mask_id_number(c["id_number"]), "gender": c["gender"],
        "birth_date": c["birth_date"], "title_level": c.get("title_level"),
        "professional_title": c.get("professional_title"), "registered_at": now,
        "added_by": added_by, "mobile_masked": mask_mobile(c.get("mobile") or ""),
        "education": c.get("education")} for c in fresh])
    return len(fresh), failed


def failure_report(failed):
    return sheets.failure_report(import_sheet.HEADERS, failed)


def queue(uow, actor, org_id, upload_key, filename):
    job_id = job_queue.enqueue(uow, jobs, KIND, org_id=org_id,
                               requested_by=int(actor["user_id"]),
                               params={"upload_key": upload_key,
                                       "filename": (filename or "")[:200],
                                       "report_key": report_key()})
    uow.add_event("learner_import_requested", {"import_id": job_id, "org_id": org_id,
                                                "requested_by": int(actor["user_id"])})
    audit_trail.record(uow, actor, "learners_import_queued", "learner_import", job_id, None,
                       {"org_id": org_id, "filename": filename})
    uow.commit()
    return job_id


def check_request(uow, actor, org_id):
    """批量导入 needs the module, and the org must be in the jurisdiction."""
    scope = permissions.require_module(actor, "batch_import")
    org = registrable_org(uow, org_id)
    if scope is not None and not permissions.in_jurisdiction(scope, org["path"]):
        raise NotFound("org_not_in_jurisdiction", "所选组织机构不在您的管辖范围内",
                       fields={"org_id": ["不在您的管辖范围内"]})


def job_kind(storage, offload=None):
    """The import as a kind of job; `offload` runs CPU work off the event loop."""
    return job_queue.JobKind(KIND, lambda ctx: run(ctx, storage, offload or _call), GAVE_UP)


def _call(fn, *args):
    return fn(*args)


def run(ctx, storage, offload):
    """The job (services/common/sheets.run_import): rows checked against the template and
    the org, created in batches of 1,000 after the cursor, the failure report."""
    job = ctx.job
    return sheets.run_import(
        ctx, storage, offload, import_sheet.HEADERS, import_sheet.MAX_ROWS,
        check_rows=lambda rows: check_rows(rows, job.org_id),
        create_batch=lambda uow, batch: create_batch(uow, batch, job.requested_by),
        batch_size=BATCH)


def job_for(uow, actor, job_id):
    scope = permissions.require_module(actor, "batch_import")
    row = uow.session.execute(
        select(jobs, orgs.c.path, orgs.c.name.label("org_name"))
        .select_from(jobs.join(orgs, orgs.c.id == jobs.c.org_id))
        .where(jobs.c.id == job_id, jobs.c.kind == KIND)).mappings().first()
    if row is None or (scope is not None and not permissions.in_jurisdiction(scope, row["path"])):
        raise NotFound("import_not_found", "没有该导入任务")
    result = row["result"] or {}
    return {"import_id": row["id"], "org_id": row["org_id"], "org_name": row["org_name"],
            "filename": row["params"].get("filename"), "status": row["status"],
            "total_rows": result.get("total_rows"), "imported": result.get("imported"),
            "failed": result.get("failed"), "error": row["error"],
            "report_key": row["result_key"], "progress": job_queue.progress(row),
            "created_at": as_utc(row["created_at"]).isoformat(),
            "started_at": as_utc(row["started_at"]).isoformat() if row["started_at"] else None,
            "finished_at": as_utc(row["finished_at"]).isoformat() if row["finished_at"] else None}


def report_key():
    return f"exports/identity/import-failures-{uuid.uuid4().hex}.xlsx"
