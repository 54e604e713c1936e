"""The learners billing knows, kept from identity's events (username, name), each applied
only when newer than what is held, so the copy converges whatever the order."""
from sqlalchemy import insert, select, update

from services.common.events import aggregate_version, is_newer

from .models import learners


def _held(uow, user_id):
    return uow.session.execute(select(learners).where(learners.c.user_id == int(user_id))
                               ).mappings().first()


def _apply(uow, user_id, envelope, values):
    held = _held(uow, user_id)
    if held is not None and not is_newer(envelope, held["version"]):
        return
    values = values | {"version": aggregate_version(envelope)}
    if held is None:
        uow.session.execute(insert(learners).values(user_id=int(user_id), **values))
    else:
        uow.session.execute(update(learners).where(learners.c.user_id == int(user_id))
                            .values(**values))


def registered(uow, payload, envelope):
    _apply(uow, payload["user_id"], envelope, {"username": payload.get("username"),
                                               "real_name": payload.get("real_name")})


def updated(uow, payload, envelope):
    values = {"real_name": payload["real_name"]}
    if "username" in (payload.get("changes") or {}):
        values["username"] = payload["changes"]["username"]
    _apply(uow, payload["user_id"], envelope, values)


def user_id_of(uow, username):
    return uow.session.execute(select(learners.c.user_id).where(
        learners.c.username == username)).scalar()


def names(uow, user_ids):
    return {r.user_id: {"username": r.username, "real_name": r.real_name}
            for r in uow.session.execute(select(learners).where(
                learners.c.user_id.in_(list(user_ids))))} if user_ids else {}
