"""The deadline rush through the gateway (issue 10).

    python benchmarks/exam_rush_load.py BASE_URL [submissions] [seconds] [exam_pid_file]

Setup (in exam's database, as the scale generators do): one published exam of ten
judgement questions (10 points each, pass line 60) and `submissions` learners, each with
an attempt open on it (paper drawn, deadline 30 minutes away) and an access token minted
with identity's key. Then the submissions (交卷 with the ten answers) through the gateway:
half spread evenly over `seconds`, the other half in one 10-second burst in the middle,
each on one of many keep-alive connections; a submission answered 503/504 or cut off is
sent again a second later, as the web client does. In the middle of the burst the exam
service process is killed (SIGKILL; the run command's supervisor starts it again).

Afterwards: every attempt graded exactly once (one attempt_submitted event each) with
the score its answers earn. Prints the rate, latency from each submission's scheduled
time to its final answer (202: the broker holds it; p50/p90/p99/max), the retries, how
long grading lagged, and the checks."""
import asyncio
import json
import os
import random
import secrets
import signal
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

from sqlalchemy import func, insert, select

from services.common.scripting import UnitOfWorkFactory
from services.exam import models
from services.exam.domain import papers
from services.identity.tokens import TokenIssuer

USER_BASE = 30_000_000
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "128"))
QUESTIONS = 10


def setup(n):
    db = UnitOfWorkFactory("exam", models.outbox, models.inbox)
    now = datetime.now(timezone.utc)
    with db() as uow:
        s = uow.session
        course_id = 900_000 + s.execute(select(func.count()).select_from(models.exams)).scalar()
        s.execute(insert(models.questions), [
            {"course_id": course_id, "type": "judge", "stem": f"压测判断题{i}", "options": [],
             "answer": [i % 2 == 0], "difficulty": 1, "tags": [], "status": "active",
             "created_at": now, "updated_at": now} for i in range(QUESTIONS)])
        bank = [dict(r) for r in s.execute(select(models.questions).where(
            models.questions.c.course_id == course_id)).mappings()]
        rule = {"mode": "random", "draws": [{"type": "judge", "count": QUESTIONS, "score": 10}]}
        exam_id = s.execute(insert(models.exams).values(
            name="压测考试", course_id=course_id, plan_id=None, bank_course_id=course_id,
            paper_rule=rule, total_score=100, pass_score=60, duration_minutes=30,
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
            attempts_allowed=None, exempt_attempts=0, status="published", created_at=now,
            updated_at=now)).inserted_primary_key[0]
        users = [USER_BASE + exam_id * 100_000 + i for i in range(n)]
        s.execute(insert(models.candidates), [
            {"exam_id": exam_id, "user_id": u, "attempts_taken": 1, "last_attempt_at": now}
            for u in users])
        rows, tokens = [], {}
        for u in users:
            seed = random.getrandbits(48)
            paper, key = papers.paper(papers.pick(rule, bank, seed), seed, True, True)
            tokens[u] = secrets.token_hex(16)
            rows.append({"exam_id": exam_id, "user_id": u, "number": 1, "token": tokens[u],
                         "status": "open", "paper": paper, "answer_key": key, "answers": {},
                         "marked": [], "seed": seed, "started_at": now,
                         "deadline_at": now + timedelta(minutes=30)})
        for start in range(0, len(rows), 1000):
            s.execute(insert(models.attempts), rows[start:start + 1000])
        uow.commit()
    issuer = TokenIssuer()
    access = {u: issuer.access_token({"sub": str(u), "role": "learner", "username": f"e{u}",
                                      "org_id": None, "org_path": None, "modules": []}, now)
              for u in users}
    keys = {r["user_id"]: r["answer_key"] for r in rows}
    return db, exam_id, users, tokens, access, keys


def answers_for(key, right):
    """`right` of the ten answered correctly, the rest wrongly."""
    out = {}
    for n, (qid, value) in enumerate(sorted(key.items())):
        out[qid] = value[0] if n < right else not value[0]
    return out


def request_bytes(host, access, token, body):
    data = json.dumps(body).encode()
    return (f"POST /api/v1/me/attempts/{token}/submission HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {access}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


async def exchange(state, host, port, payload):
    """(status, body) of one request on a kept-alive connection, reconnecting as needed."""
    if state.get("writer") is None:
        state["reader"], state["writer"] = await asyncio.open_connection(host, port)
    writer, reader = state["writer"], state["reader"]
    try:
        writer.write(payload)
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await reader.readexactly(length) if length else b""
        return int(status_line[9:12]), body
    except (ConnectionError, asyncio.IncompleteReadError, OSError):
        state["writer"] = None
        return 0, b""


async def connection(host, port, queue, results, retries):
    state = {}
    while True:
        item = await queue.get()
        if item is None:
            if state.get("writer") is not None:
                state["writer"].close()
            return
        scheduled, payload = item
        while True:
            status, body = await exchange(state, host, port, payload)
            if status == 202:  # accepted: the broker holds it; exam grades it
                break
            retries[status] += 1
            if status not in (0, 502, 503, 504):
                break  # a refusal: reported, not retried
            await asyncio.sleep(1.0)
        results.append((time.monotonic() - scheduled, status, body))


async def load(base, schedule, exam_pid_file, kill_at):
    url = urlparse(base)
    queue, results, retries = asyncio.Queue(), [], Counter()
    workers = [asyncio.create_task(connection(url.hostname, url.port, queue, results,
                                              retries)) for _ in range(CONNECTIONS)]
    start = time.monotonic() + 0.5
    killed = None
    for offset, payload in schedule:
        due = start + offset
        if killed is None and exam_pid_file and offset >= kill_at:
            killed = kill_exam(exam_pid_file)
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, payload))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return results, retries, time.monotonic() - start, killed


def kill_exam(pid_file):
    with open(pid_file) as fh:
        pid = int(fh.read().strip() or 0)
    if pid:
        os.kill(pid, signal.SIGKILL)
    return pid


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main():
    base = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    exam_pid_file = sys.argv[4] if len(sys.argv) > 4 else None
    t = time.monotonic()
    db, exam_id, users, tokens, access, keys = setup(n)
    host = urlparse(base).netloc
    rights = {u: random.randint(3, 10) for u in users}
    payloads = [request_bytes(host, access[u], tokens[u],
                              {"answers": answers_for(keys[u], rights[u])}) for u in users]
    half = n // 2
    burst_start = seconds / 2 - 5
    spread = [(i * seconds / (n - half), p) for i, p in enumerate(payloads[half:])]
    burst = [(burst_start + i * 10 / half, p) for i, p in enumerate(payloads[:half])]
    schedule = sorted(spread + burst, key=lambda item: item[0])
    print(f"  setup: {n} learners with an open attempt each (10 judgement questions), tokens "
          f"minted ({time.monotonic() - t:.1f} s); {CONNECTIONS} keep-alive connections")
    print(f"  schedule: {n - half} spread over {seconds:.0f} s and {half} in the 10 s burst "
          f"from {burst_start:.0f} s; exam service killed at {burst_start + 5:.0f} s"
          if exam_pid_file else "")
    results, retries, elapsed, killed = asyncio.run(
        load(base, schedule, exam_pid_file, burst_start + 5))
    latencies = [r[0] * 1000 for r in results]
    statuses = Counter(r[1] for r in results)
    print(f"  sent {len(results)} submissions in {elapsed:.1f} s; answers {dict(statuses)}; "
          f"retries after {dict(retries)}" + (f"; killed exam pid {killed}" if killed else ""))
    print(f"  latency from the scheduled time to the final answer: p50 "
          f"{percentile(latencies, .5):.0f} ms, p90 {percentile(latencies, .9):.0f} ms, p99 "
          f"{percentile(latencies, .99):.0f} ms, max {max(latencies):.0f} ms")
    def graded_now():
        with db() as uow:
            return dict(uow.session.execute(
                select(models.attempts.c.user_id, models.attempts.c.score).where(
                    models.attempts.c.exam_id == exam_id,
                    models.attempts.c.status == "graded")).all())
    t = time.monotonic()
    graded = graded_now()
    while len(graded) < n and time.monotonic() - t < 120:
        time.sleep(0.5)
        graded = graded_now()
    print(f"  grading: the last submission graded {time.monotonic() - t:.1f} s after the last "
          "answer")
    with db() as uow:
        s = uow.session
        events = s.execute(select(models.outbox.c.envelope).where(
            models.outbox.c.event_type == "attempt_submitted")).scalars().all()
    mine = Counter()
    for envelope in events:
        payload = json.loads(envelope)["payload"]
        if payload["exam_id"] == exam_id:
            mine[payload["user_id"]] += 1
    wrong = [u for u in users if graded.get(u) != rights[u] * 10]
    print(f"  effects: {len(graded)} of {n} attempts graded, {sum(mine.values())} "
          f"attempt_submitted events ({sum(1 for c in mine.values() if c > 1)} learners with "
          f"more than one), {len(wrong)} scores not what the answers earn (each must be "
          f"{n}, {n}, 0, 0)")


if __name__ == "__main__":
    main()
