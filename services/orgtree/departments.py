"""内设部门: an employer's admins add, rename, disable and re-enable internal departments
(and departments under departments). They need no review: the admin is the employer."""
from sqlalchemy import func, select, update

from services.common import authz
from services.common.errors import InvalidInput, NotFound

from . import audit, tree
from .models import org_units

PARENT_TYPES = ("employer", "internal_dept")


def _in_scope(uow, actor, org_id, scope):
    row = uow.session.execute(select(org_units).where(org_units.c.id == org_id)
                              ).mappings().first()
    if row is None or not authz.within(scope, row["path"]):
        raise NotFound("org_not_found", "在您的管辖范围内没有该单位或部门")
    return row


def _name(name):
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput("name_invalid", "部门名称须为1–100个字符",
                           fields={"name": ["部门名称须为1–100个字符"]})
    return name


def add(uow, actor, name, parent_id):
    scope = authz.require_module(actor, "basic_info")
    parent = _in_scope(uow, actor, parent_id, scope)
    if parent["type"] not in PARENT_TYPES or parent["status"] != "approved":
        raise InvalidInput("parent_invalid", "内设部门只能建在用人单位或其部门之下",
                           fields={"parent_id": ["只能建在用人单位或其部门之下"]})
    name = _name(name)
    if uow.session.execute(select(org_units.c.id).where(
            org_units.c.parent_id == parent_id, org_units.c.name == name)).first():
        raise InvalidInput("name_taken", "同一单位下已有同名部门",
                           fields={"name": ["同一单位下已有同名部门"]})
    org_id = tree.add_org(uow, name, "internal_dept", parent_id,
                          review_members=parent["review_members"])
    audit.record(uow, actor, "department_added", "org", org_id, None,
                 {"name": name, "parent_id": parent_id})
    uow.commit()
    return tree.get_org(uow, org_id)


def change(uow, actor, org_id, name=None, status=None):
    scope = authz.require_module(actor, "basic_info")
    current = _in_scope(uow, actor, org_id, scope)
    if current["type"] != "internal_dept":
        raise NotFound("department_not_found", "没有该内设部门")
    values = {}
    if name is not None:
        values["name"] = _name(name)
    if status is not None:
        if status not in ("approved", "disabled"):
            raise InvalidInput("status_invalid", "状态须为启用或停用",
                               fields={"status": ["须为 approved 或 disabled"]})
        values["status"] = status
    if values:
        uow.session.execute(update(org_units).where(org_units.c.id == org_id).values(**values))
        tree.announce_org(uow, org_id, "org_updated")
        audit.record(uow, actor, "department_changed", "org", org_id,
                     {k: current[k] for k in values}, values)
        uow.commit()
    return tree.get_org(uow, org_id)


def listing(uow, actor, parent_id=None):
    """The departments directly under a unit of the jurisdiction (the admin's own by
    default), disabled ones included so they can be enabled again."""
    scope = authz.require_module(actor, "basic_info")
    if parent_id is None:
        if actor.get("org_id") is None:
            raise InvalidInput("parent_required", "请指定单位", fields={"parent_id": ["请指定单位"]})
        parent_id = int(actor["org_id"])
    parent = _in_scope(uow, actor, parent_id, scope)
    child = org_units.alias("child")
    has_children = (select(func.count()).select_from(child)
                    .where(child.c.parent_id == org_units.c.id).scalar_subquery())
    rows = uow.session.execute(
        select(org_units.c.id, org_units.c.name, org_units.c.status,
               has_children.label("children"))
        .where(org_units.c.parent_id == parent_id, org_units.c.type == "internal_dept")
        .order_by(org_units.c.name)).mappings().all()
    return {"parent": {"id": parent["id"], "name": parent["name"], "type": parent["type"],
                       "parent_id": parent["parent_id"]},
            "items": [{"id": r["id"], "name": r["name"], "status": r["status"],
                       "has_children": bool(r["children"])} for r in rows]}
