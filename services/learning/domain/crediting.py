"""How watched time is credited, judged by the server from heartbeats alone.

A heartbeat says where the playhead is (`position_ms`) and what happened (play, tick,
pause, seek, end, hidden); the gateway stamps when it arrived (`received_at`, server
time). Between two heartbeats of a playing video the learner is credited the smaller of
how far the position advanced and how much wall-clock time passed times the maximum
speed — plus a small allowance for network jitter (a tenth of that time, at most the
tolerance), so an honest player's 15 s tick earns its 15 s exactly while a client that
fakes positions gains at most a tenth. Credit is a segment [from, to] of the video;
segments are merged, so watching a part twice counts once and progress is covered time
÷ duration. A segment must start within the part already watched (its furthest point plus
the tolerance): seeking past it earns nothing. A heartbeat of any session but the
learner's current one (another device took over), a repeated or late one (its sequence
number is not above the last), one for another chapter, or one with a position outside
the video earns nothing and changes nothing."""
from dataclasses import dataclass, replace
from datetime import datetime

EVENTS = ("play", "tick", "pause", "seek", "end", "hidden")
# Whether the video plays after the event (None: as before — a seek keeps the state).
PLAYING_AFTER = {"play": True, "tick": True, "seek": None, "pause": False, "end": False,
                 "hidden": False}


@dataclass(frozen=True)
class Rules:
    max_speed_permille: int = 1000  # 1000: real time
    tolerance_ms: int = 2000


@dataclass(frozen=True)
class Beat:
    session_id: str
    chapter_id: int
    seq: int
    event: str
    position_ms: int
    received_at: datetime
    from_position_ms: int | None = None  # a seek: where the playhead was before it


@dataclass(frozen=True)
class Playback:
    """The server's view of the learner's one active playback."""
    session_id: str
    chapter_id: int
    duration_ms: int
    last_seq: int
    last_position_ms: int
    last_at: datetime
    playing: bool


@dataclass(frozen=True)
class Outcome:
    verdict: str  # credited | clamped | no_credit | ahead_of_watched | stale | duplicate
    #               | late | out_of_range | chapter_mismatch | unknown_event
    playback: Playback
    segments: tuple
    credited_ms: int = 0

    @property
    def changed(self):
        return self.verdict not in REFUSED


REFUSED = ("stale", "duplicate", "late", "out_of_range", "chapter_mismatch", "unknown_event")


def merge(segments, new=None):
    """Sorted, non-overlapping segments (touching ones joined)."""
    items = sorted([tuple(s) for s in segments] + ([tuple(new)] if new else []))
    merged = []
    for start, end in items:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def covered_ms(segments):
    return sum(end - start for start, end in segments)


def furthest_ms(segments):
    return max((end for _, end in segments), default=0)


def allowed_ms(elapsed_ms, rules):
    at_speed = elapsed_ms * rules.max_speed_permille // 1000
    return at_speed + min(rules.tolerance_ms, at_speed // 10)


def apply(playback, segments, beat, rules=Rules()):
    """The outcome of one heartbeat on the playback and the chapter's segments."""
    segments = merge(segments)
    if beat.session_id != playback.session_id:
        return Outcome("stale", playback, segments)
    if beat.chapter_id != playback.chapter_id:
        return Outcome("chapter_mismatch", playback, segments)
    if beat.event not in EVENTS:
        return Outcome("unknown_event", playback, segments)
    if beat.seq <= playback.last_seq:
        return Outcome("duplicate", playback, segments)
    if playback.last_seq and beat.received_at < playback.last_at:
        return Outcome("late", playback, segments)
    positions = [beat.position_ms] + ([beat.from_position_ms]
                                      if beat.from_position_ms is not None else [])
    if any(p < 0 or p > playback.duration_ms + rules.tolerance_ms for p in positions):
        return Outcome("out_of_range", playback, segments)

    verdict, credited = "no_credit", 0
    start = playback.last_position_ms
    reached = beat.position_ms
    if beat.event == "seek" and beat.from_position_ms is not None:
        reached = beat.from_position_ms
    reached = min(reached, playback.duration_ms)
    if playback.playing and reached > start:
        if start > furthest_ms(segments) + rules.tolerance_ms:
            verdict = "ahead_of_watched"
        else:
            elapsed = int((beat.received_at - playback.last_at).total_seconds() * 1000)
            credited = min(reached - start, max(0, allowed_ms(elapsed, rules)))
            verdict = "credited" if credited == reached - start else "clamped"
            segments = merge(segments, (start, start + credited))
    playing = PLAYING_AFTER[beat.event]
    after = replace(playback, last_seq=beat.seq,
                    last_position_ms=min(beat.position_ms, playback.duration_ms),
                    last_at=beat.received_at,
                    playing=playback.playing if playing is None else playing)
    return Outcome(verdict, after, segments, credited)


def progress_permille(segments, duration_ms):
    if not duration_ms:
        return 0
    return min(1000, covered_ms(segments) * 1000 // duration_ms)


def chapter_complete(segments, duration_ms, ratio_permille=950):
    return bool(duration_ms) and covered_ms(segments) * 1000 >= duration_ms * ratio_permille
