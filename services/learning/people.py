"""The learners learning knows, kept from identity's events (name, masked ID number, title
level and series) and orgtree's membership events (where each person belongs), each
applied only when newer than what is held, so the copy converges whatever the order."""
from sqlalchemy import insert, select, update

from services.common.events import aggregate_version, is_newer

from .models import learners

PROFILE = {"real_name", "id_number_masked", "title_level", "professional_title", "username"}


def _held(uow, user_id):
    return uow.session.execute(select(learners).where(learners.c.user_id == int(user_id))
                               ).mappings().first()


def _upsert(uow, user_id, values):
    if _held(uow, user_id) is None:
        uow.session.execute(insert(learners).values(user_id=int(user_id), **values))
    else:
        uow.session.execute(update(learners).where(learners.c.user_id == int(user_id))
                            .values(**values))


def registered(uow, payload, envelope):
    held = _held(uow, payload["user_id"])
    if held is not None and not is_newer(envelope, held["version"]):
        return
    values = {k: payload.get(k) for k in PROFILE if k in payload}
    if held is None or not held["member_version"]:
        values["org_id"] = payload["org_id"]  # until a membership event says otherwise
    _upsert(uow, payload["user_id"], values | {"version": aggregate_version(envelope)})


def updated(uow, payload, envelope):
    held = _held(uow, payload["user_id"])
    if held is not None and not is_newer(envelope, held["version"]):
        return
    values = {k: v for k, v in (payload.get("changes") or {}).items() if k in PROFILE}
    values |= {"real_name": payload["real_name"],
               "id_number_masked": payload["id_number_masked"]}
    _upsert(uow, payload["user_id"], values | {"version": aggregate_version(envelope)})


def member_moved(uow, payload, envelope, org_key):
    held = _held(uow, payload["user_id"])
    if held is not None and not is_newer(envelope, held["member_version"]):
        return
    _upsert(uow, payload["user_id"], {"org_id": payload[org_key],
                                      "member_version": aggregate_version(envelope)})


def learner(uow, user_id):
    row = _held(uow, user_id)
    return dict(row) if row else None
