"""Shapes of reporting's answers and queries, for the OpenAPI document."""
from services.common.contracts import PageQuery
from services.common.schema import Schema, fields


class ParticipationQuery(Schema):
    plan_id = fields.Integer(required=True, metadata={"description": "培训计划"})
    org_id = fields.Integer(load_default=None, metadata={
        "description": "组织机构（本单位或下级单位；不填为本单位）"})
    date = fields.Date(load_default=None, metadata={"description": "统计日期（不填为今天）"})


class ParticipationRow(Schema):
    org_name = fields.String(metadata={"description": "组织机构（合计行为“合计”）"})
    statistics_date = fields.String()
    registered = fields.Integer(metadata={"description": "注册人数"})
    selected = fields.Integer(metadata={"description": "选课人数"})
    participating = fields.Integer(metadata={"description": "参训人数"})
    completed = fields.Integer(metadata={"description": "完成人数"})
    not_completed = fields.Integer(metadata={"description": "未完成人数"})
    participation_rate = fields.String(metadata={"description": "参训率，如 0.14%"})
    completion_rate = fields.String(metadata={"description": "完成率"})


class NamedPlan(Schema):
    plan_id = fields.Integer()
    name = fields.String()


class NamedOrg(Schema):
    org_id = fields.Integer()
    name = fields.String()


class Participation(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    statistics_date = fields.String()
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(ParticipationRow))
    total = fields.Nested(ParticipationRow, metadata={"description": "合计"})


class InactiveQuery(PageQuery):
    plan_id = fields.Integer(required=True, metadata={"description": "培训计划"})
    org_id = fields.Integer(load_default=None, metadata={
        "description": "组织机构（本单位或下级单位；不填为本单位）"})


class InactiveLearner(Schema):
    username = fields.String(metadata={"description": "用户名"})
    real_name = fields.String(allow_none=True, metadata={"description": "姓名"})
    id_number_masked = fields.String(allow_none=True, metadata={"description": "身份证号（脱敏）"})
    org_name = fields.String(metadata={"description": "组织机构"})
    employer = fields.String(allow_none=True, metadata={"description": "单位"})
    plan_name = fields.String(metadata={"description": "计划名称"})


class Inactive(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    columns = fields.List(fields.String())
    items = fields.List(fields.Nested(InactiveLearner))
    total = fields.Integer()
    total_exact = fields.Boolean()
    page = fields.Integer()
    page_size = fields.Integer()
