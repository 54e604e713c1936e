"""A service's copy of the learners it shows (username, name, and whatever else it names),
kept from identity's events `user_registered` and `user_updated` — each applied only when
newer than what is held, so the copy converges whatever the order of delivery. The table
has `user_id`, `version` and the named columns."""
from sqlalchemy import insert, select, update

from .events import aggregate_version, is_newer


class LearnerCopy:
    def __init__(self, table, columns=("username", "real_name")):
        self.table = table
        self.columns = tuple(columns)

    def _held(self, uow, user_id):
        return uow.session.execute(select(self.table).where(
            self.table.c.user_id == int(user_id))).mappings().first()

    def _apply(self, uow, user_id, envelope, values):
        held = self._held(uow, user_id)
        if held is not None and not is_newer(envelope, held["version"]):
            return
        values = values | {"version": aggregate_version(envelope)}
        if held is None:
            uow.session.execute(insert(self.table).values(user_id=int(user_id), **values))
        else:
            uow.session.execute(update(self.table).where(
                self.table.c.user_id == int(user_id)).values(**values))

    def registered(self, uow, payload, envelope):
        self._apply(uow, payload["user_id"], envelope,
                    {c: payload.get(c) for c in self.columns})

    def updated(self, uow, payload, envelope):
        changes = payload.get("changes") or {}
        values = {c: payload[c] for c in self.columns if c in payload and c != "username"}
        values |= {c: changes[c] for c in self.columns if c in changes}
        self._apply(uow, payload["user_id"], envelope, values)

    def user_id_of(self, uow, username):
        return uow.session.execute(select(self.table.c.user_id).where(
            self.table.c.username == username)).scalar()

    def names(self, uow, user_ids):
        """{user_id: {column: value}} for `user_ids`."""
        if not user_ids:
            return {}
        return {r["user_id"]: {c: r[c] for c in self.columns}
                for r in uow.session.execute(select(self.table).where(
                    self.table.c.user_id.in_(list(user_ids)))).mappings()}
