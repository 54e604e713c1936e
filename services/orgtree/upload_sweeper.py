"""Deletes certificate scans that no unit refers to a day after their upload (the
registration was never submitted, or a check refused it). The upload route is public, so
without this the store only grows.    python -m services.orgtree.upload_sweeper"""
from sqlalchemy import select

from services.common.scripting import UnitOfWorkFactory
from services.common.storage import FileStorage

from .certificate_scans import KEY_PREFIX
from .models import inbox, org_units, outbox

MAX_AGE_SECONDS = 24 * 3600


def sweep(uow, storage, max_age=MAX_AGE_SECONDS, now=None):
    candidates = storage.older_than(KEY_PREFIX, max_age, now=now)
    if not candidates:
        return []
    kept = set(uow.session.execute(select(org_units.c.certificate_key).where(
        org_units.c.certificate_key.in_(candidates))).scalars())
    removed = [key for key in candidates if key not in kept]
    for key in removed:
        storage.delete(key)
    return removed


if __name__ == "__main__":
    with UnitOfWorkFactory("orgtree", outbox, inbox)() as uow:
        gone = sweep(uow, FileStorage())
    print(f"deleted {len(gone)} unused certificate scans")
