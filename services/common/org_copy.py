"""A service's copy of the org tree (names, paths, review setting), kept from orgtree's
events so that it converges on orgtree's tree whatever the order they arrive in.

Every org event carries the unit's whole state and the unit's version: a copy row takes
the state of the newest version it has seen and ignores older ones. Paths are derived, not
copied: a unit's path is its parent's path plus its id, because a subtree move changes
descendants' paths without any event of theirs. A unit whose parent has not arrived yet
keeps the path its event gave until the parent arrives, which then re-places it.
Moving a subtree rewrites paths here with one statement per re-placed unit, not every
person row (people carry only their org id)."""
from sqlalchemy import (BigInteger, Boolean, Column, Index, Integer, String, Table, func, insert,
                        literal, select, update)

from services.common.events import aggregate_version, is_newer

STATE = ("parent_id", "path", "name", "type", "status", "review_members")


def org_copy_table(metadata):
    """The `orgs` copy a service keeps from orgtree's events (jurisdiction by path)."""
    table = Table(
        "orgs", metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("parent_id", Integer),
        Column("path", String(512), nullable=False),
        Column("name", String(200), nullable=False),
        Column("type", String(32), nullable=False),
        Column("status", String(20), nullable=False),
        Column("review_members", Boolean, nullable=False),
        # The newest version of the org's events applied here.
        Column("version", BigInteger, nullable=False, server_default="0"),
    )
    Index("ix_orgs_parent_id", table.c.parent_id)
    Index("ix_orgs_path", table.c.path, postgresql_ops={"path": "varchar_pattern_ops"})
    return table


def apply_org_event(uow, orgs, payload, envelope):
    """Any org event: take its state if it is newer than the copy's. True if taken."""
    org_id = payload["org_id"]
    held = uow.session.execute(select(orgs.c.version, orgs.c.path)
                               .where(orgs.c.id == org_id)).first()
    if held is not None and not is_newer(envelope, held.version):
        return False
    values = {k: payload[k] for k in STATE} | {"version": aggregate_version(envelope)}
    if held is None:
        uow.session.execute(insert(orgs).values(id=org_id, **values))
    else:
        # The path is placed below; keep the old one so the subtree can follow it.
        values["path"] = held.path
        uow.session.execute(update(orgs).where(orgs.c.id == org_id).values(**values))
    _place(uow, orgs, org_id, payload["path"])
    return True


def _place(uow, orgs, org_id, path_from_event, placed=None):
    """Give `org_id` the path its parent implies, carrying its subtree along, then
    re-place children that were filed before it arrived (with their events' paths).
    Each unit is placed once per event: stale parents may form a cycle for a while."""
    placed = placed if placed is not None else set()
    placed.add(org_id)
    row = uow.session.execute(select(orgs.c.path, orgs.c.parent_id)
                              .where(orgs.c.id == org_id)).first()
    parent_path = None
    if row.parent_id is not None:
        parent_path = uow.session.execute(select(orgs.c.path)
                                          .where(orgs.c.id == row.parent_id)).scalar()
    if row.parent_id is None:
        new_path = f"/{org_id}/"
    elif parent_path is not None:
        new_path = f"{parent_path}{org_id}/"
    else:
        new_path = path_from_event  # the parent is still on its way
    if new_path != row.path:
        _rewrite_prefix(uow, orgs, row.path, new_path)
    strays = uow.session.execute(select(orgs.c.id, orgs.c.path).where(
        orgs.c.parent_id == org_id,
        ~orgs.c.path.startswith(new_path, autoescape=True))).all()
    for stray in strays:
        if stray.id not in placed:
            _place(uow, orgs, stray.id, stray.path, placed)


def _rewrite_prefix(uow, orgs, old, new):
    uow.session.execute(update(orgs).where(orgs.c.path.startswith(old, autoescape=True))
                        .values(path=literal(new, String) + func.substr(orgs.c.path,
                                                                        len(old) + 1)))
