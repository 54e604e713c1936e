"""课程导入: a course list from the template, checked row by row against the same contract
as the course form; good rows become courses (and their chapters, by title, videos to be
uploaded), bad ones go to the failure report with the reason per row. A job (the request
only queues it): each batch commits with the job's cursor, so a run after a crash starts
where the last one stopped and creates nothing twice."""
import uuid

from sqlalchemy import and_, insert, select

from services.common import jobs as job_queue
from services.common import sheets
from services.common.errors import DomainError, NotFound
from services.common.schema import load

from .contracts import CourseBody
from .models import chapters, courses, jobs
from .operators import require_operator

KIND = "course_import"
BATCH = 500
MAX_ROWS = 5_000
GAVE_UP = "课程导入多次中断，未能完成，请重新导入"
# (header, field, required)
COLUMNS = [("课程名称", "title", True), ("讲师", "teacher_name", True),
           ("讲师职称", "teacher_title", False), ("讲师简介", "teacher_profile", False),
           ("学时", "hours", True), ("课程简介", "description", False),
           ("试看秒数", "preview_seconds", False), ("章节", "chapters", False)]
HEADERS = [c[0] for c in COLUMNS]
EXAMPLE = ["人工智能与数字经济", "陈静", "研究员", "中国社会科学院研究员", "4.0",
           "数字经济的发展趋势与政策", "180", "第1节　数字经济概论|第2节　人工智能应用"]
NOTES = ["第一行为表头，请勿修改；第二行为示例，导入前请删除。",
         "必填：课程名称、讲师、学时（如 2.0，最多一位小数）。",
         "章节：多个章节名称用“|”分隔；导入后在课程页为每一章节上传视频。",
         f"每次最多导入{MAX_ROWS}行；与已有课程同名且同讲师的行不会重复导入。"]


def template_bytes():
    return sheets.template("课程导入模板", HEADERS, EXAMPLE, NOTES, max_rows=MAX_ROWS)


def row_to_course(values):
    """(course fields, chapter titles) of one row, or DomainError with the reasons."""
    record, missing = {}, []
    for (header, field, required), raw in zip(COLUMNS, values, strict=False):
        text = sheets.cell_text(raw)
        if not text:
            if required:
                missing.append(f"{header}为必填项")
            continue
        record[field] = text
    if missing:
        raise DomainError("row_invalid", "；".join(missing))
    titles = [t.strip() for t in record.pop("chapters", "").split("|") if t.strip()]
    if len(titles) > 100 or any(len(t) > 120 for t in titles):
        raise DomainError("row_invalid", "章节最多100个，每个章节名称不超过120个字符")
    try:
        clean = load(CourseBody(), record)
    except DomainError as exc:
        labels = {field: header for header, field, _ in COLUMNS}
        raise DomainError("row_invalid", "；".join(
            f"{labels.get(f, f)}：{'、'.join(m)}" for f, m in exc.fields.items())) from None
    if clean["hours"] <= 0:
        raise DomainError("row_invalid", "学时须大于0")
    return clean, titles


def check_rows(rows):
    good, failed, seen = [], [], set()
    for number, values in rows:
        try:
            clean, titles = row_to_course(values)
        except DomainError as exc:
            failed.append((number, values, exc.detail))
            continue
        key = (clean["title"], clean["teacher_name"])
        if key in seen:
            failed.append((number, values, "与文件中前面的行重复（课程名称与讲师相同）"))
            continue
        seen.add(key)
        good.append((number, values, clean, titles))
    return good, failed


def create_batch(uow, batch):
    existing = {(r.title, r.teacher_name) for r in uow.session.execute(
        select(courses.c.title, courses.c.teacher_name).where(
            courses.c.title.in_([c["title"] for _, _, c, _ in batch])))}
    created, failed = 0, []
    now = uow.clock.now()
    for number, values, clean, titles in batch:
        if (clean["title"], clean["teacher_name"]) in existing:
            failed.append((number, values, "已有同名且同讲师的课程"))
            continue
        course_id = uow.session.execute(insert(courses).values(**clean, created_at=now)
                                        ).inserted_primary_key[0]
        if titles:
            uow.session.execute(insert(chapters), [
                {"course_id": course_id, "seq": n, "title": t, "created_at": now}
                for n, t in enumerate(titles, 1)])
        created += 1
    return created, failed


def queue(uow, actor, upload_key, filename):
    require_operator(actor)
    job_id = job_queue.enqueue(uow, jobs, KIND, requested_by=int(actor["user_id"]), params={
        "upload_key": upload_key, "filename": (filename or "")[:200],
        "report_key": f"exports/learning/course-import-failures-{uuid.uuid4().hex}.xlsx"})
    uow.add_event("course_import_requested", {"job_id": job_id})
    uow.commit()
    return status(uow, actor, job_id)


def job_kind(storage, offload):
    return job_queue.JobKind(KIND, lambda ctx: run(ctx, storage, offload), GAVE_UP)


def run(ctx, storage, offload):
    return sheets.run_import(ctx, storage, offload, HEADERS, MAX_ROWS, check_rows,
                             create_batch, BATCH)


def status(uow, actor, job_id, storage=None):
    require_operator(actor)
    row = uow.session.execute(select(jobs).where(and_(
        jobs.c.id == int(job_id), jobs.c.kind == KIND))).mappings().first()
    if row is None:
        raise NotFound("import_not_found", "没有该导入任务")
    return sheets.import_view(row, storage, "课程导入失败信息.xlsx")
