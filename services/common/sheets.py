"""Uploaded spreadsheets, one way for every import: the import job itself
(`run_import`), the checks a file must pass before any row is read (an .xlsx that is what it claims, no zip bomb, no formulas, not more rows
than allowed, the template's header), its rows as text, a template with a notes sheet and
drop-down choices, and the failure report (失败信息) listing each refused row with its
reason."""
import datetime as dt
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from . import jobs
from .clock import as_utc
from .errors import DomainError, InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100


def refuse(code, message):
    raise InvalidInput(code, message, fields={"file": [message]})


def check_container(data):
    """Before openpyxl sees the bytes: a real zip (xlsx) whose unpacked size is sane."""
    if len(data) > MAX_UPLOAD_BYTES:
        refuse("file_too_large", f"文件不能超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB")
    if not data.startswith(b"PK\x03\x04"):
        refuse("file_not_xlsx", "文件不是 Excel（.xlsx）格式，请使用下载的模板")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        refuse("file_not_xlsx", "文件已损坏或不是 Excel（.xlsx）格式")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        refuse("file_not_xlsx", "文件不是 Excel（.xlsx）格式，请使用下载的模板")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_COMPRESSION_RATIO * max(len(data), 1):
        refuse("file_suspicious", "文件解压后过大，疑似异常文件，已拒绝")


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data, headers, max_rows):
    """[(row number, values)] of a checked file with the template's `headers`; raises
    InvalidInput for a bad file. Empty rows are skipped."""
    check_container(data)
    too_many = f"每次最多导入{max_rows}行，请分批导入"
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for broken files
        refuse("file_unreadable", "无法读取该 Excel 文件，请使用下载的模板")
    sheet = workbook.worksheets[0]
    if (sheet.max_row or 0) > max_rows + 1:
        refuse("too_many_rows", too_many)
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    if header[:len(headers)] != list(headers):
        refuse("header_mismatch", "表头与模板不一致，请使用下载的模板")
    result = []
    for number, values in enumerate(rows, start=2):
        if number > max_rows + 1:
            refuse("too_many_rows", too_many)
        values = list(values[:len(headers)]) + [None] * (len(headers) - len(values))
        if not any(cell_text(v) for v in values):
            continue
        if any(isinstance(v, str) and v.startswith("=") for v in values):
            refuse("formula_in_file", f"第{number}行含有公式，请只填写数值后重新上传")
        result.append((number, values))
    workbook.close()
    return result


def template(title, headers, example, notes, choices=None, max_rows=50_000):
    """An import template: bold header, an example row, drop-down lists for columns with
    `choices` ({header: [values]}), and a 填写说明 sheet of `notes`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    sheet.append(list(example))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 3)
        allowed = (choices or {}).get(header)
        if allowed:
            rule = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"',
                                  allow_blank=True, showErrorMessage=True,
                                  errorTitle="输入有误", error=f"请从列表中选择{header}")
            rule.add(f"{letter}2:{letter}{max_rows + 1}")
            sheet.add_data_validation(rule)
    sheet_notes = workbook.create_sheet("填写说明")
    for line in notes:
        sheet_notes.append([line])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def failure_report(headers, failed):
    """失败信息: 行号, the row as uploaded, 失败原因 — for (row number, values, reason)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("失败信息")
    header = []
    for title in ["行号", *headers, "失败原因"]:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for number, values, reason in sorted(failed, key=lambda f: f[0]):
        sheet.append([number, *[_safe(v) for v in values], reason])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def table(title, headers, rows):
    """A sheet of `rows` under a bold header (written in streaming mode; cells a
    spreadsheet would run as formulas written as text) — for exports meant to be edited
    and imported again through the same template."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def _safe(value):
    """A cell that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def import_view(row, storage, report_name):
    """An import job as its screen shows it: file, status, progress, rows imported and
    failed, and a 10-minute link to the failure report (named `report_name`)."""
    result = row["result"] or {}
    report = None
    if storage is not None and row["result_key"]:
        report = storage.signed_link(row["result_key"], 600) + f"&name={report_name}"
    return {"job_id": row["id"], "filename": row["params"].get("filename"),
            "status": row["status"], "progress": jobs.progress(row),
            "total_rows": result.get("total_rows"), "imported": result.get("imported"),
            "failed": result.get("failed"), "failure_report_url": report, "error": row["error"],
            "created_at": as_utc(row["created_at"]).isoformat()}


def run_import(ctx, storage, offload, headers, max_rows, check_rows, create_batch, batch_size):
    """An import as a job step by step: read and check the whole file (cheap to repeat, so
    every attempt does it), then create the good rows in batches after the cursor — each
    batch committed with the cursor, so a run after a crash creates nothing twice — then
    the failure report under the key fixed at enqueue (`report_key`).
    `check_rows(rows) -> (good, failed)`, good rows starting (row number, values, ...);
    `create_batch(uow, batch) -> (created, [(row number, values, reason)])`."""
    job = ctx.job
    try:
        with storage.open(job.params["upload_key"]) as fh:
            data = fh.read()
    except FileNotFoundError as exc:
        raise jobs.JobFailed("上传的文件已不存在，请重新上传后导入") from exc
    try:
        rows = offload(read_rows, data, headers, max_rows)
    except DomainError as exc:  # the file itself is refused: nothing imported
        raise jobs.JobFailed(exc.detail) from exc
    good, invalid = offload(check_rows, rows)
    cursor = job.checkpoint or {"last_row": 0, "imported": 0, "clashes": []}
    # By row number, not batch index: a row judged differently on a re-run (the date
    # moved on) cannot shift rows into batches already done.
    todo = [g for g in good if g[0] > cursor["last_row"]]
    settled = len(rows) - len(todo)
    ctx.beat(done=settled, total=len(rows))
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        with ctx.db() as uow:
            created, clashes = create_batch(uow, batch)
            settled += len(batch)
            cursor = {"last_row": batch[-1][0], "imported": cursor["imported"] + created,
                      "clashes": cursor["clashes"] + [[n, reason] for n, _, reason in clashes]}
            ctx.step(uow, cursor, done=settled, total=len(rows))
            uow.commit()
    values = dict(rows)
    failed = invalid + [(n, values[n], reason) for n, reason in cursor["clashes"]]
    report = None
    if failed:
        report = job.params["report_key"]
        storage.put(report, offload(failure_report, headers, failed))  # same key on a re-run
    return jobs.Outcome(result={"total_rows": len(rows), "imported": cursor["imported"],
                                "failed": len(failed)}, result_key=report)
