"""identity's copy of the org tree (names, paths, review setting), kept from orgtree's
events. Moving a subtree rewrites paths here in one statement, not every person row."""
from sqlalchemy import String, func, insert, literal, select, update

from .models import orgs


def upsert_org(uow, payload):
    values = {k: payload[k] for k in ("parent_id", "path", "name", "type", "status",
                                      "review_members")}
    exists = uow.session.execute(select(orgs.c.id).where(orgs.c.id == payload["org_id"])).first()
    if exists:
        uow.session.execute(update(orgs).where(orgs.c.id == payload["org_id"]).values(**values))
    else:
        uow.session.execute(insert(orgs).values(id=payload["org_id"], **values))


def set_status(uow, org_id, status):
    uow.session.execute(update(orgs).where(orgs.c.id == org_id).values(status=status))


def update_org(uow, payload):
    uow.session.execute(update(orgs).where(orgs.c.id == payload["org_id"]).values(
        name=payload["name"], status=payload["status"],
        review_members=payload["review_members"]))


def move_org(uow, payload):
    old, new = payload["old_path"], payload["new_path"]
    uow.session.execute(update(orgs).where(orgs.c.path.startswith(old, autoescape=True))
                        .values(path=literal(new, String) + func.substr(orgs.c.path, len(old) + 1)))
    if payload.get("new_parent_id"):
        uow.session.execute(update(orgs).where(orgs.c.id == payload["org_id"])
                            .values(parent_id=payload["new_parent_id"]))
