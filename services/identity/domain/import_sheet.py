"""The batch-import template (Henan guide: 批量导入, 失败信息模板) and the checks a file
must pass before any row is read: an .xlsx that is what it claims, no zip bomb, no
formulas, not more rows than allowed, the template's header."""
import datetime as dt
import io
import zipfile

from services.common.errors import InvalidInput

from . import vocab

MAX_ROWS = 50_000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

# (header, field, required, choices: label -> stored value)
COLUMNS = [
    ("用户名", "username", False, None),
    ("姓名", "real_name", True, None),
    ("证件类型", "id_type", True, {v: k for k, v in vocab.ID_TYPES.items()}),
    ("证件号码", "id_number", True, None),
    ("出生日期", "birth_date", True, None),
    ("性别", "gender", True, {v: k for k, v in vocab.GENDERS.items()}),
    ("手机号", "mobile", True, None),
    ("民族", "ethnicity", False, {e: e for e in vocab.ETHNICITIES}),
    ("职称状态", "title_status", True, {t: t for t in vocab.TITLE_STATUSES}),
    ("职称级别", "title_level", False, {t: t for t in vocab.TITLE_LEVELS}),
    ("专业技术职称", "professional_title", False, None),
    ("取得职称时间", "title_date", False, None),
    ("学历", "education", False, {e: e for e in vocab.EDUCATIONS}),
    ("政治面貌", "political_status", False, {p: p for p in vocab.POLITICAL_STATUSES}),
    ("电子邮箱", "email", False, None),
]
HEADERS = [c[0] for c in COLUMNS]
EXAMPLE = ["zhangsan", "张三", "居民身份证", "120101199001011028", "1990-01-01", "女",
           "13800000000", "汉族", "已取得", "中级", "工程师", "2018-06-01", "大学本科", "群众",
           "zhangsan@example.com"]


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


def row_to_fields(values):
    """One sheet row -> registration fields (labels mapped to stored values), or a reason."""
    record, problems = {}, []
    for (header, field, required, choices), raw in zip(COLUMNS, values, strict=False):
        text = cell_text(raw)
        if not text:
            if required:
                problems.append(f"{header}为必填项")
            record[field] = None
            continue
        if choices is not None:
            if text not in choices:
                problems.append(f"{header}“{text}”不是可选的值")
                continue
            text = choices[text]
        record[field] = text
    return record, problems
