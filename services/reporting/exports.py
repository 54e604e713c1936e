"""导出 Excel and the 导出数据暂存区: a report export is a job on the common mechanism — the
request returns at once (queued), the job writes the .xlsx (running, with a percentage)
and keeps it in the file store (done, with its size and row count) or says why not
(failed). A second identical request while one is queued or running is refused. The
staging area lists the admin's exports newest first with short-lived signed download
links; files older than the retention period are removed.

The workbook is written in streaming mode (openpyxl's write-only) to a temporary file:
Chinese headers in bold on a frozen first row, column widths, rates as real percentages,
and a new sheet every 1,048,575 rows (Excel's limit) — memory stays flat at any size.
完成情况明细表, which reaches a million rows for a province, is read as one SELECT in chunks
(a server-side cursor on PostgreSQL: never the whole result in memory, never a page sought
by OFFSET), its figures computed by the database, and written as plain values — only the
header and the rate and amount cells carry a style, a named one the workbook shares. Each
chunk is written off the event loop (`offload`), so RPC and the broker's heartbeats go on.

An export honours the filters of the screen it was asked from: plan, org, the statistics
date or the date range, the sort and (按人员统计考试) one learner. The operator's 收支统计
exports its days and plans, the learning-card and recharge days, and the 合计."""
import os
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal

import eventlet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, NamedStyle
from openpyxl.utils import get_column_letter
from sqlalchemy import and_, select

from services.common import jobs as job_queue
from services.common.authz import require_module
from services.common.clock import as_utc
from services.common.errors import Conflict, InvalidInput
from services.common.settings import env

from . import completion, exam_reports, filters, inactive, money, participation
from .models import jobs

KIND = "report_export"
GAVE_UP = "导出多次中断，未能完成，请重新导出"
EXCEL_ROWS = 1_048_576 - 1  # a header row on each sheet
PAGE = 100  # the reports' largest page (the paged reports not streamed yet)
CHUNK = 5_000  # rows fetched, then written off the event loop, at a time
BEAT_SECONDS = 5  # progress (and the job's lease) recorded this often while streaming
LINK_TTL_SECONDS = 600
REPORTS = {"participation": "培训计划学员参训情况统计表", "completion": "培训计划学员完成情况明细表",
           "inactive": "培训计划未激活人员明细表", "exams_by_person": "按人员统计考试",
           "exams_by_exam": "考试情况统计", "money": "收支统计"}
PAGED = {"inactive": inactive.report, "exams_by_person": exam_reports.by_person}
# Reports read as one streamed SELECT: (rows, count), the maker of a chunk's sheet rows, and
# the sheet's columns.
STREAMED = {"completion": (completion.export_rows, completion.SheetRows,
                           completion.COLUMNS)}
# The filters each report takes beyond plan and org.
FILTERS = {"participation": ("date",), "completion": ("date_from", "date_to", "sort", "order"),
           "inactive": ("date_from", "date_to", "sort", "order"),
           "exams_by_person": ("date_from", "date_to", "sort", "order", "user_id"),
           "exams_by_exam": (), "money": ("date_from", "date_to")}
MONEY_COLUMNS = ("日期", "培训计划", "支付订单数", "支付金额（元）", "退款笔数", "退款金额（元）",
                 "净收入（元）", "学习卡兑换张数", "学习卡兑换金额（元）", "充值笔数", "充值金额（元）")
MONEY_AMOUNTS = (3, 5, 6, 8, 10)  # the columns in yuan


def retention_days():
    return int(env("REPORT_EXPORT_RETENTION_DAYS", "7"))


def _cells(report, item):
    """A report item as the row of its sheet (the columns the report names)."""
    if report == "participation":
        return [item["org_name"], item["statistics_date"], item["registered"], item["selected"],
                item["participating"], item["completed"], item["not_completed"],
                _rate(item["participation_rate"]), _rate(item["completion_rate"])]
    if report == "inactive":
        return [item["username"], item["real_name"], item["id_number_masked"],
                item["org_name"], item["employer"], item["plan_name"]]
    if report == "exams_by_person":
        return [item["username"], item["real_name"], item["id_number_masked"],
                item["org_name"], item["employer"], item["exam_name"], item["status"],
                item["last_attempt_at"], item["remaining_exempt_attempts"],
                item["remaining_attempts"], item["attempts_taken"], item["pass_score"],
                item["best_score"]]
    if report == "money":
        return _money_cells(item)
    return [item["plan_name"], item["publisher"], item["exam_name"], item["exam_type"],
            item["should_take"], item["passed"], item["failed"], item["not_taken"]]


def _yuan(fen):
    return None if fen is None else Decimal(fen) / 100


def _money_cells(item):
    """A plan's day (orders and refunds), a day's cards and recharges, or the 合计."""
    plan = item.get("plan_name") or (f"计划{item['plan_id']}" if item.get("plan_id") else None)
    return [item.get("date"), plan if "paid_fen" in item else item.get("label"),
            item.get("paid_orders"), _yuan(item.get("paid_fen")), item.get("refunds"),
            _yuan(item.get("refunded_fen")), _yuan(item.get("net_fen")),
            item.get("card_redemptions"), _yuan(item.get("card_fen")),
            item.get("recharges"), _yuan(item.get("recharge_fen"))]


def _money_items(answer):
    """收支统计 as sheet rows: each day's plans, then that day's cards and recharges, then 合计."""
    days = {d["date"]: d for d in answer["days"]}
    items = []
    for day in sorted({r["date"] for r in answer["rows"]} | set(days)):
        items += [r for r in answer["rows"] if r["date"] == day]
        if day in days:
            items.append({**days[day], "label": "学习卡与充值"})
    total = answer["total"]
    items.append({**{k: v for k, v in total.items() if k.endswith(("_fen", "orders", "refunds",
                                                                    "redemptions", "recharges"))},
                  "date": "合计", "plan_name": None, "plan_id": None})
    return items


def _rate(text):
    return Decimal(text.rstrip("%")) / 100


class SheetWriter:
    """Rows into write-only sheets of at most `max_rows` rows each (Excel's limit less the
    header row), the header first on each. Only the header and rate or amount cells are
    styled, with named styles the workbook shares (a cell's own Font or format would be
    a style object per cell)."""
    HEADER, PERCENT, AMOUNT = "报表表头", "报表百分比", "报表金额"

    def __init__(self, title, columns, max_rows=EXCEL_ROWS):
        self.book = Workbook(write_only=True)
        for style in (NamedStyle(self.HEADER, font=Font(bold=True)),
                      NamedStyle(self.PERCENT, number_format="0.00%"),
                      NamedStyle(self.AMOUNT, number_format="0.00")):
            self.book.add_named_style(style)
        self.title, self.columns, self.max_rows = title, list(columns), max_rows
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
            cell.style = self.HEADER
            header.append(cell)
        self.sheet.append(header)
        self.rows = 0

    def append(self, values, percent_columns=(), money_columns=()):
        """One row of any report: text that would start a formula quoted, rates and
        amounts in their formats."""
        if self.sheet is None or self.rows >= self.max_rows:
            self._new_sheet()
        row = []
        for index, value in enumerate(values):
            if isinstance(value, str) and value[:1] in completion.FORMULA_START:
                value = "'" + value  # never a formula in the admin's Excel
            if index in percent_columns or index in money_columns:
                value = WriteOnlyCell(self.sheet, value=value)
                value.style = self.PERCENT if index in percent_columns else self.AMOUNT
            row.append(value)
        self.sheet.append(row)
        self.rows += 1

    def extend(self, rows):
        """Rows as they are (tuples or lists of plain values, text already quoted): the
        fast path."""
        start = 0
        while start < len(rows):
            if self.sheet is None or self.rows >= self.max_rows:
                self._new_sheet()
            part = rows[start:start + self.max_rows - self.rows]
            append = self.sheet.append
            for row in part:
                append(row)
            self.rows += len(part)
            start += len(part)

    def save(self, path):
        if self.sheet is None:
            self._new_sheet()
        self.book.save(path)


def _params(data):
    report = data.get("report")
    if report not in REPORTS:
        raise InvalidInput("report_unknown", "请选择要导出的报表",
                           fields={"report": ["不是可导出的报表"]})
    if report != "money" and data.get("plan_id") in (None, ""):
        raise InvalidInput("plan_required", "请选择培训计划", fields={"plan_id": ["必填"]})
    plan_id = data.get("plan_id")
    params = {"report": report, "plan_id": int(plan_id) if plan_id not in (None, "") else None,
              "org_id": int(data["org_id"]) if data.get("org_id") is not None else None}
    for key in FILTERS[report]:
        value = data.get(key)
        params[key] = None if value in (None, "") else value
    return params


def queue(uow, actor, data):
    require_module(actor, "statistics")
    params = _params(data)
    # What the admin may see, and the filters, are checked now, before anything is queued.
    if params["report"] == "money":
        today = uow.clock.now().astimezone(money.SHANGHAI).date()
        answer = money.report(uow, actor, params["date_from"], params["date_to"],
                              params["plan_id"], today)
        # The days shown, fixed: an export asked today says the same tomorrow.
        params |= {"date_from": answer["date_from"], "date_to": answer["date_to"]}
    else:
        participation.plan_and_node(uow, actor, params["plan_id"], params["org_id"])
        _check_filters(params)
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


def job_kind(storage, offload, sheet_rows=EXCEL_ROWS):
    """`sheet_rows`: rows per sheet (Excel's limit; a test makes it small)."""
    return job_queue.JobKind(KIND, lambda ctx: run(ctx, storage, offload, sheet_rows), GAVE_UP)


def run(ctx, storage, offload, sheet_rows=EXCEL_ROWS):
    params = ctx.job.params
    report = params["report"]
    fd, path = tempfile.mkstemp(prefix="report-export-", suffix=".xlsx")
    os.close(fd)
    try:
        if report in STREAMED:
            writer = SheetWriter(REPORTS[report], STREAMED[report][2], sheet_rows)
            rows = _stream(ctx, params, writer, offload)
        else:
            writer, rows = _write_answers(ctx, params, sheet_rows)
        offload(writer.save, path)
        key = f"exports/reporting/{report}-{uuid.uuid4().hex}.xlsx"
        with open(path, "rb") as fh:  # ~100 MB a million rows: copied off the loop too
            offload(storage.put, key, fh)
        size = os.path.getsize(path)
    finally:
        os.unlink(path)
    return job_queue.Outcome(result={"rows": rows, "bytes": size}, result_key=key)


def _stream(ctx, params, writer, offload):
    """Every row of a STREAMED report from one SELECT, read CHUNK rows at a time (a
    server-side cursor on PostgreSQL), each chunk written off the event loop while the
    next one is fetched; counted meanwhile on another connection, for the progress bar.
    Returns the rows written."""
    select_rows, sheet_rows, _ = STREAMED[params["report"]]
    query = (params["actor"], params["plan_id"], params["org_id"], _filters(params))

    def count():
        with ctx.db() as uow:
            return uow.session.execute(select_rows(uow, *query)[1]).scalar()
    counting, writing, done = eventlet.spawn(count), None, 0
    try:
        with ctx.db() as uow:
            rows, _ = select_rows(uow, *query)
            to_sheet = sheet_rows(uow)
            result = uow.session.execute(rows, execution_options={"yield_per": CHUNK})
            beaten = time.monotonic()
            for chunk in result.partitions():
                chunk = to_sheet(chunk)
                if writing is not None:
                    writing.wait()
                writing = eventlet.spawn(offload, writer.extend, chunk)
                done += len(chunk)
                if time.monotonic() - beaten >= BEAT_SECONDS:
                    ctx.beat(done=done, total=counting.wait() if counting.dead else None)
                    beaten = time.monotonic()
    finally:
        if writing is not None:
            writing.wait()
        total = counting.wait()
    ctx.beat(done=done, total=total)
    return done


def _write_answers(ctx, params, sheet_rows):
    """The other reports: their answer (paged ones page by page) as sheet rows."""
    report, actor = params["report"], params["actor"]
    with ctx.db() as uow:
        first = _fetch(uow, actor, params, 1)
    writer = SheetWriter(REPORTS[report], first.get("columns") or MONEY_COLUMNS, sheet_rows)
    percent = (7, 8) if report == "participation" else ()
    amounts = MONEY_AMOUNTS if report == "money" else ()
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
        if report == "money":
            items = _money_items(first)
        else:
            items = first["rows"] + ([first["total"]] if report == "participation" else [])
        for item in items:
            writer.append(_cells(report, item), percent, amounts)
            rows += 1
        ctx.beat(done=rows, total=rows)
    return writer, rows


SORT_KEYS = {"completion": completion.SORT_KEYS, "inactive": inactive.SORT_KEYS,
             "exams_by_person": exam_reports.PERSON_SORT_KEYS}


def _check_filters(params):
    """The filters refused now, as the report itself would refuse them later."""
    filters.date_window(params)
    filters.check_sort(params, SORT_KEYS.get(params["report"], ()))
    if params["report"] == "participation" and params.get("date"):
        participation._day(params["date"])


def _filters(params):
    """The report's own filters as its query (for PAGED reports, with the page)."""
    return {k: params.get(k) for k in FILTERS[params["report"]] if params.get(k) is not None}


def _fetch(uow, actor, params, page):
    report = params["report"]
    if report == "participation":
        return participation.report(uow, actor, params["plan_id"], params["org_id"],
                                    params.get("date"))
    if report == "exams_by_exam":
        return exam_reports.by_exam(uow, actor, params["plan_id"], params["org_id"])
    if report == "money":
        return money.report(uow, actor, params.get("date_from"), params.get("date_to"),
                            params["plan_id"])
    return PAGED[report](uow, actor, params["plan_id"], params["org_id"],
                         _filters(params) | {"page": page, "page_size": PAGE})


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


