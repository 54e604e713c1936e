"""Report 1 at scale (issue 11), after the rebuild of benchmarks/reporting_scale.sh:
参训情况统计表 for city-level admins on the rebuilt read models of 1,000,000 learners,
p50 / p95 over sequential calls, while another process keeps applying new events to the
same tables (people registering and admitted in those cities, learners passing).

    python benchmarks/reporting_scale.py REBUILT_DATABASE_URL [calls] [events_per_second]

The report is called as reporting's RPC entrypoint calls it (service layer, its own unit
of work on PostgreSQL); the RPC hop adds the gateway's round trip (benchmarks/README.md)."""
import multiprocessing
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from benchmarks.reporting_history import ORG_BASE, PLAN_ID, USER_BASE
from services.common.events import make_envelope
from services.common.scripting import UnitOfWorkFactory
from services.reporting import models, participation, projections


def database(url):
    return UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)


def flow(url, rate, stop):
    """New events for the cities at `rate` per second, in batches of a tenth of that."""
    db = database(url)
    with db() as uow:
        leaves = list(uow.session.execute(select(models.orgs.c.org_id).where(
            models.orgs.c.type.in_(("employer", "internal_dept")))).scalars())
    user, applied, started = USER_BASE + 5_000_000 + uuid.uuid4().int % 1_000_000, 0, \
        time.monotonic()
    while not stop.is_set():
        now, batch = datetime.now(timezone.utc), []
        for _ in range(max(1, rate // 30)):  # ~3 events a learner, 10 batches a second
            user += 1
            org = leaves[user % len(leaves)]
            batch += [
                make_envelope("identity", "user_registered", {
                    "user_id": user, "username": f"u{user}", "org_id": org,
                    "real_name": "新学员", "id_type": "id_card",
                    "id_number_masked": "1201**********0000", "gender": "female",
                    "birth_date": date(1990, 1, 1), "title_level": None, "registered_at": now,
                    "added_by": None}, now),
                make_envelope("orgtree", "member_approved", {
                    "membership_id": user, "user_id": user, "org_id": org,
                    "approved_by": None}, now),
                make_envelope("learning", "plan_completed", {
                    "enrolment_id": user - 5_000_000, "user_id": user - 5_000_000,
                    "plan_id": PLAN_ID, "required_hours": "30.0", "elective_hours": "60.0",
                    "total_hours": "90.0", "completed_at": now}, now, 9)]
        with db() as uow:
            applied += projections.apply(uow, batch)
            uow.commit()
        time.sleep(max(0.0, started + applied / rate - time.monotonic()))
    print(f"  meanwhile: {applied:,} events applied to the same tables "
          f"({applied / (time.monotonic() - started):.0f}/s)")


def main(url, calls=200, rate=1000):
    db = database(url)
    with db() as uow:
        cities = list(uow.session.execute(select(models.orgs).where(
            models.orgs.c.parent_id == ORG_BASE + 1).order_by(models.orgs.c.org_id)
        ).mappings())
        people = uow.session.execute(select(models.people.c.user_id).limit(1)).first()
    assert cities and people, "no rebuilt read models at this URL"
    stop = multiprocessing.Event()
    feeder = multiprocessing.Process(target=flow, args=(url, rate, stop))
    feeder.start()
    time.sleep(2)
    timings, sizes, today = [], [], datetime.now(timezone.utc).date()
    for i in range(calls):
        city = cities[i % len(cities)]
        actor = {"role": "admin", "org_path": city["path"], "modules": ["statistics"]}
        day = None if i % 4 else (today - timedelta(days=30 * (i % 7))).isoformat()
        started = time.perf_counter()
        with db() as uow:
            answer = participation.report(uow, actor, PLAN_ID, None, day)
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(answer["total"]["registered"])
    stop.set()
    feeder.join()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"  参训情况统计表 for {len(cities)} city admins (a city: ~{statistics.mean(sizes):,.0f} "
          f"learners registered, 12 districts and its units below), {calls} calls, a quarter "
          f"as of an earlier date:")
    print(f"  p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} "
          f"ms (target p95 ≤ 100 ms)")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
