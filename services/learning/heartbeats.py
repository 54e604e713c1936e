"""Heartbeats applied in batches: the gateway puts each on the bus (no RPC, no reply) and
learning's consumer applies hundreds in one transaction — per learner in sequence order,
by the server's rule (domain/crediting.py) — then acknowledges them after the commit. A
redelivered batch changes nothing: a heartbeat whose sequence number is not above the
session's last earns nothing."""
import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, bindparam, insert, select, tuple_, update

from services.common.clock import as_utc

from .domain import crediting
from .domain.crediting import Beat, Playback
from .models import chapter_progress, playbacks
from .progress import Credit, apply_credits

log = logging.getLogger(__name__)


def parse(body):
    """A heartbeat message as a (user_id, Beat), or ValueError."""
    try:
        return int(body["user_id"]), Beat(
            session_id=str(body["session_id"]), chapter_id=int(body["chapter_id"]),
            seq=int(body["seq"]), event=str(body["event"]),
            position_ms=int(body["position_ms"]),
            received_at=datetime.fromisoformat(body["received_at"]),
            from_position_ms=(None if body.get("from_position_ms") is None
                              else int(body["from_position_ms"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed heartbeat: {exc}") from None


def apply_batch(uow, beats, rules, ratio_permille, lock=True):
    """Apply `beats` [(user_id, Beat)] in one transaction (the caller commits).
    Returns {verdict: count} and the xAPI-worthy moments [(user_id, Beat, Outcome)]."""
    by_user = defaultdict(list)
    for user_id, beat in beats:
        by_user[user_id].append(beat)
    if not by_user:
        return {}, []
    query = select(playbacks).where(playbacks.c.user_id.in_(list(by_user)))
    if lock:
        query = query.with_for_update()
    current = {r["user_id"]: dict(r) for r in uow.session.execute(query).mappings()}
    chapters = {(u, r["chapter_id"]) for u, r in current.items()}
    held = {}
    if chapters:
        for r in uow.session.execute(select(chapter_progress).where(
                tuple_(chapter_progress.c.user_id, chapter_progress.c.chapter_id).in_(
                    list(chapters)))).mappings():
            held[(r["user_id"], r["chapter_id"])] = dict(r)
    verdicts = defaultdict(int)
    moments = []
    playback_updates, progress_new, progress_updates, credits = [], [], [], []
    for user_id, user_beats in by_user.items():
        row = current.get(user_id)
        if row is None:
            verdicts["stale"] += len(user_beats)
            continue
        playback = Playback(row["session_id"], row["chapter_id"], row["duration_ms"],
                            row["last_seq"], row["last_position_ms"], as_utc(row["last_at"]),
                            row["playing"])
        progress = held.get((user_id, row["chapter_id"]))
        segments = crediting.merge((progress or {}).get("segments") or [])
        before_covered = crediting.covered_ms(segments)
        last_verdict = row["last_verdict"]
        for beat in sorted(user_beats, key=lambda b: b.seq):
            outcome = crediting.apply(playback, segments, beat, rules)
            verdicts[outcome.verdict] += 1
            if not outcome.changed:
                continue
            playback, segments, last_verdict = outcome.playback, outcome.segments, outcome.verdict
            if beat.event != "tick":
                moments.append((user_id, beat, outcome))
        if playback.last_seq == row["last_seq"]:
            continue  # nothing of this learner's batch was taken
        playback_updates.append({"uid": user_id, "last_seq": playback.last_seq,
                                 "last_position_ms": playback.last_position_ms,
                                 "last_at": playback.last_at, "playing": playback.playing,
                                 "last_verdict": last_verdict})
        covered = crediting.covered_ms(segments)
        completed_at = (progress or {}).get("completed_at")
        complete_now = completed_at is None and crediting.chapter_complete(
            segments, row["duration_ms"], ratio_permille)
        if complete_now:
            completed_at = playback.last_at
        values = {"segments": [list(s) for s in segments], "covered_ms": covered,
                  "last_position_ms": playback.last_position_ms, "updated_at": playback.last_at,
                  "completed_at": completed_at}
        if progress is None:
            progress_new.append({"user_id": user_id, "chapter_id": row["chapter_id"],
                                 "course_id": row["course_id"], **values})
        else:
            progress_updates.append({"uid": user_id, "cid": row["chapter_id"], **values})
        if covered > before_covered:
            credits.append(Credit(user_id, row["course_id"], covered - before_covered,
                                  playback.last_at, complete_now))
    if playback_updates:
        uow.session.execute(
            update(playbacks).where(playbacks.c.user_id == bindparam("uid"))
            .values(last_seq=bindparam("last_seq"), last_position_ms=bindparam("last_position_ms"),
                    last_at=bindparam("last_at"), playing=bindparam("playing"),
                    last_verdict=bindparam("last_verdict")),
            playback_updates, execution_options={"synchronize_session": False})
    if progress_new:
        uow.session.execute(insert(chapter_progress), progress_new)
    if progress_updates:
        uow.session.execute(
            update(chapter_progress).where(and_(chapter_progress.c.user_id == bindparam("uid"),
                                                chapter_progress.c.chapter_id == bindparam("cid")))
            .values(segments=bindparam("segments"), covered_ms=bindparam("covered_ms"),
                    last_position_ms=bindparam("last_position_ms"),
                    updated_at=bindparam("updated_at"), completed_at=bindparam("completed_at")),
            progress_updates, execution_options={"synchronize_session": False})
    apply_credits(uow, credits)
    return dict(verdicts), moments

