"""The people directory for admins (Tianjin admin §2.1 学员管理, Henan 专业技术人员信息查询):
learners in the admin's jurisdiction, searched, paged and sorted. PII is masked in lists."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select

from services.common.errors import InvalidInput, NotFound
from services.common.paging import page_request, paged
from services.common.schema import load

from .contracts import LearnerQuery
from .domain import id_documents, permissions
from .domain.masking import mask_id_number, mask_mobile
from .models import accounts, orgs, people

BEIJING = timezone(timedelta(hours=8))
SORTS = {
    "registered_at": people.c.registered_at,
    "real_name": people.c.real_name,
    "username": accounts.c.username,
    "org": orgs.c.path,
}  # one per contracts.LEARNER_SORTS


def _day_start_utc(day):
    """Admins pick Beijing calendar dates; storage is UTC."""
    return datetime.combine(day, time.min, BEIJING).astimezone(timezone.utc)


def _filtered(uow, actor, raw_query):
    """(joined tables, where clauses, parsed query) for learners of the jurisdiction."""
    scope = permissions.require_module(actor, "learner_management")
    query = load(LearnerQuery(), {k: v for k, v in raw_query.items() if v is not None})
    table = (people.join(accounts, accounts.c.id == people.c.user_id)
             .join(orgs, orgs.c.id == people.c.org_id))
    where = [accounts.c.is_learner.is_(True)]
    if scope is not None:
        where.append(orgs.c.path.startswith(scope, autoescape=True))
    if query["org_id"] is not None:
        org_path = uow.session.execute(select(orgs.c.path).where(orgs.c.id == query["org_id"])
                                       ).scalar()
        if org_path is None or (scope is not None
                                and not permissions.in_jurisdiction(scope, org_path)):
            raise NotFound("org_not_in_jurisdiction", "所选组织机构不在您的管辖范围内")
        # The org and every unit below it.
        where.append(orgs.c.path.startswith(org_path, autoescape=True))
    if query.get("real_name"):
        # From the first character (a full name or a surname): an index range even among
        # millions; "contains" would read the whole jurisdiction.
        where.append(people.c.real_name.startswith(query["real_name"].strip(), autoescape=True))
    if query.get("username"):
        where.append(accounts.c.username == query["username"].strip().lower())
    if query.get("id_number"):
        where.append(people.c.id_number == id_documents.normalise(query["id_number"]))
    if query.get("mobile"):
        where.append(people.c.mobile == query["mobile"].strip())
    if query.get("title_level"):
        where.append(people.c.title_level == query["title_level"])
    if query.get("registered_from"):
        where.append(people.c.registered_at >= _day_start_utc(query["registered_from"]))
    if query.get("registered_to"):
        where.append(people.c.registered_at
                     < _day_start_utc(query["registered_to"] + timedelta(days=1)))
    column = SORTS[query["sort"]]
    order = column.desc() if query["order"] == "desc" else column.asc()
    return table, where, query, (order, people.c.user_id)


def _rows(table, where, order):
    return (select(people, accounts.c.username, accounts.c.status,
                   orgs.c.name.label("org_name"))
            .select_from(table).where(*where).order_by(*order))


# Counting a city's 600,000 people exactly costs more than the page itself; past this the
# list says "more than 10,000" and asks for a narrower query, as large registries do.
COUNT_LIMIT = 10_000


def search_learners(uow, actor, raw_query):
    table, where, query, order = _filtered(uow, actor, raw_query)
    return paged(uow.session, _rows(table, where, order), page_request(query), _listed,
                 count_limit=COUNT_LIMIT)


EXPORT_LIMIT = 100_000


def rows_for_export(uow, actor, raw_query):
    """Every learner the query matches, for the Excel export; full ID numbers and phones
    only for a role with the 查看完整身份信息 module."""
    table, where, _, order = _filtered(uow, actor, raw_query)
    total = uow.session.execute(select(func.count()).select_from(table).where(*where)).scalar()
    if total > EXPORT_LIMIT:
        raise InvalidInput("export_too_large",
                           f"符合条件的学员有{total}人，超过单次导出上限{EXPORT_LIMIT}人，请缩小查询范围")
    full = actor.get("role") == "operator" or "pii_full" in (actor.get("modules") or [])
    result = []
    for r in uow.session.execute(_rows(table, where, order)).mappings():
        item = _listed(r)
        if full:
            item["id_number_masked"], item["mobile_masked"] = r["id_number"], r["mobile"]
        result.append(item)
    return result


def _listed(row):
    return {"user_id": row["user_id"], "username": row["username"],
            "real_name": row["real_name"], "id_type": row["id_type"],
            "id_number_masked": mask_id_number(row["id_number"]),
            "mobile_masked": mask_mobile(row["mobile"]), "gender": row["gender"],
            "org_id": row["org_id"], "org_name": row["org_name"],
            "title_level": row["title_level"], "professional_title": row["professional_title"],
            "education": row["education"], "status": row["status"],
            "registered_at": row["registered_at"].isoformat()}


def learner_in_scope(uow, actor, user_id):
    """One learner of the jurisdiction, or NotFound; the admin's view of the profile."""
    scope = permissions.require_module(actor, "learner_management")
    row = uow.session.execute(
        select(people, accounts.c.username, accounts.c.status, orgs.c.name.label("org_name"),
               orgs.c.path)
        .select_from(people.join(accounts, accounts.c.id == people.c.user_id)
                     .join(orgs, orgs.c.id == people.c.org_id))
        .where(people.c.user_id == user_id, accounts.c.is_learner.is_(True))).mappings().first()
    if row is None or (scope is not None and not permissions.in_jurisdiction(scope, row["path"])):
        raise NotFound("learner_not_found", "在您的管辖范围内未找到该人员")
    return _listed(row)


BATCH_QUERY_LIMIT = 1000


def batch_query(uow, actor, by, values):
    """批量导入查询: learners by a list of usernames or ID numbers. Values outside the
    jurisdiction are reported as not found, like values that match nobody."""
    scope = permissions.require_module(actor, "learner_management")
    if by not in ("username", "id_number"):
        raise InvalidInput("batch_query_by_invalid", "请选择按用户名或按证件号码查询",
                           fields={"by": ["须为 username 或 id_number"]})
    wanted = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not wanted or len(wanted) > BATCH_QUERY_LIMIT:
        raise InvalidInput("batch_query_size", f"请提供1–{BATCH_QUERY_LIMIT}个查询值",
                           fields={"values": [f"须为1–{BATCH_QUERY_LIMIT}个"]})
    normalise = (str.lower if by == "username" else id_documents.normalise)
    keys = {normalise(v): v for v in wanted}
    column = accounts.c.username if by == "username" else people.c.id_number
    where = [accounts.c.is_learner.is_(True), column.in_(list(keys))]
    if scope is not None:
        where.append(orgs.c.path.startswith(scope, autoescape=True))
    rows = uow.session.execute(
        select(people, accounts.c.username, accounts.c.status, orgs.c.name.label("org_name"))
        .select_from(people.join(accounts, accounts.c.id == people.c.user_id)
                     .join(orgs, orgs.c.id == people.c.org_id))
        .where(*where).order_by(people.c.user_id)).mappings().all()
    found = {r["username"] if by == "username" else r["id_number"] for r in rows}
    return {"items": [_listed(r) for r in rows],
            "not_found": [original for key, original in keys.items() if key not in found]}

