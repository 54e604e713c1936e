"""learning's rules in plain Python: the credit of watched time, when a plan is passed,
prices in fen, who may take a plan, hours as fixed-point, playback tokens."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.common.errors import Forbidden
from services.learning import playback_tokens
from services.learning.domain import crediting, hours, pricing, scope
from services.learning.domain.calendar import payable, plan_open, shanghai_today
from services.learning.domain.completion import passed, standing
from services.learning.domain.crediting import Beat, Playback, Rules

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
RULES = Rules(max_speed_permille=1000, tolerance_ms=2000)


def playback(**overrides):
    values = dict(session_id="s1", chapter_id=1, duration_ms=600_000, last_seq=0,
                  last_position_ms=0, last_at=T0, playing=False)
    return Playback(**(values | overrides))


def beat(seq, event, position_s, at_s, session="s1", chapter=1, from_s=None):
    return Beat(session, chapter, seq, event, int(position_s * 1000),
                T0 + timedelta(seconds=at_s), None if from_s is None else int(from_s * 1000))


def play_all(beats, pb=None, segments=()):
    pb = pb or playback()
    outcomes = []
    for b in beats:
        outcome = crediting.apply(pb, segments, b, RULES)
        outcomes.append(outcome)
        pb, segments = outcome.playback, outcome.segments
    return pb, segments, outcomes


def test_an_honest_player_is_credited_exactly_what_it_played_despite_jitter():
    beats = [beat(1, "play", 0, 0)] + [
        beat(n, "tick", 15 * (n - 1), 15 * (n - 1) + (0.4 if n % 2 else -0.3))
        for n in range(2, 12)] + [beat(12, "pause", 160, 160.2)]
    _, segments, outcomes = play_all(beats)
    assert crediting.covered_ms(segments) == 160_000
    assert {o.verdict for o in outcomes[1:]} == {"credited"}


def test_faster_than_allowed_earns_only_wall_clock_time_and_a_tenth_at_most():
    _, segments, outcomes = play_all([beat(1, "play", 0, 0), beat(2, "tick", 60, 20)])
    assert outcomes[1].verdict == "clamped"
    assert crediting.covered_ms(segments) == 22_000  # 20 s + a tenth (under the tolerance)


def test_spamming_tiny_heartbeats_gains_no_more_than_a_tenth():
    beats = [beat(1, "play", 0, 0)] + [beat(n, "tick", (n - 1) * 5, (n - 1) * 1.0)
                                       for n in range(2, 62)]
    _, segments, _ = play_all(beats)
    assert crediting.covered_ms(segments) <= 66_000  # 60 s of wall clock, +10 %


def test_seeking_past_the_watched_part_earns_nothing_for_what_plays_there():
    _, segments, outcomes = play_all([
        beat(1, "play", 0, 0), beat(2, "tick", 30, 30),
        beat(3, "seek", 300, 31, from_s=31), beat(4, "tick", 330, 61),
        beat(5, "seek", 31, 62, from_s=331), beat(6, "tick", 61, 92)])
    assert [o.verdict for o in outcomes] == ["no_credit", "credited", "credited",
                                             "ahead_of_watched", "ahead_of_watched", "credited"]
    assert segments == ((0, 61_000),)


def test_rewatching_counts_once_and_paused_time_earns_nothing():
    _, segments, _ = play_all([
        beat(1, "play", 0, 0), beat(2, "tick", 60, 60), beat(3, "seek", 10, 61, from_s=61),
        beat(4, "tick", 40, 91), beat(5, "pause", 70, 121), beat(6, "play", 70, 600),
        beat(7, "tick", 90, 620)])
    assert segments == ((0, 90_000),)


def test_refused_heartbeats_change_nothing():
    pb, segments, _ = play_all([beat(1, "play", 0, 0), beat(2, "tick", 15, 15)])
    for stray, verdict in [
        (beat(3, "tick", 30, 30, session="other-device"), "stale"),
        (beat(2, "tick", 30, 30), "duplicate"),
        (beat(3, "tick", 30, 10), "late"),
        (beat(3, "tick", 30, 30, chapter=2), "chapter_mismatch"),
        (beat(3, "tick", 700, 30), "out_of_range"),
        (Beat("s1", 1, 3, "tick", -5, T0 + timedelta(seconds=30)), "out_of_range"),
        (beat(3, "rewind", 30, 30), "unknown_event"),
    ]:
        outcome = crediting.apply(pb, segments, stray, RULES)
        assert (outcome.verdict, outcome.playback, outcome.segments) == (verdict, pb, segments)


def test_the_same_heartbeats_applied_again_add_nothing():
    beats = [beat(1, "play", 0, 0), beat(2, "tick", 20, 20), beat(3, "tick", 40, 40)]
    pb, segments, _ = play_all(beats)
    again, segments_again, outcomes = play_all(beats, pb, segments)
    assert {o.verdict for o in outcomes} == {"duplicate"}
    assert (again, segments_again) == (pb, segments)


def test_chapter_completes_at_the_threshold():
    assert not crediting.chapter_complete(((0, 94_999),), 100_000, 950)
    assert crediting.chapter_complete(((0, 50_000), (50_000, 95_000)), 100_000, 950)
    assert crediting.merge([(10, 20), (0, 5), (5, 10), (30, 40)]) == ((0, 20), (30, 40))


PLAN = {"total_hours": "32.0", "required_hours": "6.0"}


def course(course_id, kind, h, completed, exam=False):
    return {"course_id": course_id, "kind": kind, "hours": h, "completed": completed,
            "exam_required": exam}


def test_a_plan_passes_with_its_hours_the_required_part_and_every_required_exam():
    taken = [course(1, "required", "6.0", True, exam=True)] + [
        course(10 + n, "elective", "2.0", True) for n in range(13)]
    assert not passed(PLAN, standing(taken, set(), 0, 0))      # exam missing
    st = standing(taken, {1}, 0, 0)
    assert passed(PLAN, st) and st.total_completed == Decimal("32.0")
    assert not passed(PLAN, standing(taken, {1}, 1, 2))       # make-up: two more exams
    assert passed(PLAN, standing(taken, {1}, 2, 2))
    short = taken[:-1]
    assert not passed(PLAN, standing(short, {1}, 0, 0))        # 30 of 32
    electives_only = [course(10 + n, "elective", "4.0", True) for n in range(9)]
    assert not passed(PLAN, standing(electives_only, set(), 0, 0))  # 36 h, none required


def test_prices_are_integer_fen_from_fixed_point_hours():
    plan = {"pricing": "per_hour", "price_per_hour_fen": 500, "required_free": True,
            "flat_price_fen": 0}
    assert pricing.course_price_fen(plan, "2.5", "elective") == 1250
    assert pricing.course_price_fen(plan, Decimal("0.1"), "elective") == 50
    assert pricing.course_price_fen(plan, "6.0", "required") == 0
    assert pricing.course_price_fen(plan | {"required_free": False}, "6.0", "required") == 3000
    flat = {"pricing": "flat", "flat_price_fen": 15000, "price_per_hour_fen": 0,
            "required_free": False}
    assert pricing.plan_fee_fen(flat) == 15000 and pricing.course_price_fen(flat, "8", "x") == 0


def test_hours_are_never_floats():
    assert hours.text("32") == "32.0" and hours.total(["0.1"] * 3) == Decimal("0.3")
    with pytest.raises(TypeError):
        hours.hours(0.1)
    with pytest.raises(ValueError):
        hours.hours("NaN")


def test_windows_and_deadlines_are_shanghai_calendar_days():
    plan = {"status": "published", "opens_on": date(2026, 3, 1), "closes_on": date(2026, 12, 31),
            "pay_deadline": date(2026, 11, 30)}
    # 16:30 UTC on Nov 30 is already Dec 1 in Shanghai: payment has closed.
    late = shanghai_today(datetime(2026, 11, 30, 16, 30, tzinfo=timezone.utc))
    assert late == date(2026, 12, 1) and plan_open(plan, late) and not payable(plan, late)
    assert not plan_open(plan | {"status": "closed"}, late)
    assert not plan_open(plan, shanghai_today(datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)))


def test_scope_by_subtree_title_level_and_series():
    plan = {"scope_org_id": 7, "scope_title_levels": ["中级", "副高级"], "scope_series": ["政工"]}
    assert scope.refusal(plan, "/1/7/42/", "中级", "政工", "/1/7/") is None
    assert "单位" in scope.refusal(plan, "/1/8/", "中级", "政工", "/1/7/")
    assert "职称级别" in scope.refusal(plan, "/1/7/", "初级", "政工", "/1/7/")
    assert "系列" in scope.refusal(plan, "/1/7/", "中级", "工程", "/1/7/")
    assert scope.refusal({"scope_org_id": None}, None, None, None, None) is None


def test_playback_tokens_are_the_owners_and_unforgeable():
    token = playback_tokens.issue(5, 9, "sess", 60_000, now_epoch=1_000)
    claim = playback_tokens.verify(token, 5, now_epoch=1_001)
    assert (claim.user_id, claim.chapter_id, claim.session_id, claim.duration_ms) == \
        (5, 9, "sess", 60_000)
    body, signature = token.split(".", 1)
    import base64
    forged_text = "5.9.sess.99999999.99999999999"
    forged = base64.urlsafe_b64encode(forged_text.encode()).rstrip(b"=").decode()
    for bad, user, now in [(token, 6, 1_001), (f"{forged}.{signature}", 5, 1_001),
                           (token, 5, 1_000 + playback_tokens.TTL_SECONDS + 1),
                           ("garbage", 5, 1_001)]:
        with pytest.raises(Forbidden):
            playback_tokens.verify(bad, user, now)
