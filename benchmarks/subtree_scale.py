"""Measures, against the generated scale (benchmarks/generate_scale.py) and the running
identity and orgtree services: the admins' learner query, first page, for admins at
several levels (p50 / p95 over repeated RPC calls, as the gateway makes them), and moving
a city's subtree of ~12,000 units to another parent until identity's copy of the tree has
followed (the org_moved event included)."""
import os
import statistics
import time

import sqlalchemy as sa

from gateway.rpc import RpcPool
from services.common.db import make_engine

CALLS = int(os.environ.get("BENCH_CALLS", "200"))


def admin(path, org_id):
    return {"user_id": 1, "role": "admin", "org_id": org_id, "org_path": path,
            "modules": ["learner_management"], "grant_id": None, "super": False}


def wait_for_services():
    # A request sent before a service has declared its queue is dropped: ask briefly, often.
    pool = RpcPool(timeout=2)
    for _ in range(120):
        try:
            pool.call("identity", "ping"), pool.call("orgtree", "ping")
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit("services did not answer")


def quantiles(pool, actor, query):
    for _ in range(10):
        pool.call("identity", "search_learners", actor, query)
    timings = []
    for _ in range(CALLS):
        start = time.perf_counter()
        page = pool.call("identity", "search_learners", actor, query)
        timings.append((time.perf_counter() - start) * 1000)
    q = statistics.quantiles(timings, n=100)
    return q[49], q[94], page


def paths(engine, org_ids):
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(sa.column("id"), sa.column("path"))
                                 .select_from(sa.table("orgs"))
                                 .where(sa.column("id").in_(org_ids))).all())


def main():
    wait_for_services()
    pool = RpcPool(timeout=120)
    identity_db = make_engine(os.environ["IDENTITY_DATABASE_URL"])
    with identity_db.connect() as conn:
        people = conn.execute(sa.text("SELECT count(*) FROM people")).scalar()
        units = conn.execute(sa.text("SELECT count(*) FROM orgs")).scalar()
        city = conn.execute(sa.text("SELECT id, path FROM orgs WHERE parent_id = 1 ORDER BY id "
                                    "LIMIT 1")).one()
        other_city = conn.execute(sa.text("SELECT id FROM orgs WHERE parent_id = 1 "
                                          "ORDER BY id DESC LIMIT 1")).scalar()
        dept = conn.execute(sa.text("SELECT id, path FROM orgs WHERE type = 'supervising_dept' "
                                    "ORDER BY id LIMIT 1")).one()
        employer = conn.execute(sa.text("SELECT id, path FROM orgs WHERE type = 'employer' "
                                        "ORDER BY id LIMIT 1")).one()
        city_units = conn.execute(sa.text("SELECT count(*) FROM orgs WHERE path LIKE :p"),
                                  {"p": city.path + "%"}).scalar()
    print(f"== setup: PostgreSQL {units:,} units, {people:,} people; "
          f"{CALLS} sequential RPC calls per case (gateway's RpcPool)")
    print("== learner query, first page of 20 (target: city-level admin p95 <= 100 ms)")
    cases = [
        ("province admin, newest first", admin("/1/", 1), {}),
        ("city admin, newest first", admin(city.path, city.id), {}),
        ("city admin, title level 中级", admin(city.path, city.id), {"title_level": "中级"}),
        ("city admin, sorted by name", admin(city.path, city.id),
         {"sort": "real_name", "order": "asc"}),
        ("city admin, name starts with 王伟", admin(city.path, city.id), {"real_name": "王伟"}),
        ("city admin, one employer's subtree", admin(city.path, city.id),
         {"org_id": employer.id}),
        ("supervising-dept admin, newest first", admin(dept.path, dept.id), {}),
        ("employer admin, newest first", admin(employer.path, employer.id), {}),
    ]
    for label, actor, query in cases:
        p50, p95, page = quantiles(pool, actor, query)
        total = f"{page['total']:,}{'' if page['total_exact'] else '+'}"
        print(f"  {label:<40} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms   (total {total})")

    print(f"== moving a city's subtree ({city_units:,} units) under another city, until "
          "identity's copy has followed (target: <= 5 s)")
    operator = {"user_id": 1, "role": "operator", "org_id": None, "org_path": None,
                "modules": [], "grant_id": None, "super": False}
    for label, target in (("there", other_city), ("and back", 1)):
        before = paths(identity_db, [city.id])[city.id]
        start = time.perf_counter()
        result = pool.call("orgtree", "move_org", operator, city.id, target)
        orgtree_done = time.perf_counter() - start
        while paths(identity_db, [city.id])[city.id] == before:
            time.sleep(0.005)
        total = time.perf_counter() - start
        print(f"  {label:<9} {result['units_moved']:,} units: orgtree {orgtree_done:.2f} s, "
              f"identity's copy followed at {total:.2f} s")


if __name__ == "__main__":
    main()
