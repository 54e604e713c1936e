"""批量导入: template, row checks, failure report, and files that must import nothing."""
import io
import json
import zipfile

import pytest
from nameko.testing.services import worker_factory
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from services.common.errors import InvalidInput, NotFound
from services.common.storage import FileStorage
from services.identity import models
from services.identity.domain import import_sheet
from services.identity.service import IdentityService
from tests.builders import citizen_id, envelope, org_payload

HOSPITAL, OTHER = 3, 9
ADMIN = {"user_id": 7, "role": "admin", "org_id": 1, "org_path": "/1/",
         "modules": ["batch_import", "learner_management"]}


@pytest.fixture
def identity(uow_factory, tmp_path):
    service = worker_factory(IdentityService, db=uow_factory("identity"),
                             captcha_required=False)
    service.storage = FileStorage(root=tmp_path / "files", secret="s")
    for payload in (org_payload(1, "人社局", "hr_bureau", path="/1/"),
                    org_payload(HOSPITAL, "中心医院", parent_id=1, path="/1/3/"),
                    org_payload(OTHER, "外市单位", path="/9/")):
        service.on_org_registered(envelope("orgtree", "org_registered", payload))
    return service


def row(name="张三", number=None, **overrides):
    number = number or citizen_id(male=False)
    values = dict(zip(import_sheet.HEADERS, ["", name, "居民身份证", number, "1990-01-01", "女",
                                             "13800000000", "汉族", "已取得", "中级", "工程师",
                                             "2018-06-01", "大学本科", "群众", ""],
                      strict=True))
    values.update(overrides)
    return [values[h] for h in import_sheet.HEADERS]


def xlsx(rows, headers=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or import_sheet.HEADERS)
    for r in rows:
        sheet.append(r)
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def run_import(identity, data, org_id=HOSPITAL):
    identity.storage.put("uploads/test.xlsx", data)
    started = identity.start_import(ADMIN, org_id, "uploads/test.xlsx", "学员.xlsx")
    with identity.db() as uow:
        bodies = uow.session.execute(select(models.outbox.c.envelope).where(
            models.outbox.c.event_type == "learner_import_requested")).scalars().all()
    identity.on_learner_import_requested(json.loads(bodies[-1]))
    return identity.import_status(ADMIN, started["import_id"])


def people_count(identity):
    with identity.db() as uow:
        return uow.session.execute(select(func.count()).select_from(models.people)).scalar()


def test_template_has_headers_example_and_choice_lists(identity):
    link = identity.import_template(ADMIN)
    key = link["download_url"].split("/api/v1/files/")[1].split("?")[0]
    with identity.storage.open(key) as fh:
        workbook = load_workbook(io.BytesIO(fh.read()))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == import_sheet.HEADERS
    assert sheet["B2"].value == "张三"
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("居民身份证" in f for f in lists) and any("汉族" in f for f in lists)


def test_good_rows_are_created_and_bad_rows_reported_with_reasons(identity):
    duplicate = citizen_id(male=False)
    rows = [row("李一"), row("李二", duplicate), row("李三", duplicate),
            row("李四", **{"手机号": "123"}), row("李五", **{"证件类型": "驾驶证"}),
            row("李六", **{"出生日期": "1991-01-01"}), row("", citizen_id(male=False))]
    status = run_import(identity, xlsx(rows))
    assert status["status"] == "done"
    assert (status["total_rows"], status["imported"], status["failed"]) == (7, 2, 5)
    key = status["failure_report"]["download_url"].split("/api/v1/files/")[1].split("?")[0]
    with identity.storage.open(key) as fh:
        report = list(load_workbook(io.BytesIO(fh.read())).active.values)
    assert report[0][0] == "行号" and report[0][-1] == "失败原因"
    reasons = {r[0]: r[-1] for r in report[1:]}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "重复" in reasons[4] and "mobile" in reasons[5] and "驾驶证" in reasons[6]
    assert "birth_date" in reasons[7] and "姓名为必填项" in reasons[8]
    with identity.db() as uow:
        account = uow.session.execute(select(models.accounts).where(
            models.accounts.c.username.like("u%"))).mappings().first()
        events = uow.session.execute(select(func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "user_registered")).scalar()
    assert account["must_change_password"] is True and events == 2


def test_imported_people_log_in_with_the_initial_password_then_must_change(identity):
    number = citizen_id(male=False)
    run_import(identity, xlsx([row("王初", number, **{"用户名": "wangchu"})]))
    with identity.db() as uow:
        user_id = uow.session.execute(select(models.accounts.c.id).where(
            models.accounts.c.username == "wangchu")).scalar()
    identity.on_member_approved(envelope("orgtree", "member_approved", {
        "membership_id": 1, "user_id": user_id, "org_id": HOSPITAL, "approved_by": 7}))
    tokens = identity.login({"username": "wangchu", "password": number[-6:]}, {})
    assert tokens["must_change_password"] is True


def test_a_second_import_reports_people_already_registered(identity):
    number = citizen_id(male=False)
    run_import(identity, xlsx([row("甲", number)]))
    status = run_import(identity, xlsx([row("甲", number)]))
    assert (status["imported"], status["failed"]) == (0, 1)


def zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("make,code", [
    (lambda: b"name,id\n", "file_not_xlsx"),
    (lambda: b"PK\x03\x04 truncated", "file_not_xlsx"),
    (zip_bomb, "file_suspicious"),
])
def test_files_that_are_not_what_they_claim_are_refused_at_once(identity, make, code):
    identity.storage.put("uploads/bad.xlsx", make())
    with pytest.raises(InvalidInput) as err:
        identity.start_import(ADMIN, HOSPITAL, "uploads/bad.xlsx", "bad.xlsx")
    assert err.value.code == code and "file" in err.value.fields
    assert people_count(identity) == 0


@pytest.mark.parametrize("data,message", [
    (lambda: xlsx([row("公式"), row("=HYPERLINK(\"http://x\",\"点我\")")]), "公式"),
    (lambda: xlsx([row()], headers=["姓名", "身份证"]), "表头"),
])
def test_hostile_or_foreign_sheets_import_nothing(identity, data, message):
    status = run_import(identity, data())
    assert status["status"] == "failed" and message in status["error"]
    assert people_count(identity) == 0


def test_too_many_rows_imports_nothing(identity, monkeypatch):
    monkeypatch.setattr(import_sheet, "MAX_ROWS", 3)
    status = run_import(identity, xlsx([row(f"人{i}") for i in range(4)]))
    assert status["status"] == "failed" and "最多导入3行" in status["error"]
    assert people_count(identity) == 0


def test_import_needs_the_module_and_an_org_of_the_jurisdiction(identity):
    identity.storage.put("uploads/x.xlsx", xlsx([row()]))
    with pytest.raises(NotFound):
        identity.start_import(ADMIN, OTHER, "uploads/x.xlsx")
    with pytest.raises(InvalidInput):
        identity.start_import(ADMIN, HOSPITAL, "../../etc/passwd")
    from services.common.errors import Forbidden
    with pytest.raises(Forbidden):
        identity.start_import(ADMIN | {"modules": ["learner_management"]}, HOSPITAL,
                              "uploads/x.xlsx")


class Crash(BaseException):
    """The process dying: not an error the job could handle."""


def test_an_import_killed_mid_way_is_finished_by_the_sweep_creating_nobody_twice(
        identity, clock, monkeypatch):
    from services.identity import learner_import
    monkeypatch.setattr(learner_import, "BATCH", 2)
    real_create = learner_import.create_batch
    batches = []

    def dies_in_the_third_batch(uow, batch, added_by):
        batches.append(len(batch))
        created = real_create(uow, batch, added_by)
        if len(batches) == 3:
            raise Crash()  # after the batch's writes, before its commit
        return created
    taken = citizen_id(male=False)
    run_import(identity, xlsx([row("先来", taken)]))
    monkeypatch.setattr(learner_import, "create_batch", dies_in_the_third_batch)
    rows = [row(f"学员{c}") for c in "甲乙丙丁戊己庚"] + [row("已注册", taken), row("", citizen_id())]
    with pytest.raises(Crash):
        run_import(identity, xlsx(rows))
    status = identity.import_status(ADMIN, 2)
    assert status["status"] == "running" and status["progress"] == {"done": 5, "total": 9}
    assert people_count(identity) == 1 + 4

    monkeypatch.setattr(learner_import, "create_batch", real_create)
    identity.run_due_jobs()  # the lease has not run out: nothing to take over yet
    assert identity.import_status(ADMIN, 2)["status"] == "running"
    clock.advance(minutes=5)
    identity.run_due_jobs()
    status = identity.import_status(ADMIN, 2)
    assert status["status"] == "done" and status["progress"] == {"done": 9, "total": 9}
    assert (status["total_rows"], status["imported"], status["failed"]) == (9, 7, 2)
    assert people_count(identity) == 1 + 7
    key = status["failure_report"]["download_url"].split("/api/v1/files/")[1].split("?")[0]
    with identity.storage.open(key) as fh:
        report = list(load_workbook(io.BytesIO(fh.read())).active.values)
    assert {r[0]: r[-1] for r in report[1:]} == {9: "用户名已被注册", 10: "姓名为必填项"}
    with identity.db() as uow:
        events = uow.session.execute(select(func.count()).select_from(models.outbox).where(
            models.outbox.c.event_type == "user_registered")).scalar()
    assert events == 1 + 7
