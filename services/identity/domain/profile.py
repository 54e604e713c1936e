"""Which profile fields a person may change and how (seed figure 8.1, Henan guide):
contact and title fields directly; the org only by a transfer; name and document
fields only through the org's review."""
from datetime import date

from marshmallow import ValidationError

from services.common.errors import InvalidInput

from . import id_documents
from services.common.schema import invalid_input

from ..contracts import InfoChangeBody, PersonalInfo
from .registration import cross_field_rules

DIRECT_FIELDS = ("mobile", "email", "ethnicity", "title_status", "title_level",
                 "professional_title", "title_date", "education", "political_status")
REVIEWED_FIELDS = InfoChangeBody.Meta.fields
TRANSFER_FIELDS = ("org_id",)


def check_changes(current, changes):
    """Return the cleaned direct changes, or raise InvalidInput explaining the route
    a field must take instead."""
    for name in changes:
        if name in TRANSFER_FIELDS:
            raise InvalidInput("org_change_needs_transfer",
                               "所属组织机构须通过人员调动变更，请联系单位管理员办理调出",
                               fields={name: ["须通过人员调动变更"]})
        if name in REVIEWED_FIELDS and _as_text(changes[name]) != current.get(name):
            raise InvalidInput("change_needs_review",
                               "姓名、证件、出生日期、性别的修改须提交所在单位审核",
                               fields={name: ["须提交所在单位审核"]})
    direct = {k: v for k, v in changes.items() if k in DIRECT_FIELDS}
    unknown = set(changes) - set(DIRECT_FIELDS) - set(REVIEWED_FIELDS)
    if unknown:
        raise InvalidInput("validation_failed", "不允许修改的字段",
                           fields={k: ["不允许的字段"] for k in sorted(unknown)})
    schema = PersonalInfo(only=DIRECT_FIELDS, partial=True)
    try:
        clean = schema.load(direct)
    except ValidationError as err:
        raise invalid_input(err) from None
    merged = {**current, **clean}
    try:
        cross_field_rules(merged)
    except ValidationError as err:
        raise invalid_input(err) from None
    return clean


def _as_text(value):
    """Dates arrive as dates when the gateway has loaded the contract, as text otherwise;
    the current record holds text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def check_reviewed_changes(current, changes):
    """The name / document changes a person submits for review: only reviewed fields,
    each different from now, and the document consistent with birth date and sex (the
    merged record is checked, so changing only the ID number still must agree)."""
    unknown = set(changes) - set(REVIEWED_FIELDS)
    if unknown:
        raise InvalidInput("validation_failed", "只能提交姓名、证件、出生日期、性别的修改",
                           fields={k: ["不允许的字段"] for k in sorted(unknown)})
    schema = InfoChangeBody(partial=True)
    try:
        clean = schema.load(changes)
    except ValidationError as err:
        raise invalid_input(err) from None
    clean = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in clean.items()}
    if "id_number" in clean:
        clean["id_number"] = id_documents.normalise(clean["id_number"])
    clean = {k: v for k, v in clean.items() if v != current.get(k)}
    if not clean:
        raise InvalidInput("nothing_changed", "没有需要修改的内容")
    merged = {**current, **clean}
    id_documents.validate(merged["id_type"], merged["id_number"],
                          date.fromisoformat(merged["birth_date"]), merged["gender"])
    return clean
