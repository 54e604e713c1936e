"""Generates the scale of issue 3 in PostgreSQL: a six-level tree of ~98,000 units (a
province, 8 cities of ~12,250 units each, districts, supervising departments, employers,
internal departments) and 5,000,000 people spread over the employers and departments,
written to orgtree's and identity's own databases (org units and memberships; accounts,
people and identity's copy of the tree) exactly as the services store them.

    python benchmarks/generate_scale.py POSTGRES_BASE_URL [people]

Creates (drops first) the databases bench_orgtree and bench_identity, migrated to head.
Account passwords are the bulk-import marker (the ID number's last six); ID numbers are
synthetic and unique but carry no GB 11643 check digit (nothing here validates them)."""
import io
import sys
import time

import sqlalchemy as sa

from services.common.db import make_engine
from services.common.migrations import upgrade

# children per unit at each level below the province: city, district, supervising
# department, employer, internal department
FAN_OUT = (8, 12, 12, 12, 6)
TYPES = ("hr_bureau", "hr_bureau", "hr_bureau", "supervising_dept", "employer", "internal_dept")
LABELS = ("省人力资源和社会保障厅", "市人社局", "区人社局", "主管部门", "用人单位", "内设部门")
MEMBER_LEVELS = (4, 5)  # people belong to employers and internal departments (0-based)


def build_tree():
    """[(id, parent_id, path, depth, name, type)] breadth first; ids from 1."""
    rows, level = [], [(1, None, "/1/", 1)]
    rows.append((1, None, "/1/", 1, "基准省" + LABELS[0], TYPES[0]))
    next_id = 2
    for depth, fan in enumerate(FAN_OUT, start=1):
        below = []
        for parent_id, _, path, _ in level:
            for _ in range(fan):
                unit = (next_id, parent_id, f"{path}{next_id}/", depth + 1)
                rows.append(unit[:4] + (f"{LABELS[depth]}{next_id}", TYPES[depth]))
                below.append(unit)
                next_id += 1
        level = below
    return rows


def copy_rows(engine, table, columns, rows):
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)
        raw.commit()
    finally:
        raw.close()


def recreate(admin, name, base):
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return base.rsplit("/", 1)[0] + "/" + name


PEOPLE_SQL = """
INSERT INTO {table} ({columns})
SELECT {values}
FROM generate_series(:start, :stop) AS g
"""

NAME = ("(ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周','徐','孙','马','朱','胡',"
        "'郭','何','高','林','罗'])[1 + g % 20] || (ARRAY['伟','芳','娜','秀英','敏','静','丽',"
        "'强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀兰','霞','平','刚','桂英',"
        "'建华','文','华','红','玉兰','建国','志强'])[1 + (g / 20) % 30]")
# People of all units register interleaved over the years, as they do: a multiplicative
# hash spreads consecutive registrations over the units (g % n would give each city a
# block of every cycle, and a newest-first page would skip the other cities' blocks).
ORG = "(:leaves ::int[])[1 + (g::bigint * 2654435761) % :nleaves]"


def main(base, people=5_000_000, chunk=500_000):
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    started = time.perf_counter()
    urls = {s: recreate(admin, f"bench_{s}", base) for s in ("orgtree", "identity")}
    for service, url in urls.items():
        upgrade(service, url)
    tree = build_tree()
    leaves = [r[0] for r in tree if r[3] - 1 in MEMBER_LEVELS]
    print(f"tree: {len(tree)} units, {len(leaves)} take people; "
          f"a city holds {sum(1 for r in tree if r[2].startswith('/1/2/'))} units")

    orgtree, identity = make_engine(urls["orgtree"]), make_engine(urls["identity"])
    copy_rows(orgtree, "org_units", ("id", "parent_id", "path", "depth", "name", "type",
                                     "status", "review_members", "created_at", "code_warning"),
              [r + ("approved", "f", "2020-01-01 00:00:00+00", "f") for r in tree])
    copy_rows(identity, "orgs", ("id", "parent_id", "path", "name", "type", "status",
                                 "review_members"),
              [(r[0], r[1], r[2], r[4], r[5], "approved", "f") for r in tree])
    params = {"leaves": leaves, "nleaves": len(leaves)}
    for start in range(1, people + 1, chunk):
        bounds = {"start": start, "stop": min(people, start + chunk - 1)} | params
        with identity.begin() as conn:
            conn.execute(sa.text(PEOPLE_SQL.format(
                table="accounts", columns="id, username, password_hash, status, is_learner, "
                "is_operator, must_change_password, failed_logins, created_at, updated_at",
                values="g, 'u' || g, '!initial-password:id-number-suffix', 'active', true, "
                       "false, false, 0, now(), now()")), bounds)
            conn.execute(sa.text(PEOPLE_SQL.format(
                table="people", columns="user_id, org_id, real_name, mobile, id_type, id_number, "
                "birth_date, gender, title_status, title_level, education, registered_at",
                values=f"g, {ORG}, {NAME}, '13' || lpad(g::text, 9, '0'), 'id_card', "
                       "'9' || lpad(g::text, 16, '0') || 'X', date '1965-01-01' + g % 14000, "
                       "CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END, '已取得', "
                       "(ARRAY['正高级','副高级','中级','初级','员级'])[1 + g % 5], '大学本科', "
                       "timestamptz '2021-01-01 00:00:00+00' + g * interval '30 seconds'")),
                bounds)
        with orgtree.begin() as conn:
            conn.execute(sa.text(PEOPLE_SQL.format(
                table="memberships", columns="id, user_id, org_id, real_name, id_number_masked, "
                "status, requested_at, decided_at",
                values=f"g, g, {ORG}, {NAME}, '9***************X', 'approved', now(), now()")),
                bounds)
        print(f"  people {bounds['stop']:>9,} ({time.perf_counter() - started:.0f} s)")
    for engine, table in ((identity, "accounts"), (orgtree, "memberships")):
        with engine.begin() as conn:
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"{people})"))
    with make_engine(urls["orgtree"], isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('org_units', 'id'), "
                             f"{len(tree)})"))
        conn.execute(sa.text("VACUUM ANALYZE"))
    with make_engine(urls["identity"], isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    print(f"generated {len(tree):,} units and {people:,} people in "
          f"{time.perf_counter() - started:.0f} s")
    return urls


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000)
