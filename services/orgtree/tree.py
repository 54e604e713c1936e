"""Service layer for the tree: adding units, the org picker's queries."""
from sqlalchemy import String, and_, exists, func, insert, literal, select, update

from services.common.errors import InvalidInput, NotFound

from .models import org_units

ORG_TYPE_LABELS = {
    "hr_bureau": "人社部门",
    "supervising_dept": "主管部门",
    "employer": "用人单位",
    "training_institution": "继续教育基地",
    "internal_dept": "内设部门",
}
PICKER_LIMIT = 50


def add_org(uow, name, org_type, parent_id=None, review_members=False, status="approved",
            uscc=None, region=None, extra=None, announce=True):
    """Create a unit under `parent_id` and announce it. The path is known only after
    the id, so it is written in the same transaction right after the insert."""
    if org_type not in ORG_TYPE_LABELS:
        raise InvalidInput("org_type_invalid", "单位类型不正确", fields={"type": ["单位类型不正确"]})
    parent = None
    if parent_id is not None:
        parent = uow.session.execute(select(org_units).where(org_units.c.id == parent_id)
                                     ).mappings().first()
        if parent is None:
            raise NotFound("org_not_found", "上级单位不存在")
    values = dict(name=name, type=org_type, parent_id=parent_id, review_members=review_members,
                  status=status, uscc=uscc, region=region, path="/", depth=0,
                  created_at=uow.clock.now(), **(extra or {}))
    new_id = uow.session.execute(insert(org_units).values(**values)).inserted_primary_key[0]
    path = (parent["path"] if parent else "/") + f"{new_id}/"
    depth = (parent["depth"] + 1) if parent else 1
    uow.session.execute(update(org_units).where(org_units.c.id == new_id)
                        .values(path=path, depth=depth))
    if announce:
        announce_org(uow, new_id)
    return new_id


def announce_org(uow, org_id, event_type="org_registered", **details):
    """An org event: the unit as it stands now (every org event carries its whole state,
    see services/orgtree/events.py), with the event's own details. A draft is announced
    as org_registered when it is filed."""
    row = uow.session.execute(select(org_units).where(org_units.c.id == org_id)
                              ).mappings().first()
    uow.add_event(event_type, {
        "org_id": org_id, "parent_id": row["parent_id"], "path": row["path"],
        "name": row["name"], "type": row["type"], "status": row["status"],
        "review_members": row["review_members"]} | details)


def _summary(row, has_children):
    return {"id": row["id"], "name": row["name"], "type": row["type"],
            "type_label": ORG_TYPE_LABELS[row["type"]], "parent_id": row["parent_id"],
            "review_members": row["review_members"], "has_children": bool(has_children),
            "accepts_members": row["type"] in ("employer", "internal_dept")}


def children(uow, parent_id=None):
    """One level of the picker: approved units under `parent_id` (roots when None)."""
    child = org_units.alias("child")
    has_children = exists().where(and_(child.c.parent_id == org_units.c.id,
                                       child.c.status == "approved"))
    query = (select(org_units, has_children.label("has_children"))
             .where(org_units.c.status == "approved")
             .order_by(org_units.c.name).limit(500))
    query = query.where(org_units.c.parent_id.is_(None) if parent_id is None
                        else org_units.c.parent_id == parent_id)
    rows = uow.session.execute(query).mappings().all()
    return [_summary(r, r["has_children"]) for r in rows]


def search(uow, text):
    """Approved units whose name contains `text`, each with the names along its path so
    people can tell two 人事处 apart."""
    text = (text or "").strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = uow.session.execute(
        select(org_units).where(org_units.c.status == "approved",
                                org_units.c.name.like(pattern, escape="\\"))
        .order_by(func.length(org_units.c.name), org_units.c.name).limit(PICKER_LIMIT)
    ).mappings().all()
    ancestor_ids = {int(i) for r in rows for i in r["path"].strip("/").split("/")}
    names = dict(uow.session.execute(
        select(org_units.c.id, org_units.c.name).where(org_units.c.id.in_(ancestor_ids))).all())
    results = []
    for r in rows:
        item = _summary(r, None)
        item.pop("has_children")
        item["path_names"] = [names[int(i)] for i in r["path"].strip("/").split("/")]
        results.append(item)
    return results


def get_org(uow, org_id):
    row = uow.session.execute(select(org_units).where(org_units.c.id == org_id)).mappings().first()
    if row is None:
        raise NotFound("org_not_found", "单位不存在")
    return _summary(row, None) | {"path": row["path"], "status": row["status"]}


def move_subtree(uow, org_id, new_parent_id):
    """Re-parent a unit: every path under it is rewritten by one UPDATE in the caller's
    transaction, and `org_moved` tells each service to do the same to its own copy."""
    org = uow.session.execute(select(org_units).where(org_units.c.id == org_id)
                              ).mappings().first()
    parent = uow.session.execute(select(org_units).where(org_units.c.id == new_parent_id)
                                 ).mappings().first()
    if org is None or parent is None:
        raise NotFound("org_not_found", "单位不存在")
    old_path, new_path = org["path"], parent["path"] + f"{org_id}/"
    if parent["path"].startswith(old_path):
        raise InvalidInput("parent_in_own_subtree", "不能把单位调整到自己或下级单位之下",
                           fields={"parent_id": ["不能选择本单位或下级单位"]})
    shift = parent["depth"] + 1 - org["depth"]
    moved = uow.session.execute(
        update(org_units).where(org_units.c.path.startswith(old_path, autoescape=True))
        .values(path=literal(new_path, String) + func.substr(org_units.c.path, len(old_path) + 1),
                depth=org_units.c.depth + shift)).rowcount
    uow.session.execute(update(org_units).where(org_units.c.id == org_id)
                        .values(parent_id=new_parent_id))
    announce_org(uow, org_id, "org_moved", old_path=old_path, new_path=new_path,
                 new_parent_id=new_parent_id)
    return moved
