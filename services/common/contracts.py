"""Shapes every service's API shares, defined once for the services and the gateway (no
framework imports): a page of a list and the query asking for it, a batch decision and
its answer, a change shown field by field."""
from functools import lru_cache

from .schema import Schema, fields, length, validate

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@lru_cache
def page_query(default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE):
    """The schema of `page` and `page_size`; a list's query contract inherits it
    (paging.page_request reads a page with it)."""
    return Schema.from_dict({
        "page": fields.Integer(load_default=1, validate=validate.Range(
            min=1, error="页码须从1开始"), metadata={"description": "从1开始"}),
        "page_size": fields.Integer(load_default=default_size, validate=validate.Range(
            min=1, max=max_size, error=f"每页条数须为1–{max_size}"),
            metadata={"description": f"1–{max_size}，默认{default_size}"}),
    }, name="PageQuery")


PageQuery = page_query()


def page_of(name, item, total_description=None, total_exact=False):
    """The schema of paging.paged's answer, named `name` in the OpenAPI document:
    {items: [item], total, page, page_size} (+ total_exact for a capped count)."""
    shape = {"total": fields.Integer(metadata={"description": total_description or "符合条件的条数"}),
             "page": fields.Integer(), "page_size": fields.Integer(),
             "items": fields.List(fields.Nested(item))}
    if total_exact:
        shape["total_exact"] = fields.Boolean(metadata={
            "description": "false：符合条件的超过 total 条，请缩小查询范围"})
    return Schema.from_dict(shape, name=name)


class BatchDecisionBody(Schema):
    """批量通过 / 驳回: each service's body adds its list of ids (decisions.batch_decision
    checks the values)."""
    decision = fields.String(required=True, metadata={"description": "approve 通过 / reject 驳回"})
    reason = fields.String(load_default=None, validate=length(max=200),
                           metadata={"description": "驳回时必填"})


def batch_result(name, id_field, done="decided", skipped_description=None):
    """The schema of decisions.apply_batch's answer, named `name` in the OpenAPI document:
    {done: [ids], skipped: [{id_field, reason}]}."""
    skipped = Schema.from_dict({id_field: fields.Integer(),
                                "reason": fields.String(metadata={"description": "未处理的原因"})},
                               name=f"{name}Skipped")
    return Schema.from_dict({
        done: fields.List(fields.Integer()),
        "skipped": fields.List(fields.Nested(skipped), metadata={
            "description": skipped_description or "未处理的条目及原因"}),
    }, name=name)


class DiffRow(Schema):
    """One field of a change under review (修改前后对照)."""
    field = fields.String()
    label = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
