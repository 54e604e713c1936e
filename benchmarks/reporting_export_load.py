"""导出 Excel of report 2 (培训计划学员完成情况明细表) at a million rows (issue 11): the export
against openpyxl's write-only mode alone, measured in one run.

    python benchmarks/reporting_export_load.py generate BASE_URL [learners]
    python benchmarks/reporting_export_load.py measure URL          (BENCH_ROUNDS, default 2)

`generate` (re)creates the database bench_reporting on the cluster of BASE_URL, migrates it
and fills reporting's read model by COPY: a province-like tree of 6,577 org units (a
province bureau, 16 district bureaus, 10 supervising departments each, 20 employers each,
one internal department per employer), `learners` people in employers and departments,
all of them in one plan (activated, courses selected, some passed) with 2–4 courses each
(required and elective, 1.5–8 hours, most completed), and every 20th in a second plan.

`measure` runs, BENCH_ROUNDS times in turn, each in a fresh Python process (so a peak RSS
is that process's own):

1. the baseline: openpyxl's write-only mode alone appending the very rows the export
   writes — read beforehand with the export's own query into memory (not timed), the
   garbage collector frozen — and saving the file;
2. the export: a job queued as the 导出 request queues it and run by the service's job
   queue with the service's own `offload` (eventlet's tpool) and psycopg2 made cooperative,
   as in the service process — query, workbook, file in the file store. A green thread
   meanwhile sleeps 50 ms at a time and records how late it wakes: how long the event loop
   (RPC, broker heartbeats) waited at worst. (Every wake takes the GIL from the writing
   thread: at 10 ms the probe itself cost the export ~6 s of CPU.)

Then it reads the last exported file back: rows per sheet, each header, the first row. It prints both times, their ratio (target ≤ 1.3; the machine is shared, so the rounds
alternate and the CPU seconds — the export's process plus PostgreSQL's — are printed too),
the export's peak RSS (target ≤ 150 MB, VmHWM), rows, sheets and sizes."""
import gc
import io
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal

import sqlalchemy as sa

from services.common.db import make_engine
from services.common.migrations import upgrade

PLAN, OTHER_PLAN = 1, 2
ADMIN = {"role": "admin", "user_id": 1, "org_path": "/1/", "modules": ["statistics"]}
# The screen's filters the export carries, e.g. {"sort": "total_completed", "order": "desc"}
QUERY = json.loads(os.environ.get("BENCH_QUERY") or "{}")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华红玉兰国志建文斌宇浩凯秀"
EDUCATION = ("博士研究生", "硕士研究生", "大学本科", "大学本科", "大学本科", "大学专科",
             "大学专科", "中专", "高中", None)
DISTRICTS = ("和平", "河东", "河西", "南开", "河北", "红桥", "东丽", "西青", "津南", "北辰",
             "武清", "宝坻", "滨海", "宁河", "静海", "蓟州")
DEPARTMENTS = ("卫生健康委员会", "教育局", "住房和城乡建设委员会", "交通运输委员会", "工业和信息化局",
               "农业农村委员会", "生态环境局", "市场监督管理局", "文化和旅游局", "应急管理局")
EMPLOYERS = ("第{}人民医院", "第{}中学", "建筑设计研究院第{}分院", "第{}中心小学",
             "市政工程有限公司第{}项目部", "第{}社区卫生服务中心", "第{}职业技术学校",
             "环境监测站第{}站", "第{}工程咨询有限公司", "第{}研究所")
HOURS = (Decimal("1.5"), Decimal("2.0"), Decimal("3.0"), Decimal("4.0"), Decimal("6.0"),
         Decimal("8.0"))
EPOCH = 1735689600  # 2025-01-01 00:00 UTC


def build_orgs():
    """[(org_id, parent_id, path, name, type)] and the ids that take people."""
    rows, leaves = [(1, None, "/1/", "天津市人力资源和社会保障局", "hr_bureau")], []
    next_id = 2
    for district in DISTRICTS:
        did = next_id
        next_id += 1
        rows.append((did, 1, f"/1/{did}/", f"{district}区人力资源和社会保障局", "hr_bureau"))
        for s, dept in enumerate(DEPARTMENTS):
            sid = next_id
            next_id += 1
            rows.append((sid, did, f"/1/{did}/{sid}/", f"{district}区{dept}", "supervising_dept"))
            for e in range(20):
                eid = next_id
                next_id += 1
                name = f"{district}区" + EMPLOYERS[(s + e) % len(EMPLOYERS)].format(e + 1)
                rows.append((eid, sid, f"/1/{did}/{sid}/{eid}/", name, "employer"))
                uid = next_id
                next_id += 1
                rows.append((uid, eid, f"/1/{did}/{sid}/{eid}/{uid}/", "综合办公室",
                             "internal_dept"))
                leaves += [eid, uid]
    return rows, leaves


def _ts(seconds):
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


def person(user_id, rnd, leaves):
    name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
    return (user_id, f"1{rnd.randrange(30, 90)}{user_id:08d}", name,
            f"12{rnd.randrange(1000, 9999)}{'*' * 8}{rnd.randrange(1000, 9999)}",
            f"1{rnd.randrange(30, 90)}****{rnd.randrange(1000, 9999)}", rnd.choice(EDUCATION),
            leaves[(user_id * 2654435761) % len(leaves)], "active",
            _ts(EPOCH - 86400 * 400 + user_id % (86400 * 300)), 1, 1)


def enrolment(user_id, plan_id, rnd):
    """The enrolment row and its 2–4 course rows."""
    activated = EPOCH + rnd.randrange(86400 * 200)
    selected = activated + rnd.randrange(3600)
    started = selected + rnd.randrange(7200)
    courses, last = [], started
    for n in range(rnd.choice((2, 3, 3, 4))):
        done = None
        if rnd.random() < 0.75:
            last = last + rnd.randrange(86400 * 20)
            done = _ts(last)
        courses.append((user_id, plan_id, 100 * plan_id + rnd.randrange(10) * 4 + n,
                        "required" if n < 2 else "elective", rnd.choice(HOURS),
                        "t" if rnd.random() < 0.97 else "f", 1, done))
    passed = _ts(last + 600) if all(c[7] for c in courses) and rnd.random() < 0.8 else None
    return (user_id, plan_id, _ts(activated), _ts(selected), _ts(started), passed), courses


class _Lines(io.RawIOBase):
    """A file object over an iterator of rows, for COPY ... FROM STDIN without the whole
    text in memory."""

    def __init__(self, rows):
        self.rows, self.buf = iter(rows), b""

    def readable(self):
        return True

    def readinto(self, target):
        while len(self.buf) < len(target):
            chunk = list(itertools.islice(self.rows, 2000))
            if not chunk:
                break
            self.buf += "".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n"
                                for row in chunk).encode()
        n = min(len(target), len(self.buf))
        target[:n], self.buf = self.buf[:n], self.buf[n:]
        return n


def copy(raw, table, columns, rows):
    with raw.cursor() as cur:
        cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN",
                        io.BufferedReader(_Lines(rows), 1 << 20))


def generate(base, learners):
    started = time.perf_counter()
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text('DROP DATABASE IF EXISTS "bench_reporting" WITH (FORCE)'))
        conn.execute(sa.text('CREATE DATABASE "bench_reporting"'))
    url = base.rsplit("/", 1)[0] + "/bench_reporting"
    upgrade("reporting", url)
    orgs, leaves = build_orgs()
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        copy(raw, "orgs", ("org_id", "parent_id", "path", "name", "type", "status", "version"),
             (o + ("active", 1) for o in orgs))
        copy(raw, "plans", ("plan_id", "name", "year", "kind", "status", "version"),
             [(PLAN, "2025年天津市专业技术人员继续教育网络课程学习计划", 2025, "public",
               "published", 1),
              (OTHER_PLAN, "2025年专业科目学习计划", 2025, "professional", "published", 1)])
        rnd = random.Random(11)
        copy(raw, "people", ("user_id", "username", "real_name", "id_number_masked",
                             "mobile_masked", "education", "org_id", "member", "registered_at",
                             "identity_version", "member_version"),
             (person(u, rnd, leaves) for u in range(1, learners + 1)))
        raw.commit()
        print(f"  {len(orgs):,} org units ({len(leaves):,} take people), {learners:,} people "
              f"({time.perf_counter() - started:.0f} s)", flush=True)

        def plan_rows(which):
            """Both passes draw the same numbers: the enrolments, then their courses."""
            again = random.Random(12)
            for u in range(1, learners + 1):
                for plan in (PLAN, OTHER_PLAN) if u % 20 == 0 else (PLAN,):
                    row, courses = enrolment(u, plan, again)
                    if which == "enrolments":
                        yield row
                    else:
                        counted[0] += len(courses)
                        yield from courses
        counted = [0]
        copy(raw, "enrolments", ("user_id", "plan_id", "activated_at", "first_selected_at",
                                 "started_at", "passed_at"), plan_rows("enrolments"))
        copy(raw, "enrolment_courses", ("user_id", "plan_id", "course_id", "kind", "hours",
                                        "selected", "selection_version", "completed_at"),
             plan_rows("courses"))
        raw.commit()
        courses = counted[0]
    finally:
        raw.close()
    with make_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        size = conn.execute(sa.text("SELECT pg_size_pretty(pg_database_size(current_database()))"
                                    )).scalar()
    print(f"  generated: {learners + learners // 20:,} enrolments ({learners:,} in the plan "
          f"exported), {courses:,} enrolment courses; database {size}; "
          f"{time.perf_counter() - started:.0f} s", flush=True)


# --- the measured processes ------------------------------------------------------------

def peak_rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sheet_rows(url):
    """Every row the export writes, as it hands them to openpyxl (its own query and its own
    conversion), in a list; with the seconds it took."""
    from services.common.scripting import UnitOfWorkFactory
    from services.reporting import completion, models
    started = time.perf_counter()
    db = UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)
    rows = []
    with db() as uow:
        select_rows, _ = completion.export_rows(uow, ADMIN, PLAN, None, QUERY)
        to_sheet = completion.SheetRows(uow)
        for chunk in uow.session.execute(select_rows,
                                         execution_options={"yield_per": 5000}).partitions():
            rows += to_sheet(chunk)
    db.engine.dispose()
    return rows, time.perf_counter() - started


def baseline(url, path):
    """openpyxl's write-only mode alone: the export's rows, all in memory beforehand (and
    frozen out of the garbage collector's way), appended and saved."""
    from openpyxl import Workbook

    from services.reporting.completion import COLUMNS
    rows, loading = sheet_rows(url)
    gc.collect()
    gc.freeze()
    in_memory = peak_rss_mb()
    started, cpu = time.perf_counter(), cpu_seconds()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("基准")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return {"seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu,
            "rows": len(rows), "bytes": os.path.getsize(path), "loading": loading,
            "rss_mb": in_memory}


def export(url, files):
    import eventlet
    eventlet.monkey_patch()
    from services.common import jobs as job_queue
    from services.common.scripting import UnitOfWorkFactory
    from services.common.storage import FileStorage
    from services.reporting import exports, models
    from services.reporting.service import offload  # patches psycopg2 for eventlet, as there

    lag = {"max": 0.0, "over_100ms": 0, "beats": 0}
    running = [True]

    def loop_watch():
        while running[0]:
            before = time.perf_counter()
            eventlet.sleep(0.05)
            late = time.perf_counter() - before - 0.05
            lag["max"] = max(lag["max"], late)
            lag["over_100ms"] += late > 0.1
            lag["beats"] += 1
    db = UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)
    storage = FileStorage(root=files)
    with db() as uow:
        job_id = exports.queue(uow, ADMIN, {"report": "completion", "plan_id": PLAN,
                                            **QUERY})["job_id"]
    queue = job_queue.JobQueue(models.jobs)
    watcher = eventlet.spawn(loop_watch)
    eventlet.sleep(0)
    started, cpu = time.perf_counter(), cpu_seconds()
    sheet_rows = int(os.environ.get("BENCH_SHEET_ROWS") or exports.EXCEL_ROWS)
    queue.run(db, [exports.job_kind(storage, offload, sheet_rows)], job_id=job_id)
    took, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    running[0] = False
    watcher.wait()
    with db() as uow:
        job = uow.session.execute(sa.select(models.jobs).where(models.jobs.c.id == job_id)
                                  ).mappings().one()
    return {"seconds": took, "cpu": cpu, "rss_mb": peak_rss_mb(), "status": job["status"],
            "error": job["error"], "rows": (job["result"] or {}).get("rows"),
            "bytes": (job["result"] or {}).get("bytes"),
            "path": str(storage.local_path(job["result_key"])) if job["result_key"] else None,
            "loop_lag_max_ms": lag["max"] * 1000, "loop_lag_over_100ms": lag["over_100ms"]}


def verify(path, expected_rows):
    """The file as a reader sees it, read from the .xlsx itself: each sheet's title (the
    workbook part), header and first row (the sheet's first two rows, parsed), and its rows
    counted as <row> tags (text in cells is escaped, so a "<" there is not a tag).
    openpyxl's read-only mode would do it too, but it parses a whole sheet just to open
    it when the sheet states no dimension, which write-only sheets never do (~90 s for a
    million rows here)."""
    import zipfile

    from lxml import etree
    from openpyxl.utils import column_index_from_string

    from services.reporting.completion import COLUMNS
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        titles = [s.get("name") for s in etree.fromstring(archive.read("xl/workbook.xml"))
                  .iter(f"{main}sheet")]
        counts, first = [], None
        for n in range(1, len(titles) + 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml") as fh:
                rows = []
                for _, row in etree.iterparse(fh, tag=f"{main}row"):
                    cells = [None] * len(COLUMNS)  # an empty cell is not written
                    for c in row:
                        column = column_index_from_string(c.get("r").rstrip("0123456789"))
                        cells[column - 1] = "".join(c.itertext())
                    rows.append(cells)
                    if len(rows) == 2:
                        break
            assert rows[0] == list(COLUMNS), rows[0]
            first = first or (rows[1] if len(rows) > 1 else None)
            with archive.open(f"xl/worksheets/sheet{n}.xml") as fh:
                count, tail = 0, b""
                while block := fh.read(1 << 22):
                    block = tail + block  # a tag cut in two is counted once, whole
                    count += block.count(b"<row ") + block.count(b"<row>")
                    tail = block[max(block.rfind(b"<"), len(block) - 5):]
                    count -= tail.count(b"<row ") + tail.count(b"<row>")
                counts.append(count - 1)  # less the header
    sheets = list(zip(titles, counts, strict=True))
    total = sum(counts)
    return sheets, total, first, total == expected_rows


def child(kind, *args):
    """Runs in a fresh interpreter; prints its figures as JSON on the last line."""
    figures = baseline(*args) if kind == "baseline" else export(*args)
    print(json.dumps(figures), flush=True)


def _run_child(*args):
    out = subprocess.run([sys.executable, "-W", "ignore", __file__, "child", *args],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_cpu():
    """CPU seconds the benchmark's PostgreSQL cluster has used: the postmaster, its live
    processes and those that ended (reaped by the postmaster)."""
    with open(os.path.join(os.environ["TEST_POSTGRES_DIR"], "postmaster.pid")) as fh:
        master = fh.readline().strip()
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid == master:
            total += sum(int(f) for f in fields[11:15])  # its own and its children's
        elif fields[1] == master:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


class OsLag(threading.Thread):
    """A thread that sleeps 10 ms at a time and records how late it wakes: what the
    machine's load alone costs a thread that has nothing else to wait for."""

    def __init__(self):
        super().__init__(daemon=True)
        self.max, self.over, self.running = 0.0, 0, True
        self.start()

    def run(self):
        while self.running:
            before = time.perf_counter()
            time.sleep(0.01)
            late = time.perf_counter() - before - 0.01
            self.max, self.over = max(self.max, late), self.over + (late > 0.1)

    def stop(self):
        self.running = False
        self.join()


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(url, rounds):
    from services.common.scripting import UnitOfWorkFactory
    from services.reporting import completion, models
    db = UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)
    with db() as uow:  # what the screen's count says
        expected = uow.session.execute(completion.export_rows(uow, ADMIN, PLAN, None, QUERY)[1]
                                       ).scalar()
    db.engine.dispose()
    work = tempfile.mkdtemp(prefix="bench-export-")
    bases, exps = [], []
    for n in range(1, rounds + 1):
        print(f"-- round {n} of {rounds}, filters {QUERY or 'none'} (load average {load()})",
              flush=True)
        base = _run_child("baseline", url, os.path.join(work, "baseline.xlsx"))
        bases.append(base)
        print(f"  openpyxl write-only alone: {base['rows']:,} rows × 16 columns, the export's "
              f"own rows held in memory beforehand ({base['loading']:.0f} s to load, "
              f"{base['rss_mb']:.0f} MB): {base['seconds']:.1f} s, {base['cpu']:.1f} s CPU, "
              f"{base['bytes'] / 1e6:.1f} MB file (load average {load()})", flush=True)
        pg, bare = postgres_cpu(), OsLag()
        exp = _run_child("export", url, os.path.join(work, "files"))
        bare.stop()
        time.sleep(0.5)  # the backends end and are counted
        exp["pg_cpu"] = postgres_cpu() - pg
        exps.append(exp)
        if exp["status"] != "done":
            print(f"  export {exp['status']}: {exp['error']}")
            sys.exit(1)
        print(f"  export job (query → workbook → file store, as the service runs it): "
              f"{exp['seconds']:.1f} s = {exp['seconds'] / base['seconds']:.2f}×, "
              f"{exp['cpu']:.1f} s CPU + PostgreSQL {exp['pg_cpu']:.1f} s CPU, "
              f"peak RSS {exp['rss_mb']:.0f} MB, {exp['rows']:,} rows, "
              f"{exp['bytes'] / 1e6:.1f} MB file; event loop: longest wait "
              f"{exp['loop_lag_max_ms']:.0f} ms, {exp['loop_lag_over_100ms']} waits over "
              f"100 ms (a bare thread of this process meanwhile: {bare.max * 1000:.0f} ms, "
              f"{bare.over} over 100 ms; load average {load()})", flush=True)
    sheets, total, first, ok = verify(exps[-1]["path"], exps[-1]["rows"])
    print(f"  file checked (its XML read back): {len(sheets)} sheet(s) "
          f"{', '.join(f'{t} {c:,}' for t, c in sheets)}; {total:,} data rows "
          f"({'= the job' if ok else '≠ the job: WRONG'}, "
          f"{'= the report' if total == expected else '≠ the report: WRONG'}), header = the "
          f"report's 16 columns; first row {list(first) if first else None}", flush=True)
    wall = sum(e["seconds"] for e in exps) / sum(b["seconds"] for b in bases)
    cpu = sum(e["cpu"] + e["pg_cpu"] for e in exps) / sum(b["cpu"] for b in bases)
    print(f"== export / openpyxl alone over {rounds} round(s): {wall:.2f}× the time (target ≤ "
          f"1.3), {cpu:.2f}× the CPU (export process + PostgreSQL); export peak RSS "
          f"{max(e['rss_mb'] for e in exps):.0f} MB (target ≤ 150 MB)", flush=True)
    return ok and total == expected


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "generate":
        generate(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000)
    elif step == "child":
        child(*sys.argv[2:])
    else:
        sys.exit(0 if measure(sys.argv[2], int(os.environ.get("BENCH_ROUNDS", "2"))) else 1)
