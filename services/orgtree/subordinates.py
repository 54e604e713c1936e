"""管理下级单位 / 管理施教机构: the units below the admin's own (their basic information as
registered); their admins are listed and removed through identity, which owns grants."""
from sqlalchemy import func, select

from services.common import authz
from services.common.paging import page_request, paged
from services.common.schema import load

from .models import memberships, org_units
from .contracts import SubordinateQuery
from .domain.unit_types import PARENT_TYPES
from .registrations import registration_view


def listing(uow, storage, actor, raw_query):
    scope = authz.require_module(actor, "direct_accounts")
    query = load(SubordinateQuery(), raw_query)
    parent = org_units.alias("parent")
    where = [org_units.c.status.in_(("approved", "disabled")),
             org_units.c.type.in_([query["type"]] if query["type"] else list(PARENT_TYPES))]
    if scope is not None:
        where += [org_units.c.path.startswith(scope, autoescape=True), org_units.c.path != scope]
    if query["q"]:
        where.append(org_units.c.name.contains(query["q"].strip(), autoescape=True))
    if query["institution_level"]:
        where.append(org_units.c.institution_level == query["institution_level"])
    table = org_units.outerjoin(parent, parent.c.id == org_units.c.parent_id)
    members = (select(func.count()).select_from(memberships)
               .where(memberships.c.org_id == org_units.c.id,
                      memberships.c.status == "approved").scalar_subquery())
    rows = (select(org_units, parent.c.name.label("parent_name"), members.label("member_count"))
            .select_from(table).where(*where).order_by(org_units.c.path))
    return paged(uow.session, rows, page_request(query),
                 lambda r: registration_view(r, storage) | {"member_count": r["member_count"]})
