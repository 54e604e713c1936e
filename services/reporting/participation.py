"""培训计划学员参训情况统计表 for one plan, one org unit (the admin's own, or any inside
their jurisdiction) and a statistics date: a row per unit directly under it (each with
its whole subtree) and one for the people of the unit itself, then 合计 — counted as of
the end of that day (Beijing time) from the counters the projections keep per plan,
unit and day (projections.py), so a city's report reads a few thousand rows. The figures' rules are
domain/participation.py."""
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from services.common.authz import require_module, within
from services.common.errors import Forbidden, InvalidInput, NotFound

from .domain.participation import COLUMNS, Counts, table
from .domain.read_model_rules import REGISTRATIONS
from .models import orgs, participation_days, participation_totals, plans

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTERS = ("registered", "selected", "participating", "completed")


def _day(value):
    if value in (None, ""):
        return datetime.now(SHANGHAI).date()
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("date_invalid", "统计日期格式不正确",
                           fields={"date": ["格式为 YYYY-MM-DD"]}) from None


def _sources(uow, plans_wanted, day):
    """Where figures as of `day` come from, the fewest rows first: the totals alone when
    nothing happened after it (a report of today); else the days up to it, or the totals
    less the days after it, whichever side of the date holds less of the history."""
    days = participation_days
    # Per plan, so each end is one step down the (plan_id, day) index: min/max over an IN
    # list made PostgreSQL read every row of both plans.
    ends = [uow.session.execute(select(func.min(days.c.day), func.max(days.c.day)).where(
        days.c.plan_id == plan)).one() for plan in plans_wanted]
    firsts = [f for f, _ in ends if f is not None]
    lasts = [t for _, t in ends if t is not None]
    first, last = (min(firsts), max(lasts)) if lasts else (None, None)
    if last is None or last <= day:
        return ((participation_totals, 1, ()),)
    if day < first:
        return ()
    if (day - first) < (last - day):
        return ((days, 1, (days.c.day <= day,)),)
    return ((participation_totals, 1, ()), (days, -1, (days.c.day > day,)))


def _counts_by_unit(uow, plan_id, node, children, day):
    """{unit org_id: Counts} for `node`'s own people (its whole subtree when it has no
    children) and each child's subtree, as of the end of `day`, summed per unit by the
    database from the counters (_sources)."""
    plans_wanted = (REGISTRATIONS, plan_id)
    found = {node["org_id"]: Counter()} | {org_id: Counter() for org_id, _n, _p in children}
    for counters, sign, extra in _sources(uow, plans_wanted, day):
        sums = [func.sum(counters.c[c]).label(c) for c in COUNTERS]
        query = (select(*sums).join(orgs, orgs.c.org_id == counters.c.org_id)
                 .where(orgs.c.path.like(f"{node['path']}%"),
                        counters.c.plan_id.in_(plans_wanted), *extra))
        if children:  # each row of the subtree to its child's unit, or the node's own
            unit = case(*((orgs.c.path.like(f"{path}%"), org_id)
                          for org_id, _name, path in children), else_=node["org_id"])
            query = query.add_columns(unit.label("unit")).group_by(unit)
        for row in uow.session.execute(query).mappings():
            found[row.get("unit", node["org_id"])].update(
                {c: sign * int(row[c] or 0) for c in COUNTERS})
    return {org_id: Counts(*(counts[c] for c in COUNTERS)) for org_id, counts in found.items()}


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
    children = uow.session.execute(select(orgs.c.org_id, orgs.c.name, orgs.c.path).where(
        orgs.c.parent_id == node["org_id"]).order_by(orgs.c.path)).all()
    by_unit = _counts_by_unit(uow, plan["plan_id"], node, children, day)
    units = [(node["name"] + ("（本级）" if children else ""), by_unit[node["org_id"]])]
    units += [(name, by_unit[org_id]) for org_id, name, _path in children]
    rows, total = table(day, units)
    return {"plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
            "org": {"org_id": node["org_id"], "name": node["name"]},
            "statistics_date": day.isoformat(), "columns": list(COLUMNS), "rows": rows,
            "total": total}


