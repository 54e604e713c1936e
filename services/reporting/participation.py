"""培训计划学员参训情况统计表 for one plan, one org unit (the admin's own, or any inside
their jurisdiction) and a statistics date: a row per unit directly under it (each with
its whole subtree) and one for the people of the unit itself, then 合计 — counted as of
the end of that day (Beijing time) from the read models. The figures' rules are
domain/participation.py."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from services.common.authz import require_module, within
from services.common.errors import Forbidden, InvalidInput, NotFound

from .domain.participation import COLUMNS, Counts, table
from .models import enrolments, orgs, people, plans

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUS_OF_PEOPLE = "active"


def _day(value):
    if value in (None, ""):
        return datetime.now(SHANGHAI).date()
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("date_invalid", "统计日期格式不正确",
                           fields={"date": ["格式为 YYYY-MM-DD"]}) from None


def _counts(uow, plan_id, path, until, exact=False):
    """Counts of the people in `path`'s subtree (or of the unit alone, `exact`)."""
    where_org = orgs.c.path == path if exact else orgs.c.path.like(f"{path}%")
    members = (select(people.c.user_id).join(orgs, orgs.c.org_id == people.c.org_id)
               .where(where_org, people.c.member == STATUS_OF_PEOPLE))
    registered = uow.session.execute(select(func.count()).select_from(
        members.where(people.c.registered_at < until).subquery())).scalar()
    facts = uow.session.execute(select(
        func.count(enrolments.c.first_selected_at).filter(
            enrolments.c.first_selected_at < until),
        func.count(enrolments.c.started_at).filter(enrolments.c.started_at < until),
        func.count(enrolments.c.passed_at).filter(enrolments.c.passed_at < until))
        .where(enrolments.c.plan_id == plan_id,
               enrolments.c.user_id.in_(members))).one()
    return Counts(registered, facts[0], facts[1], facts[2])


def plan_and_node(uow, actor, plan_id, org_id):
    """The plan and the org node a report is asked for, the node checked against the
    admin's jurisdiction and module 查询统计."""
    scope = require_module(actor, "statistics")
    plan = uow.session.execute(select(plans).where(plans.c.plan_id == int(plan_id))
                               ).mappings().first()
    if plan is None:
        raise NotFound("plan_not_found", "培训计划不存在")
    if org_id is None:
        if scope is None:
            raise InvalidInput("org_required", "请选择组织机构", fields={"org_id": ["必填"]})
        node = uow.session.execute(select(orgs).where(orgs.c.path == scope)).mappings().first()
    else:
        node = uow.session.execute(select(orgs).where(orgs.c.org_id == int(org_id))
                                   ).mappings().first()
    if node is None:
        raise NotFound("org_not_found", "组织机构不存在")
    if not within(scope, node["path"]):
        raise Forbidden("org_out_of_jurisdiction", "只能查询本单位及下级单位的统计")
    return plan, node


def report(uow, actor, plan_id, org_id=None, day=None):
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    day = _day(day)
    # The end of the day in Beijing, in UTC as the rows keep times (SQLite keeps no offset).
    until = datetime.combine(day + timedelta(days=1), time(), SHANGHAI).astimezone(timezone.utc)
    children = uow.session.execute(select(orgs.c.name, orgs.c.path).where(
        orgs.c.parent_id == node["org_id"]).order_by(orgs.c.path)).all()
    units = [(node["name"] + ("（本级）" if children else ""),
              _counts(uow, plan["plan_id"], node["path"], until, exact=bool(children)))]
    units += [(name, _counts(uow, plan["plan_id"], path, until)) for name, path in children]
    rows, total = table(day, units)
    return {"plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
            "org": {"org_id": node["org_id"], "name": node["name"]},
            "statistics_date": day.isoformat(), "columns": list(COLUMNS), "rows": rows,
            "total": total}


