"""导出 Excel and the 导出数据暂存区: a report export is a job on the common mechanism — the
request returns at once (queued), the job writes the .xlsx (running, with a percentage)
and keeps it in the file store (done, with its size and row count) or says why not
(failed). A second identical request while one is queued or running is refused. The
staging area lists the admin's exports newest first with short-lived signed download
links; files older than the retention period are removed.

The workbook is written in streaming mode (openpyxl's write-only): Chinese headers in
bold on a frozen first row, column widths, rates as real percentages, and a new sheet
every 1,048,575 rows (Excel's limit) — memory stays flat at any size."""
import io
import uuid
from datetime import timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, select

from services.common import jobs as job_queue
from services.common.authz import require_module
from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput
from services.common.settings import env

from . import completion, exam_reports, inactive, participation
from .models import jobs

KIND = "report_export"
GAVE_UP = "导出多次中断，未能完成，请重新导出"
EXCEL_ROWS = 1_048_576 - 1  # a header row on each sheet
PAGE = 100  # the reports' largest page (offset paging: keyset pages are next, for a million rows)
LINK_TTL_SECONDS = 600
REPORTS = {"participation": "培训计划学员参训情况统计表", "completion": "培训计划学员完成情况明细表",
           "inactive": "培训计划未激活人员明细表", "exams_by_person": "按人员统计考试",
           "exams_by_exam": "考试情况统计"}
PAGED = {"completion": completion.report, "inactive": inactive.report,
         "exams_by_person": exam_reports.by_person}


def retention_days():
    return int(env("REPORT_EXPORT_RETENTION_DAYS", "7"))


def _cells(report, item):
    """A report item as the row of its sheet (the columns the report names)."""
    if report == "participation":
        return [item["org_name"], item["statistics_date"], item["registered"], item["selected"],
                item["participating"], item["completed"], item["not_completed"],
                _rate(item["participation_rate"]), _rate(item["completion_rate"])]
    if report == "completion":
        return [item["username"], item["real_name"], item["id_number_masked"],
                item["org_name"], item["mobile_masked"], item["education"], item["employer"],
                *(Decimal(item[k]) for k in ("required_hours", "elective_hours",
                                             "required_completed", "elective_completed",
                                             "total_completed", "total_selected")),
                item["completed"], item["started_at"], item["ended_at"]]
    if report == "inactive":
        return [item["username"], item["real_name"], item["id_number_masked"],
                item["org_name"], item["employer"], item["plan_name"]]
    if report == "exams_by_person":
        return [item["username"], item["real_name"], item["id_number_masked"],
                item["org_name"], item["employer"], item["exam_name"], item["status"],
                item["last_attempt_at"], item["remaining_exempt_attempts"],
                item["remaining_attempts"], item["attempts_taken"], item["pass_score"],
                item["best_score"]]
    return [item["plan_name"], item["publisher"], item["exam_name"], item["exam_type"],
            item["should_take"], item["passed"], item["failed"], item["not_taken"]]


def _rate(text):
    return Decimal(text.rstrip("%")) / 100


class SheetWriter:
    """Rows into write-only sheets of at most EXCEL_ROWS rows each, header first."""

    def __init__(self, title, columns):
        self.book = Workbook(write_only=True)
        self.title, self.columns = title, list(columns)
        self.sheet, self.rows, self.sheets = None, 0, 0

    def _new_sheet(self):
        self.sheets += 1
        name = self.title[:28] if self.sheets == 1 else f"{self.title[:24]}（{self.sheets}）"
        self.sheet = self.book.create_sheet(name)
        self.sheet.freeze_panes = "A2"
        for index, header in enumerate(self.columns):
            self.sheet.column_dimensions[get_column_letter(index + 1)].width = \
                max(10, len(header) * 2.2 + 2)
        header = []
        for text in self.columns:
            cell = WriteOnlyCell(self.sheet, value=text)
            cell.font = Font(bold=True)
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def append(self, values, percent_columns=()):
        if self.sheet is None or self.rows >= EXCEL_ROWS:
            self._new_sheet()
        row = []
        for index, value in enumerate(values):
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                value = "'" + value  # never a formula in the admin's Excel
            cell = WriteOnlyCell(self.sheet, value=value)
            if index in percent_columns:
                cell.number_format = "0.00%"
            row.append(cell)
        self.sheet.append(row)
        self.rows += 1

    def bytes(self):
        if self.sheet is None:
            self._new_sheet()
        buf = io.BytesIO()
        self.book.save(buf)
        return buf.getvalue()


def _params(data):
    report = data.get("report")
    if report not in REPORTS:
        raise InvalidInput("report_unknown", "请选择要导出的报表",
                           fields={"report": ["不是可导出的报表"]})
    return {"report": report, "plan_id": int(data["plan_id"]),
            "org_id": int(data["org_id"]) if data.get("org_id") is not None else None,
            "date": data.get("date")}


def queue(uow, actor, data):
    require_module(actor, "statistics")
    params = _params(data)
    # What the admin may see is checked now, before anything is queued.
    participation.plan_and_node(uow, actor, params["plan_id"], params["org_id"])
    busy = uow.session.execute(select(jobs.c.id, jobs.c.params).where(and_(
        jobs.c.kind == KIND, jobs.c.requested_by == int(actor["user_id"]),
        jobs.c.status.in_((job_queue.QUEUED, job_queue.RUNNING))))).all()
    if any({k: v for k, v in p.items() if k != "actor"} == params for _, p in busy):
        raise Conflict("export_running", "相同的导出正在进行，请在导出数据暂存区查看进度")
    job_id = job_queue.enqueue(uow, jobs, KIND, requested_by=int(actor["user_id"]),
                               params=params | {"actor": actor})
    uow.add_event("report_export_requested", {"job_id": job_id})
    uow.commit()
    return view(_job(uow, job_id))


def _job(uow, job_id):
    return uow.session.execute(select(jobs).where(jobs.c.id == int(job_id))).mappings().one()


def job_kind(storage, offload):
    return job_queue.JobKind(KIND, lambda ctx: run(ctx, storage, offload), GAVE_UP)


def run(ctx, storage, offload):
    params, actor = ctx.job.params, ctx.job.params["actor"]
    report = params["report"]
    with ctx.db() as uow:
        first = _fetch(uow, actor, params, 1)
    writer = SheetWriter(REPORTS[report], first["columns"])
    percent = (7, 8) if report == "participation" else ()
    rows = 0
    if report in PAGED:
        total, page, answer = first.get("total") or 0, 1, first
        while answer["items"]:
            for item in answer["items"]:
                writer.append(_cells(report, item))
                rows += 1
            ctx.beat(done=rows, total=total)
            page += 1
            with ctx.db() as uow:
                answer = _fetch(uow, actor, params, page)
    else:
        items = first["rows"] + ([first["total"]] if report == "participation" else [])
        for item in items:
            writer.append(_cells(report, item), percent)
            rows += 1
        ctx.beat(done=rows, total=rows)
    data = offload(writer.bytes)
    key = f"exports/reporting/{report}-{uuid.uuid4().hex}.xlsx"
    storage.put(key, data)
    return job_queue.Outcome(result={"rows": rows, "bytes": len(data)}, result_key=key)


def _fetch(uow, actor, params, page):
    report = params["report"]
    if report == "participation":
        return participation.report(uow, actor, params["plan_id"], params["org_id"],
                                    params.get("date"))
    if report == "exams_by_exam":
        return exam_reports.by_exam(uow, actor, params["plan_id"], params["org_id"])
    return PAGED[report](uow, actor, params["plan_id"], params["org_id"],
                         {"page": page, "page_size": PAGE})


def view(row, storage=None):
    result = row["result"] or {}
    link = None
    if storage is not None and row["status"] == job_queue.DONE and row["result_key"] \
            and storage.exists(row["result_key"]):
        link = storage.signed_link(row["result_key"], LINK_TTL_SECONDS) + \
            f"&name={REPORTS[row['params']['report']]}.xlsx"
    return {"job_id": row["id"], "report": row["params"]["report"],
            "report_name": REPORTS[row["params"]["report"]], "status": row["status"],
            "progress": job_queue.progress(row), "rows": result.get("rows"),
            "bytes": result.get("bytes"), "download_url": link, "error": row["error"],
            "created_at": as_utc(row["created_at"]).isoformat(),
            "finished_at": as_utc(row["finished_at"]).isoformat()
            if row["finished_at"] else None}


def staging_area(uow, actor, storage):
    """导出数据暂存区: the admin's exports, newest first."""
    require_module(actor, "statistics")
    rows = uow.session.execute(select(jobs).where(
        jobs.c.kind == KIND, jobs.c.requested_by == int(actor["user_id"]))
        .order_by(jobs.c.id.desc()).limit(100)).mappings().all()
    return {"items": [view(r, storage) for r in rows],
            "retention_days": retention_days()}


def sweep(uow, storage):
    """Removes export files past the retention period; returns how many."""
    cutoff = uow.clock.now() - timedelta(days=retention_days())
    removed = 0
    for row in uow.session.execute(select(jobs.c.result_key).where(
            jobs.c.kind == KIND, jobs.c.finished_at < cutoff,
            jobs.c.result_key.is_not(None))).all():
        if storage.exists(row.result_key):
            storage.delete(row.result_key)
            removed += 1
    return removed


