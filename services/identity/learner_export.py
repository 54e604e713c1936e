"""学员管理 › 导出: the queried learners as an .xlsx file in the file store, handed out by a
short-lived signed link. openpyxl's write-only mode keeps memory flat."""
import io
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .domain import vocab

BEIJING = timezone(timedelta(hours=8))
COLUMNS = [
    ("用户名", "username"), ("姓名", "real_name"), ("证件类型", "id_type"),
    ("证件号码", "id_number_masked"), ("手机号", "mobile_masked"), ("性别", "gender"),
    ("所属组织机构", "org_name"), ("职称级别", "title_level"),
    ("专业技术职称", "professional_title"), ("学历", "education"), ("状态", "status"),
    ("注册时间", "registered_at"),
]
STATUS_LABELS = {"active": "正常", "pending_review": "待审核", "rejected": "未通过",
                 "disabled": "已停用"}
LINK_TTL_SECONDS = 600


def cell_value(key, value):
    if key == "id_type":
        return vocab.ID_TYPES.get(value, value)
    if key == "gender":
        return vocab.GENDERS.get(value, value)
    if key == "status":
        return STATUS_LABELS.get(value, value)
    if key == "registered_at" and value:
        return datetime.fromisoformat(value).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a cell must never become a formula in the admin's Excel
    return value


def workbook_bytes(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("学员")
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([cell_value(key, row.get(key)) for _, key in COLUMNS])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def store(storage, data, rows, now, title="学员名单"):
    """Put the file in the store; answer with a signed link valid for ten minutes."""
    key = f"exports/identity/{uuid.uuid4().hex}.xlsx"
    storage.put(key, data)
    return link_to(storage, key, now, f"{title}_{now.astimezone(BEIJING):%Y%m%d%H%M}.xlsx") | {
        "rows": rows}


def link_to(storage, key, now, name):
    link = storage.signed_link(key, LINK_TTL_SECONDS, now=now.timestamp())
    return {"filename": name, "download_url": f"{link}&name={quote(name)}",
            "expires_at": (now + timedelta(seconds=LINK_TTL_SECONDS)).isoformat()}
