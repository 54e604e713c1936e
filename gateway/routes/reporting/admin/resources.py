"""Admins' and the operator's reports answered by reporting (/api/v1/admin/reports): 培训
计划报表, within the admin's jurisdiction and permission module 查询统计."""
from flask import g
from gateway.blueprint import Blueprint

from ....auth import login_required
from ....rpc import rpc_pool
from .schemas import (Completion, CompletionQuery, ExamsByExam, ExamsByPerson,
                      ExamsByPersonQuery, ExamsQuery, ExportBody, ExportStaging, Inactive,
                      InactiveQuery, Money, MoneyQuery, Participation, ParticipationQuery,
                      ReportExport, ReportPlans)

blp = Blueprint("reporting_admin", __name__, url_prefix="/api/v1/admin/reports",
                description="培训计划报表")


def reporting():
    return rpc_pool().reporting


def _query(query, *keys):
    """Paging, the date range (ISO dates), sort and the report's own keys, as the service
    takes them: what was not given is left out."""
    out = {}
    for key in ("page", "page_size", "date_from", "date_to", "sort", "order", *keys):
        value = query.get(key)
        if value is not None:
            out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


@blp.route("/plans", methods=["GET"], endpoint="plans")
@blp.response(200, ReportPlans)
@login_required("admin", "operator")
def plans():
    """报表的培训计划（最新年度在前）与默认的组织机构（本人的管辖范围）"""
    return reporting().plans(g.actor)


@blp.route("/participation", methods=["GET"], endpoint="participation")
@blp.arguments(ParticipationQuery, location="query")
@blp.response(200, Participation)
@login_required("admin", "operator")
def participation(query):
    """培训计划学员参训情况统计表：注册、选课、参训、完成人数，参训率与完成率，合计"""
    day = query.get("date")
    return reporting().participation(g.actor, query["plan_id"], query.get("org_id"),
                                     day.isoformat() if day else None)


@blp.route("/inactive", methods=["GET"], endpoint="inactive")
@blp.arguments(InactiveQuery, location="query")
@blp.response(200, Inactive)
@login_required("admin", "operator")
def inactive(query):
    """培训计划未激活人员明细表：本单位及下级单位中尚未激活该培训计划的学员（可按注册日期范围、排序）"""
    return reporting().inactive(g.actor, query["plan_id"], query.get("org_id"), _query(query))


@blp.route("/exams-by-person", methods=["GET"], endpoint="exams_by_person")
@blp.arguments(ExamsByPersonQuery, location="query")
@blp.response(200, ExamsByPerson)
@login_required("admin", "operator")
def exams_by_person(query):
    """按人员统计考试：考试名称、考试状态、最后考试时间、剩余免考与可考次数、已考次数、及格线、最高分值（可按最后考试日期范围、学员、排序）"""
    return reporting().exams_by_person(g.actor, query["plan_id"], query.get("org_id"),
                                       _query(query, "user_id"))


@blp.route("/exams-by-exam", methods=["GET"], endpoint="exams_by_exam")
@blp.arguments(ExamsQuery, location="query")
@blp.response(200, ExamsByExam)
@login_required("admin", "operator")
def exams_by_exam(query):
    """考试情况统计：发布单位、考试类型、应参考、通过、未通过、未参考人数"""
    return reporting().exams_by_exam(g.actor, query["plan_id"], query.get("org_id"))


@blp.route("/completion", methods=["GET"], endpoint="completion")
@blp.arguments(CompletionQuery, location="query")
@blp.response(200, Completion)
@login_required("admin", "operator")
def completion(query):
    """培训计划学员完成情况明细表：已选课学员的学习与完成学时、是否完成、参训与结束时间（可按激活日期范围、排序）"""
    return reporting().completion(g.actor, query["plan_id"], query.get("org_id"),
                                  _query(query))


@blp.route("/money", methods=["GET"], endpoint="money")
@blp.arguments(MoneyQuery, location="query")
@blp.response(200, Money)
@login_required("operator")
def money(query):
    """收支统计（运营）：按日、按培训计划的支付订单与金额、退款；按日的学习卡兑换与充值；合计"""
    return reporting().money(g.actor, *(query[k].isoformat() if query.get(k) else None
                                        for k in ("date_from", "date_to")),
                             query.get("plan_id"))


@blp.route("/exports", methods=["POST"], endpoint="export_report")
@blp.arguments(ExportBody)
@blp.response(202, ReportExport)
@login_required("admin", "operator")
def export_report(body):
    """导出 Excel：按报表页面的筛选条件在后台生成 .xlsx，进度与下载见导出数据暂存区；相同的导出进行中时不再重复"""
    return reporting().export_report(g.actor, {
        k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.items()})


@blp.route("/exports", methods=["GET"], endpoint="export_staging")
@blp.response(200, ExportStaging)
@login_required("admin", "operator")
def export_staging():
    """导出数据暂存区：本人的导出，最新在前，含状态、进度、大小、行数与下载链接"""
    return reporting().export_staging(g.actor)
