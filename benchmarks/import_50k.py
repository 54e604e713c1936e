"""Batch import of 50,000 learners, the service-side work measured end to end: read and
check the .xlsx, create the people in batches of 1,000 (one transaction each, outbox
events included), write the failure report. SQLite by default; IDENTITY_DATABASE_URL for
PostgreSQL.   python benchmarks/import_50k.py [rows]"""
import io
import sys
import tempfile
import time

from openpyxl import Workbook
from stdnum.cn import ric

from services.common.clock import Clock
from services.common.migrations import upgrade
from services.common.scripting import UnitOfWorkFactory
from services.common.settings import env
from services.identity import learner_import, models
from services.identity.domain import import_sheet


def sheet_bytes(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(import_sheet.HEADERS)
    for i in range(rows):
        born = f"19{60 + i % 40:02d}{1 + i % 12:02d}{1 + i // 480 % 28:02d}"
        body = f"120101{born}{(i // 40) % 500 * 2 + 1:03d}"
        number = body + ric.calc_check_digit(body + "0")
        mobile = "123" if i % 1000 == 0 else f"13{i:09d}"
        sheet.append([f"bench{i}", "导入测试", "居民身份证", number,
                      f"{born[:4]}-{born[4:6]}-{born[6:]}", "男", mobile, "汉族", "已取得",
                      "中级", "工程师", "2015-06-01", "大学本科", "群众", None])
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def main(rows=50_000):
    url = env("IDENTITY_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/identity.db"
    upgrade("identity", url)
    factory = UnitOfWorkFactory("identity", models.outbox, models.inbox, url=url, clock=Clock())
    with factory() as uow:
        uow.session.execute(models.orgs.insert().values(
            id=1, parent_id=None, path="/1/", name="基准单位", type="employer",
            status="approved", review_members=False))
        uow.commit()
    data = sheet_bytes(rows)
    print(f"import benchmark: {rows} rows, {len(data) / 1e6:.1f} MB xlsx, database "
          f"{url.split(':')[0]}, batches of {learner_import.BATCH}, no KDF (initial password)")
    t0 = time.perf_counter()
    parsed = learner_import.read_rows(data)
    t1 = time.perf_counter()
    good, failed = learner_import.check_rows(parsed, 1)
    t2 = time.perf_counter()
    imported = 0
    for start in range(0, len(good), learner_import.BATCH):
        with factory() as uow:
            created, clashes = learner_import.create_batch(
                uow, good[start:start + learner_import.BATCH], added_by=1)
            uow.commit()
        imported += created
        failed.extend(clashes)
    t3 = time.perf_counter()
    report = learner_import.failure_report(failed)
    t4 = time.perf_counter()
    print(f"  read {t1 - t0:.1f} s, check {t2 - t1:.1f} s, create {t3 - t2:.1f} s, "
          f"report {t4 - t3:.2f} s ({len(report)} bytes)")
    print(f"  total {t4 - t0:.1f} s for {rows} rows: {imported} imported, {len(failed)} failed "
          f"(target: 50,000 rows in under 60 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
