"""The report screens' filters start here: the training plans reporting knows (its own
`plans` read model, fed by learning's events; newest year first) and the org node the
admin's reports default to — the root of their jurisdiction (for the operator, the tree's
single root when there is one), with the names along its path so the org picker can stay
inside it. reporting asks no other service."""
from sqlalchemy import exists, select

from services.common.authz import require_module

from .models import orgs, plans

KINDS = {"public": "公需科目", "professional": "专业科目"}
STATUSES = {"published": "进行中", "closed": "已关闭"}


def _node(uow, row):
    ids = [int(p) for p in row["path"].strip("/").split("/") if p]
    names = dict(uow.session.execute(select(orgs.c.org_id, orgs.c.name)
                                     .where(orgs.c.org_id.in_(ids))).all())
    child = orgs.alias("child")
    has_children = uow.session.execute(select(exists().where(
        child.c.parent_id == row["org_id"]))).scalar()
    return {"org_id": row["org_id"], "name": row["name"], "type": row["type"],
            "path_names": [names[i] for i in ids if i in names],
            "has_children": bool(has_children)}


def jurisdiction_root(uow, scope):
    """The org node at `scope` (an admin's path), or for the operator (None) the tree's only
    root; None when there is none to default to."""
    if scope is not None:
        row = uow.session.execute(select(orgs).where(orgs.c.path == scope)).mappings().first()
    else:
        roots = uow.session.execute(select(orgs).where(orgs.c.parent_id.is_(None))
                                    .order_by(orgs.c.org_id).limit(2)).mappings().all()
        row = roots[0] if len(roots) == 1 else None
    return _node(uow, row) if row is not None else None


def plan_list(uow, actor):
    scope = require_module(actor, "statistics")
    rows = uow.session.execute(select(plans).order_by(
        plans.c.year.desc(), plans.c.plan_id.desc())).mappings().all()
    items = [{"plan_id": r["plan_id"], "name": r["name"], "year": r["year"],
              "kind": r["kind"], "kind_label": KINDS.get(r["kind"], r["kind"]),
              "status": r["status"], "status_label": STATUSES.get(r["status"], r["status"])}
             for r in rows]
    return {"items": items, "total": len(items),
            "jurisdiction": jurisdiction_root(uow, scope)}

