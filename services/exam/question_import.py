"""题库导入: a course's questions from the template, each row checked by the same rules as
the operator's form (domain/questions.py); good rows join the bank, bad ones go to the
failure report with the reason per row. A job on the common mechanism (the request only
queues it): each batch commits with the job's cursor, so a run after a crash starts where
the last one stopped and adds nothing twice."""
import uuid

from sqlalchemy import and_, insert, select

from services.common import jobs as job_queue
from services.common import sheets
from services.common.errors import DomainError, NotFound

from .access import require_operator
from .bank import HEADERS, check, tag_text
from .domain import questions as rules
from .models import jobs, questions

KIND = "question_import"
BATCH = 500
MAX_ROWS = 5_000
GAVE_UP = "题库导入多次中断，未能完成，请重新导入"
EXAMPLE = ["单选题", "专业技术人员继续教育每年应完成多少学时？", "24", "32", "48", "64", "", "",
           "B", "易", "继续教育政策", "每年修满32学时。"]
NOTES = ["第一行为表头，请勿修改；第二行为示例，导入前请删除。",
         "题型：单选题、多选题、判断题、填空题。选择题填写选项A起的2至6个选项。",
         "答案：单选题填一个字母（如 B）；多选题填多个字母（如 ACD）；判断题填“对”或“错”；"
         "填空题按空的顺序填写，各空之间用“；”分隔，一个空有多个可接受答案时用“|”分隔。",
         "难度：易、中、难。知识点：多个用逗号分隔。",
         f"每次最多导入{MAX_ROWS}行；与本课程题库中题干相同的同类型试题不会重复导入。"]


def template_bytes():
    return sheets.template("题库导入模板", HEADERS, EXAMPLE, NOTES, max_rows=MAX_ROWS,
                           choices={"题型": list(rules.TYPE_BY_LABEL),
                                    "难度": list(rules.DIFFICULTY_BY_LABEL)})


def row_to_question(values):
    cells = [sheets.cell_text(v) for v in values] + [""] * len(HEADERS)
    type_ = rules.TYPE_BY_LABEL.get(cells[0], cells[0])
    answer = cells[8]
    if type_ == "fill":
        answer = [b for b in answer.replace(";", "；").split("；")]
    return check({"type": type_, "stem": cells[1], "options": cells[2:8], "answer": answer,
                  "difficulty": cells[9] or "中", "tags": cells[10], "analysis": cells[11]})


def check_rows(rows):
    good, failed, seen = [], [], set()
    for number, values in rows:
        try:
            question = row_to_question(values)
        except DomainError as exc:
            failed.append((number, values, exc.detail))
            continue
        if (question.type, question.stem) in seen:
            failed.append((number, values, "与文件中前面的行重复（题型与题干相同）"))
            continue
        seen.add((question.type, question.stem))
        good.append((number, values, question))
    return good, failed


def create_batch_for(course_id):
    def create_batch(uow, batch):
        held = {(r.type, r.stem) for r in uow.session.execute(
            select(questions.c.type, questions.c.stem).where(
                questions.c.course_id == course_id,
                questions.c.stem.in_([q.stem for _, _, q in batch])))}
        now = uow.clock.now()
        created, failed = [], []
        for number, values, q in batch:
            if (q.type, q.stem) in held:
                failed.append((number, values, "本课程题库中已有题干相同的同类型试题"))
                continue
            created.append({"course_id": course_id, "type": q.type, "stem": q.stem,
                            "options": q.options, "answer": q.answer,
                            "difficulty": q.difficulty, "tags": q.tags,
                            "tag_text": tag_text(q.tags),
                            "analysis": q.analysis, "status": "active", "created_at": now,
                            "updated_at": now})
        if created:
            uow.session.execute(insert(questions), created)
        return len(created), failed
    return create_batch


def queue(uow, actor, course_id, upload_key, filename):
    require_operator(actor)
    job_id = job_queue.enqueue(uow, jobs, KIND, requested_by=int(actor["user_id"]), params={
        "course_id": int(course_id), "upload_key": upload_key,
        "filename": (filename or "")[:200],
        "report_key": f"exports/exam/question-import-failures-{uuid.uuid4().hex}.xlsx"})
    uow.add_event("question_import_requested", {"job_id": job_id})
    uow.commit()
    return status(uow, actor, job_id)


def job_kind(storage, offload):
    return job_queue.JobKind(KIND, lambda ctx: run(ctx, storage, offload), GAVE_UP)


def run(ctx, storage, offload):
    return sheets.run_import(ctx, storage, offload, HEADERS, MAX_ROWS, check_rows,
                             create_batch_for(int(ctx.job.params["course_id"])), BATCH)


def status(uow, actor, job_id, storage=None):
    require_operator(actor)
    row = uow.session.execute(select(jobs).where(and_(
        jobs.c.id == int(job_id), jobs.c.kind == KIND))).mappings().first()
    if row is None:
        raise NotFound("import_not_found", "没有该导入任务")
    return sheets.import_view(row, storage, "题库导入失败信息.xlsx") | {
        "course_id": row["params"].get("course_id")}
