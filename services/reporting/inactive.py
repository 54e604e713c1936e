"""培训计划未激活人员明细表 (section 3.3 of the administrators' manual): the learners of an
org unit's subtree (admitted members) who have not activated the plan — 用户名, 姓名,
身份证号 (masked, as everywhere outside identity), 组织机构 (the unit they belong to), 单位
(the employer that unit is in) and 计划名称 — paged, by org path then username or sorted
on SORT_KEYS; filtered by the date range they registered in (Beijing dates)."""
from sqlalchemy import and_, select

from services.common.paging import page_request, paged

from .filters import beijing_minute, date_window, ordering, within_window
from .models import enrolments, orgs, people
from .participation import plan_and_node

COLUMNS = ("用户名", "姓名", "身份证号", "组织机构", "单位", "计划名称")
SORT_KEYS = ("username", "real_name", "org_name", "registered_at")
SORTS = {"username": people.c.username, "real_name": people.c.real_name,
         "org_name": orgs.c.path, "registered_at": people.c.registered_at}


def employers(uow, paths):
    """{path: the name of the deepest employer on it (the unit itself when it is one)}."""
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    units = {r.org_id: r for r in uow.session.execute(
        select(orgs.c.org_id, orgs.c.name, orgs.c.type).where(orgs.c.org_id.in_(ids)))}
    found = {}
    for path in paths:
        chain = [units.get(int(p)) for p in path.strip("/").split("/") if p]
        employer = next((u for u in reversed(chain) if u is not None and u.type == "employer"),
                        None)
        found[path] = employer.name if employer is not None else None
    return found


def report(uow, actor, plan_id, org_id=None, query=None):
    query = query or {}
    plan, node = plan_and_node(uow, actor, plan_id, org_id)
    window = date_window(query)
    rows = (select(people.c.username, people.c.real_name, people.c.id_number_masked,
                   people.c.registered_at, orgs.c.name.label("org_name"), orgs.c.path)
            .join(orgs, orgs.c.org_id == people.c.org_id)
            .outerjoin(enrolments, and_(enrolments.c.user_id == people.c.user_id,
                                        enrolments.c.plan_id == plan["plan_id"]))
            .where(orgs.c.path.like(f"{node['path']}%"), people.c.member == "active",
                   enrolments.c.activated_at.is_(None),
                   *within_window(people.c.registered_at, window))
            .order_by(*ordering(query, SORTS, (orgs.c.path, people.c.username),
                                (people.c.user_id,))))
    answer = paged(uow.session, rows, page_request(query), count_limit=100_000)
    names = employers(uow, {r["path"] for r in answer["items"]})
    answer["items"] = [{"username": r["username"], "real_name": r["real_name"],
                        "id_number_masked": r["id_number_masked"], "org_name": r["org_name"],
                        "employer": names[r["path"]], "plan_name": plan["name"],
                        "registered_at": beijing_minute(r["registered_at"])}
                       for r in answer["items"]]
    return answer | {"plan": {"plan_id": plan["plan_id"], "name": plan["name"]},
                     "org": {"org_id": node["org_id"], "name": node["name"]},
                     "columns": list(COLUMNS)}
