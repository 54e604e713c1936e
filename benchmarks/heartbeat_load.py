"""Video heartbeats through the gateway at a constant rate (issue 8's hottest path).

    python benchmarks/heartbeat_load.py BASE_URL [rate] [seconds] [interval]

Setup (in learning's database, like the scale generator does): one course with an
hour-long chapter, N = rate x interval learners enrolled in a plan with it, each with an
active playback session; access tokens minted with identity's key and playback tokens
with the shared secret (the same ones login and 开始学习 would hand out).

Warm-up: every learner sends its `play` (at a third of the rate, BENCH_WARMUP_RATE): the
gateway verifies each access token the first time it sees it (an Ed25519 check, about
0.4 ms) and learning records each learner's first study — at the deadline most learners
are half-way through a course and their tokens are known to the gateway from opening the
player, so this first contact is reported apart. Then, measured: a `tick` every
`interval` seconds per learner with its position advancing in real time — learners
staggered evenly, so the gateway sees a constant `rate` of heartbeats — for `seconds`.
Latency is measured from each heartbeat's scheduled time (a late send counts against the
gateway: no coordinated omission).

Afterwards it waits until learning has applied everything, then checks every learner's
covered time against the server's rule applied to the heartbeats as sent: the figure
must match exactly for every learner. Prints the setup, rate achieved, p50/p90/p99/max,
errors, the apply lag, mismatches, and this generator's CPU share."""
import asyncio
import gc
import json
import os
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

from sqlalchemy import func, insert, select

from services.common.scripting import UnitOfWorkFactory
from services.identity.tokens import TokenIssuer
from services.learning import playback_tokens
from services.learning.domain import crediting
from services.learning.domain.calendar import shanghai_today
from services.learning.models import (chapter_progress, chapters, courses, enrolments, inbox,
                                      outbox, plan_courses, plans, playbacks, selections)
from services.learning.settings import credit_rules

USER_BASE = 10_000_000
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
WARMUP_RATE = float(os.environ.get("BENCH_WARMUP_RATE", "0"))  # 0: a third of the rate


def setup(learners, duration_ms):
    db = UnitOfWorkFactory("learning", outbox, inbox)
    now = datetime.now(timezone.utc)
    today = shanghai_today(now)
    with db() as uow:
        s = uow.session
        course_id = s.execute(insert(courses).values(
            title=f"心跳压测课程 {uuid.uuid4().hex[:6]}", teacher_name="压测", hours="1.0",
            preview_seconds=0, status="active", created_at=now)).inserted_primary_key[0]
        chapter_id = s.execute(insert(chapters).values(
            course_id=course_id, seq=1, title="第1节", video_key="bench/none.webm",
            duration_ms=duration_ms, video_type="webm", created_at=now)).inserted_primary_key[0]
        plan_id = s.execute(insert(plans).values(
            name="心跳压测计划", year=today.year, kind="public", makeup=False,
            total_hours="1.0", required_hours="1.0", pricing="per_hour",
            price_per_hour_fen=0, flat_price_fen=0, required_free=True, cards_allowed=False,
            extra_required_exams=0, opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=1), pay_deadline=today,
            scope_title_levels=[], scope_series=[], status="published", created_at=now,
            updated_at=now)).inserted_primary_key[0]
        s.execute(insert(plan_courses).values(plan_id=plan_id, course_id=course_id,
                                              kind="required", exam_required=False, seq=1))
        base = USER_BASE + s.execute(select(func.count()).select_from(playbacks)).scalar()
        users = [base + i for i in range(learners)]
        s.execute(insert(enrolments), [
            {"plan_id": plan_id, "user_id": u, "org_id": None, "status": "learning",
             "activated_at": now} for u in users])
        ids = dict(s.execute(select(enrolments.c.user_id, enrolments.c.id).where(
            enrolments.c.plan_id == plan_id)).all())
        s.execute(insert(selections), [
            {"enrolment_id": ids[u], "plan_id": plan_id, "user_id": u, "course_id": course_id,
             "kind": "required", "status": "active", "selected_at": now} for u in users])
        sessions = {u: str(uuid.uuid4()) for u in users}
        s.execute(insert(playbacks), [
            {"user_id": u, "session_id": sessions[u], "chapter_id": chapter_id,
             "course_id": course_id, "duration_ms": duration_ms, "started_at": now,
             "last_seq": 0, "last_position_ms": 0, "last_at": now, "playing": False,
             "anchor_at": now, "credited_since_anchor_ms": 0} for u in users])
        uow.commit()
    issuer = TokenIssuer()
    tokens = {}
    for u in users:
        access = issuer.access_token({"sub": str(u), "role": "learner", "username": f"b{u}",
                                      "org_id": None, "org_path": None, "modules": []}, now)
        tokens[u] = (access, playback_tokens.issue(u, chapter_id, sessions[u], duration_ms,
                                                   now.timestamp()))
    return db, chapter_id, users, sessions, tokens


def request_bytes(host, access, body):
    data = json.dumps(body, separators=(",", ":")).encode()
    head = (f"POST /api/v1/me/heartbeats HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {access}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    return head + data


async def connection(host, port, queue, results):
    reader, writer = await asyncio.open_connection(host, port)
    while True:
        item = await queue.get()
        if item is None:
            writer.close()
            return
        scheduled, phase, payload = item
        writer.write(payload)
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await reader.readexactly(length)
        results[phase].append((time.monotonic() - scheduled, int(status_line[9:12] or 0),
                               scheduled))


def schedule(n_learners, rate, seconds, interval, warmup_rate):
    """(seconds from the start, learner index, seq, event, position in ms), in time order:
    every learner's `play` at `warmup_rate`, then `tick`s at `rate` for `seconds`, each
    learner's position advancing exactly as the time since its play."""
    plays = [(i / warmup_rate, i, 1, "play", 0) for i in range(n_learners)]
    measured_from = n_learners / warmup_rate + 1.0
    ticks = []
    for k in range(int(seconds // interval)):
        for i in range(n_learners):
            due = measured_from + (k * n_learners + i) / rate
            ticks.append((due, i, k + 2, "tick", round((due - plays[i][0]) * 1000)))
    return plays, ticks


async def load(base, users, tokens, plays, ticks):
    url = urlparse(base)
    host, port = url.hostname, url.port or 80
    queue = asyncio.Queue()
    results = {"warmup": [], "measured": []}
    workers = [asyncio.create_task(connection(host, port, queue, results))
               for _ in range(CONNECTIONS)]
    sent = {u: [] for u in users}
    start = time.monotonic() + 0.5
    wall_start = datetime.now(timezone.utc) + timedelta(seconds=0.5)
    for phase, beats in (("warmup", plays), ("measured", ticks)):
        for offset, i, seq, event, position_ms in beats:
            due = start + offset
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            user = users[i]
            body = {"token": tokens[user][1], "seq": seq, "event": event,
                    "position": f"{position_ms / 1000:.3f}"}
            sent[user].append((seq, event, position_ms, wall_start + timedelta(seconds=offset)))
            queue.put_nowait((due, phase, request_bytes(url.netloc, tokens[user][0], body)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return results, sent


def expected_covered(session_id, chapter_id, duration_ms, beats):
    """The server's rule applied to what this learner sent (times as scheduled)."""
    first = beats[0][3]
    pb = crediting.Playback(session_id, chapter_id, duration_ms, 0, 0, first, False)
    segments = ()
    for seq, event, position, at in beats:
        outcome = crediting.apply(pb, segments, crediting.Beat(
            session_id, chapter_id, seq, event, position, at), credit_rules())
        pb, segments = outcome.playback, outcome.segments
    return crediting.covered_ms(segments)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main():
    base = sys.argv[1]
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 2500
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 300
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 10
    learners = int(rate * interval)
    duration_ms = int((seconds + 600) * 1000)
    t = time.monotonic()
    db, chapter_id, users, sessions, tokens = setup(learners, duration_ms)
    print(f"  setup: {learners} learners with a playback each, tokens minted "
          f"({time.monotonic() - t:.1f} s); {CONNECTIONS} keep-alive connections")
    plays, ticks = schedule(learners, rate, seconds, interval, WARMUP_RATE or rate / 3)
    # The generator holds millions of objects: a full collection of them would stall its
    # sending for a second and be counted against the gateway.
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu_before = os.times()
    measure_start = time.monotonic() + 0.5 + ticks[0][0]
    results, sent = asyncio.run(load(base, users, tokens, plays, ticks))
    elapsed = time.monotonic() - measure_start
    cpu = os.times()
    cpu_used = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
    warm = [r[0] * 1000 for r in results["warmup"]]
    print(f"  warm-up: each learner's first heartbeat (play; the gateway sees its token for "
          f"the first time) at {len(plays) / plays[-1][0]:.0f}/s: p50 "
          f"{percentile(warm, .50):.1f} ms, p99 {percentile(warm, .99):.1f} ms")
    measured = results["measured"]
    latencies = [r[0] * 1000 for r in measured]
    statuses = Counter(r[1] for r in measured + results["warmup"])
    print(f"  measured: {len(measured)} heartbeats in {elapsed:.1f} s = "
          f"{len(measured) / elapsed:.0f}/s (target {rate:.0f}/s for {seconds:.0f} s, a tick "
          f"every {interval:.0f} s per learner)")
    print(f"  latency from the scheduled time: p50 {percentile(latencies, .50):.1f} ms, "
          f"p90 {percentile(latencies, .90):.1f} ms, p99 {percentile(latencies, .99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    by_second = {}
    for latency, _status, scheduled in measured:
        second = int(scheduled - measured[0][2])
        by_second[second] = max(by_second.get(second, 0), latency * 1000)
    worst = sorted(by_second.items(), key=lambda kv: -kv[1])[:5]
    print("  slowest seconds of the run (second: max ms): "
          + ", ".join(f"{second}: {ms:.0f}" for second, ms in sorted(worst)))
    print(f"  statuses: {dict(statuses)}; errors (not 202): "
          f"{sum(v for k, v in statuses.items() if k != 202)}")
    print(f"  load generator CPU: {100 * cpu_used / elapsed:.0f}% of one core (2 cores in all)")
    # Everything applied? The last heartbeat's sequence number in every playback.
    want = int(seconds // interval) + 1
    t = time.monotonic()
    while True:
        with db() as uow:
            behind = uow.session.execute(select(func.count()).select_from(playbacks).where(
                playbacks.c.user_id.in_(users[:1] + users[-1:] + users[::97]),
                playbacks.c.last_seq < want)).scalar()
        if not behind or time.monotonic() - t > 120:
            break
        time.sleep(0.2)
    print(f"  applied everything {time.monotonic() - t:.1f} s after the last heartbeat was "
          f"answered")
    with db() as uow:
        covered = dict(uow.session.execute(select(
            chapter_progress.c.user_id, chapter_progress.c.covered_ms).where(
            chapter_progress.c.chapter_id == chapter_id)).all())
    mismatches = [u for u in users
                  if covered.get(u, 0) != expected_covered(sessions[u], chapter_id, duration_ms,
                                                           sent[u])]
    sample = users[0]
    print(f"  progress check: {len(users) - len(mismatches)} of {len(users)} learners exactly as "
          f"the rule computes from the heartbeats sent ({len(mismatches)} differ); e.g. "
          f"learner {sample}: {covered.get(sample, 0)} ms covered")
    if mismatches:
        u = mismatches[0]
        print(f"    first difference: learner {u} has {covered.get(u)} ms, the rule says "
              f"{expected_covered(sessions[u], chapter_id, duration_ms, sent[u])} ms")


if __name__ == "__main__":
    main()
