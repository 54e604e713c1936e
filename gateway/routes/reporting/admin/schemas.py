"""Shapes of reporting's answers and queries, for the OpenAPI document."""
from marshmallow import ValidationError, validates_schema

from services.common.contracts import PageQuery
from services.common.schema import Schema, fields, length, one_of, validate

ORDER = fields.String(load_default=None, validate=one_of(("asc", "desc")),
                      metadata={"description": "asc 升序 / desc 降序"})


def sort_field(keys):
    return fields.String(load_default=None, validate=one_of(keys), metadata={
        "description": f"排序列（不填为按组织机构、用户名）：{' / '.join(keys)}"})


class DateRange(Schema):
    """date_from / date_to: Beijing calendar dates, both included; checked here, at the edge."""
    date_from = fields.Date(load_default=None, metadata={"description": "开始日期（含）"})
    date_to = fields.Date(load_default=None, metadata={"description": "结束日期（含）"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("开始日期不能晚于结束日期", field_name="date_from")


class ReportPlan(Schema):
    plan_id = fields.Integer()
    name = fields.String()
    year = fields.Integer(metadata={"description": "年度"})
    kind = fields.String(metadata={"description": "public / professional"})
    kind_label = fields.String(metadata={"description": "公需科目 / 专业科目"})
    status = fields.String(metadata={"description": "published / closed"})
    status_label = fields.String(metadata={"description": "进行中 / 已关闭"})


class ReportOrg(Schema):
    org_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    path_names = fields.List(fields.String(), metadata={
        "description": "从顶级单位到本单位的名称"})
    has_children = fields.Boolean()


class ReportPlans(Schema):
    items = fields.List(fields.Nested(ReportPlan), metadata={"description": "最新年度在前"})
    total = fields.Integer()
    jurisdiction = fields.Nested(ReportOrg, allow_none=True, metadata={
        "description": "报表默认的组织机构：管理员的管辖范围（运营：唯一的顶级单位，没有则为空）"})


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


class PlanOrgPageQuery(PageQuery, DateRange):
    plan_id = fields.Integer(required=True, metadata={"description": "培训计划"})
    org_id = fields.Integer(load_default=None, metadata={
        "description": "组织机构（本单位或下级单位；不填为本单位）"})
    order = ORDER


class InactiveQuery(PlanOrgPageQuery):
    """date_from / date_to: 注册时间"""
    sort = sort_field(("username", "real_name", "org_name", "registered_at"))


class CompletionQuery(PlanOrgPageQuery):
    """date_from / date_to: 激活计划（参训开始）的日期"""
    sort = sort_field(("username", "real_name", "org_name", "total_completed",
                       "total_selected", "completed", "started_at", "ended_at"))


class ExamsByPersonQuery(PlanOrgPageQuery):
    """date_from / date_to: 最后考试时间"""
    sort = sort_field(("username", "real_name", "org_name", "exam_name", "last_attempt_at",
                       "attempts_taken", "best_score"))
    user_id = fields.Integer(load_default=None, metadata={
        "description": "只看这名学员（完成情况明细表的“查看”）"})


class InactiveLearner(Schema):
    username = fields.String(metadata={"description": "用户名"})
    real_name = fields.String(allow_none=True, metadata={"description": "姓名"})
    id_number_masked = fields.String(allow_none=True, metadata={"description": "身份证号（脱敏）"})
    org_name = fields.String(metadata={"description": "组织机构"})
    employer = fields.String(allow_none=True, metadata={"description": "单位"})
    plan_name = fields.String(metadata={"description": "计划名称"})
    registered_at = fields.String(allow_none=True, metadata={"description": "注册时间（北京时间）"})


class Inactive(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    columns = fields.List(fields.String())
    items = fields.List(fields.Nested(InactiveLearner))
    total = fields.Integer()
    total_exact = fields.Boolean()
    page = fields.Integer()
    page_size = fields.Integer()


class ExamsQuery(Schema):
    plan_id = fields.Integer(required=True, metadata={"description": "培训计划"})
    org_id = fields.Integer(load_default=None, metadata={
        "description": "组织机构（本单位或下级单位；不填为本单位）"})


class PersonExam(Schema):
    user_id = fields.Integer()
    username = fields.String(metadata={"description": "用户名"})
    real_name = fields.String(allow_none=True, metadata={"description": "姓名"})
    id_number_masked = fields.String(allow_none=True, metadata={"description": "身份证号（脱敏）"})
    org_name = fields.String(metadata={"description": "组织机构"})
    employer = fields.String(allow_none=True, metadata={"description": "单位"})
    exam_name = fields.String(metadata={"description": "考试名称"})
    status = fields.String(metadata={"description": "考试状态：已通过 / 未通过 / 已考 / 未考"})
    last_attempt_at = fields.String(allow_none=True, metadata={"description": "最后考试时间"})
    remaining_exempt_attempts = fields.Raw(metadata={"description": "剩余免考考试次数（或“不限”）"})
    remaining_attempts = fields.Raw(metadata={"description": "剩余可考试次数（或“不限”）"})
    attempts_taken = fields.Integer(metadata={"description": "已考次数"})
    pass_score = fields.Integer(metadata={"description": "及格线"})
    best_score = fields.Integer(allow_none=True, metadata={"description": "最高分值"})


class ExamsByPerson(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    columns = fields.List(fields.String())
    items = fields.List(fields.Nested(PersonExam))
    total = fields.Integer()
    total_exact = fields.Boolean()
    page = fields.Integer()
    page_size = fields.Integer()


class ExamFigures(Schema):
    plan_name = fields.String(metadata={"description": "培训计划"})
    publisher = fields.String(metadata={"description": "发布单位"})
    exam_name = fields.String(metadata={"description": "考试名称"})
    exam_type = fields.String(metadata={"description": "考试类型"})
    should_take = fields.Integer(metadata={"description": "应参考人数"})
    passed = fields.Integer(metadata={"description": "通过人数"})
    failed = fields.Integer(metadata={"description": "未通过人数"})
    not_taken = fields.Integer(metadata={"description": "未参考人数"})


class ExamsByExam(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(ExamFigures))


class LearnerCompletion(Schema):
    user_id = fields.Integer(metadata={"description": "查看该学员的考试"})
    username = fields.String(metadata={"description": "用户名"})
    real_name = fields.String(allow_none=True, metadata={"description": "姓名"})
    id_number_masked = fields.String(allow_none=True, metadata={"description": "身份证（脱敏）"})
    org_name = fields.String(metadata={"description": "组织机构"})
    mobile_masked = fields.String(allow_none=True, metadata={"description": "电话（脱敏）"})
    education = fields.String(allow_none=True, metadata={"description": "最高学历"})
    employer = fields.String(allow_none=True, metadata={"description": "单位"})
    required_hours = fields.String(metadata={"description": "学习必修学时"})
    elective_hours = fields.String(metadata={"description": "学习选修学时"})
    required_completed = fields.String(metadata={"description": "完成必修学时"})
    elective_completed = fields.String(metadata={"description": "完成选修学时"})
    total_completed = fields.String(metadata={"description": "完成总学时"})
    total_selected = fields.String(metadata={"description": "已选总学时"})
    completed = fields.String(metadata={"description": "是否完成：已完成 / 未完成"})
    started_at = fields.String(allow_none=True, metadata={"description": "参训时间"})
    ended_at = fields.String(allow_none=True, metadata={"description": "结束时间"})


class Completion(Schema):
    plan = fields.Nested(NamedPlan)
    org = fields.Nested(NamedOrg)
    columns = fields.List(fields.String())
    items = fields.List(fields.Nested(LearnerCompletion))
    total = fields.Integer()
    total_exact = fields.Boolean()
    page = fields.Integer()
    page_size = fields.Integer()


class MoneyQuery(Schema):  # its range is checked by the service (422 date_range_invalid)
    date_from = fields.Date(load_default=None, metadata={"description": "开始日期（默认近30天）"})
    date_to = fields.Date(load_default=None, metadata={"description": "结束日期（默认今天）"})
    plan_id = fields.Integer(load_default=None, metadata={"description": "培训计划"})


class MoneyRow(Schema):
    date = fields.String()
    plan_id = fields.Integer()
    plan_name = fields.String(allow_none=True)
    paid_orders = fields.Integer(metadata={"description": "支付订单数"})
    paid_fen = fields.Integer()
    paid = fields.String(metadata={"description": "支付金额（元）"})
    refunds = fields.Integer(metadata={"description": "退款笔数"})
    refunded_fen = fields.Integer()
    refunded = fields.String(metadata={"description": "退款金额（元）"})
    net_fen = fields.Integer()
    net = fields.String(metadata={"description": "净收入（元）"})


class MoneyDay(Schema):
    date = fields.String()
    card_redemptions = fields.Integer(metadata={"description": "学习卡兑换张数"})
    card_fen = fields.Integer()
    card = fields.String(metadata={"description": "学习卡兑换金额（元）"})
    recharges = fields.Integer(metadata={"description": "充值笔数"})
    recharge_fen = fields.Integer()
    recharge = fields.String(metadata={"description": "充值金额（元）"})


class MoneyTotal(Schema):
    paid_orders = fields.Integer()
    paid_fen = fields.Integer()
    paid = fields.String()
    refunds = fields.Integer()
    refunded_fen = fields.Integer()
    refunded = fields.String()
    net_fen = fields.Integer()
    net = fields.String()
    card_redemptions = fields.Integer()
    card_fen = fields.Integer()
    card = fields.String()
    recharges = fields.Integer()
    recharge_fen = fields.Integer()
    recharge = fields.String()


class Money(Schema):
    date_from = fields.String()
    date_to = fields.String()
    rows = fields.List(fields.Nested(MoneyRow))
    days = fields.List(fields.Nested(MoneyDay))
    total = fields.Nested(MoneyTotal)


class ExportBody(DateRange):
    report = fields.String(required=True, validate=validate.OneOf(
        ("participation", "completion", "inactive", "exams_by_person", "exams_by_exam",
         "money"), error="不是可导出的报表"), metadata={"description": "要导出的报表"})
    plan_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "培训计划（收支统计以外必填）"})
    org_id = fields.Integer(load_default=None, allow_none=True)
    date = fields.Date(load_default=None, allow_none=True,
                       metadata={"description": "统计日期（参训情况统计表）"})
    date_from = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "开始日期（完成情况、未激活人员、按人员统计考试、收支统计）"})
    date_to = fields.Date(load_default=None, allow_none=True, metadata={"description": "结束日期"})
    sort = fields.String(load_default=None, allow_none=True, validate=length(max=32),
                         metadata={"description": "排序列，同报表查询"})
    order = fields.String(load_default=None, allow_none=True, validate=one_of(("asc", "desc")))
    user_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "只看这名学员（按人员统计考试）"})


class ExportProgress(Schema):
    done = fields.Integer(allow_none=True)
    total = fields.Integer(allow_none=True)


class ReportExport(Schema):
    job_id = fields.Integer()
    report = fields.String()
    report_name = fields.String()
    status = fields.String(metadata={"description": "queued 排队中 / running 导出中 / done 完成 / failed 失败"})
    progress = fields.Nested(ExportProgress)
    rows = fields.Integer(allow_none=True, metadata={"description": "行数"})
    bytes = fields.Integer(allow_none=True, metadata={"description": "文件大小（字节）"})
    download_url = fields.String(allow_none=True, metadata={"description": "10分钟内有效"})
    error = fields.String(allow_none=True)
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)


class ExportStaging(Schema):
    items = fields.List(fields.Nested(ReportExport))
    retention_days = fields.Integer(metadata={"description": "文件保留天数"})
