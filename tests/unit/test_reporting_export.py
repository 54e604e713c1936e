"""导出 Excel of 完成情况明细表 without a broker: the job streams every row of the report
exactly once, in the screen's order, into sheets split at the row limit (10 here, Excel's
1,048,575 in production), each with its header; the figures, times and employers are the
report's own (the RPC's pages, concatenated); text that would start a formula is quoted.
On SQLite always, and on PostgreSQL (a server-side cursor) when TEST_POSTGRES_URL is set."""
import io
import os
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from services.common.clock import FrozenClock
from services.common.db import make_engine
from services.common.jobs import JobQueue
from services.common.migrations import upgrade
from services.common.scripting import UnitOfWorkFactory
from services.common.storage import FileStorage
from services.reporting import completion, exports, models

ADMIN = {"role": "admin", "user_id": 9, "org_path": "/1/", "modules": ["statistics"]}
T0 = datetime(2026, 3, 1, 0, 5, tzinfo=timezone.utc)  # 2026-03-01 08:05 in Beijing


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reporting.db'}"
    else:
        base = os.environ.get("TEST_POSTGRES_URL")
        if not base:
            pytest.skip("TEST_POSTGRES_URL is not set (make test starts a cluster)")
        name = f"test_reporting_export_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        request.addfinalizer(lambda: _drop(admin, name))
        url = base.rsplit("/", 1)[0] + "/" + name
    upgrade("reporting", url)
    factory = UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url,
                                clock=FrozenClock())
    request.addfinalizer(factory.engine.dispose)
    _fill(factory)
    return factory


def _drop(admin, name):
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _fill(db):
    """23 learners in the plan over an employer, its department and another employer (ids
    not in username order), one of them gone, one who holds no course, one elsewhere."""
    orgs = [(1, None, "/1/", "市人社局", "hr_bureau"), (2, 1, "/1/2/", "第一医院", "employer"),
            (3, 2, "/1/2/3/", "=内科", "internal_dept"), (4, 1, "/1/4/", "-实验学校", "employer")]
    people, enrolments, courses = [], [], []
    for i in range(1, 27):
        user_id = 100 - i
        username = "=SUM(A1)" if i == 5 else f"u{i:02d}"
        people.append({"user_id": user_id, "username": username, "real_name": f"学员{i}",
                       "id_number_masked": "1201**********0000", "mobile_masked": "138****0000",
                       "education": "大学本科", "org_id": (2, 3, 4)[i % 3],
                       "member": "gone" if i == 24 else "active", "registered_at": T0})
        plan = 8 if i == 26 else 7
        enrolments.append({"user_id": user_id, "plan_id": plan, "activated_at": T0,
                           "first_selected_at": None if i == 25 else T0,
                           "started_at": T0 + timedelta(minutes=i),
                           "passed_at": T0 + timedelta(days=i) if i % 4 == 0 else None})
        courses += [{"user_id": user_id, "plan_id": plan, "course_id": 1, "kind": "required",
                     "hours": Decimal("2.0"), "selected": i != 25,
                     "completed_at": T0 + timedelta(days=1) if i % 2 else None},
                    {"user_id": user_id, "plan_id": plan, "course_id": 2, "kind": "elective",
                     "hours": Decimal("1.5"), "selected": i not in (3, 25),
                     "completed_at": None}]
    with db() as uow:
        uow.session.execute(sa.insert(models.orgs), [
            dict(zip(("org_id", "parent_id", "path", "name", "type"), o, strict=True),
                 status="active", version=1) for o in orgs])
        uow.session.execute(sa.insert(models.plans), [
            {"plan_id": p, "name": f"计划{p}", "year": 2026, "kind": "public",
             "status": "published", "version": 1} for p in (7, 8)])
        uow.session.execute(sa.insert(models.people), people)
        uow.session.execute(sa.insert(models.enrolments), enrolments)
        uow.session.execute(sa.insert(models.enrolment_courses), courses)
        uow.commit()


def _export(db, tmp_path, monkeypatch, **filters):
    monkeypatch.setattr(exports, "CHUNK", 7)  # chunks that do not line up with the sheets
    storage = FileStorage(root=tmp_path / "files")
    with db() as uow:
        job_id = exports.queue(uow, ADMIN, {"report": "completion", "plan_id": 7,
                                            **filters})["job_id"]
    JobQueue(models.jobs).run(db, [exports.job_kind(storage, lambda f, *a: f(*a),
                                                    sheet_rows=10)], job_id=job_id)
    with db() as uow:
        job = uow.session.execute(sa.select(models.jobs).where(models.jobs.c.id == job_id)
                                  ).mappings().one()
    assert job["status"] == "done", job["error"]
    with storage.open(job["result_key"]) as fh:
        book = load_workbook(io.BytesIO(fh.read()), read_only=True)
    return job, book


def _screen(db, **filters):
    """Every item of the report as the screen pages through it (OFFSET pages of 4)."""
    items, page = [], 1
    while True:
        with db() as uow:
            answer = completion.report(uow, ADMIN, 7, None, {**filters, "page": page,
                                                              "page_size": 4})
        if not answer["items"]:
            return items
        items += answer["items"]
        page += 1


def _quote(value):
    return "'" + value if value and value[0] in "=+-@" else value


def _as_cells(item):
    quote = _quote
    return [quote(item["username"]), item["real_name"], item["id_number_masked"],
            quote(item["org_name"]), item["mobile_masked"], item["education"],
            quote(item["employer"]),
            *(float(item[k]) for k in ("required_hours", "elective_hours", "required_completed",
                                       "elective_completed", "total_completed",
                                       "total_selected")),
            item["completed"], item["started_at"], item["ended_at"]]


def test_every_row_once_in_order_split_into_sheets_at_the_limit(db, tmp_path, monkeypatch):
    job, book = _export(db, tmp_path, monkeypatch)
    sheets = [list(s.iter_rows(values_only=True)) for s in book.worksheets]
    assert [s.title for s in book.worksheets] == [
        "培训计划学员完成情况明细表", "培训计划学员完成情况明细表（2）", "培训计划学员完成情况明细表（3）"]
    assert [len(rows) - 1 for rows in sheets] == [10, 10, 3]
    assert all(list(rows[0]) == list(completion.COLUMNS) for rows in sheets)
    width = len(completion.COLUMNS)  # read-only rows end at their last value
    rows = [list(r) + [None] * (width - len(r)) for s in sheets for r in s[1:]]
    assert job["result"]["rows"] == len(rows) == 23
    assert (job["progress_done"], job["progress_total"]) == (23, 23)

    # The order is the screen's (unit path, then username): every learner once.
    screen = _screen(db)
    assert rows == [_as_cells(i) for i in screen]
    names = [r[0] for r in rows]
    assert len(set(names)) == 23 and "'=SUM(A1)" in names
    assert [r[3] for r in rows[:3]] == ["第一医院"] * 3 and rows[-1][3] == "'-实验学校"
    assert {r[3]: r[6] for r in rows} == {"第一医院": "第一医院", "'=内科": "第一医院",
                                          "'-实验学校": "'-实验学校"}
    first = next(r for r in rows if r[0] == "u01")
    assert first[7:16] == [2.0, 1.5, 2.0, 0.0, 2.0, 3.5, "未完成", "2026-03-01 08:06",
                           "2026-03-02 08:05"]
    third = next(r for r in rows if r[0] == "u03")  # its elective withdrawn
    assert third[8] == 0.0 and third[12] == 2.0
    fourth = next(r for r in rows if r[0] == "u04")
    assert fourth[13:16] == ["已完成", "2026-03-01 08:09", "2026-03-05 08:05"]


def test_the_export_keeps_the_screens_sort_and_date_range(db, tmp_path, monkeypatch):
    _, book = _export(db, tmp_path, monkeypatch, sort="username", order="desc")
    rows = [r for s in book.worksheets for r in list(s.iter_rows(values_only=True))[1:]]
    assert [r[0] for r in rows] == [_as_cells(i)[0] for i in
                                    _screen(db, sort="username", order="desc")]
    assert rows[0][0] == "u23" and rows[-1][0] == "'=SUM(A1)"
    job, book = _export(db, tmp_path, monkeypatch, date_to="2026-02-28")
    assert job["result"]["rows"] == 0
    assert [list(r) for r in book.worksheets[0].iter_rows(values_only=True)] == [
        list(completion.COLUMNS)]
