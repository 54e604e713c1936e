"""The learner batch-import template (Henan guide: 批量导入, 失败信息模板): its columns and how
a row becomes registration fields. The file checks every import shares are in
services/common/sheets.py."""
from services.common.sheets import cell_text, check_container, refuse  # noqa: F401

from . import vocab

MAX_ROWS = 50_000

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
