"""How far reporting's read models are behind the producers: per producer, the events
applied, when the newest applied one happened and when it was applied, and how late the
live events were applied (buckets: within 1 s, 5 s, 60 s, later) — the lag ops watch (and
the readiness view shows)."""
from sqlalchemy import select

from services.common.clock import as_utc

from .models import LAG_BUCKETS, checkpoints


def _share(row, buckets):
    total = sum(row[b] for b in LAG_BUCKETS)
    return round(sum(row[b] for b in buckets) / total, 5) if total else None


def feed_status(uow):
    answer = {}
    for row in uow.session.execute(select(checkpoints)).mappings():
        last, applied = as_utc(row["last_occurred_at"]), as_utc(row["last_applied_at"])
        answer[row["producer"]] = {
            "applied": row["applied"], "last_occurred_at": last.isoformat() if last else None,
            "last_applied_at": applied.isoformat() if applied else None,
            # how long the newest applied event waited: the read model's delay
            "lag_seconds": round((applied - last).total_seconds(), 3) if last and applied
            else None,
            # live events by how late they were applied, and the share within 5 s
            "lag_buckets": {b: row[b] for b in LAG_BUCKETS},
            "within_5s": _share(row, ("lag_within_1s", "lag_within_5s"))}
    return answer
