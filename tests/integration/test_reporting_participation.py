"""培训计划学员参训情况统计表 through the gateway, from read models fed only by the other
services' events on the real broker: learners register in a bureau's units (one still
under review), activate a plan, watch; an admin of the bureau with 查询统计 sees a row per
unit and the 合计 with the manual's rates; the statistics date counts only what happened
by then; an admin of a sibling bureau, or one without the module, sees nothing; the whole
history delivered again changes no figure."""
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from kombu import Connection, Producer

from services.common.relay import event_exchange
from services.learning.models import outbox as learning_outbox
from services.reporting.models import checkpoints, people
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, make_platform, operator_account
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import (Player, make_course, new_learner, operator_headers,
                                    published_plan)

pytestmark = pytest.mark.integration
REPORT = "/api/v1/admin/reports/participation"


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, clock, tmp_path):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off", clock=clock,
                             reporting=True)
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    course = make_course(client, operator, tmp_path, "必修课", "1.0")
    plan = published_plan(client, operator, [{"course_id": course["course_id"],
                                              "kind": "required"}],
                          total_hours="1.0", required_hours="1.0")
    return {**platform, "operator": operator, "course": course, "plan": plan, "clock": clock}


def admin(world, org, modules=("statistics",), username=None):
    credentials = grant_admin(world["uow"], world["orgs"][org], modules=modules,
                              username=username or f"stat_{org}")
    return bearer(login(world["client"], *credentials, role="admin").json)


def test_an_admin_sees_participation_by_unit_with_the_total(world, amqp_uri, monkeypatch):
    client, orgs, plan = world["client"], world["orgs"], world["plan"]
    plan_id = plan["plan_id"]
    watcher, _ = new_learner(client, orgs["open"])
    activated, _ = new_learner(client, orgs["open"])
    _, idle = new_learner(client, orgs["open"])            # registered, nothing more
    other, _ = new_learner(client, orgs["other"])          # another bureau's
    for learner in (watcher, activated, other):
        assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                           headers=learner).status_code == 200
    player = Player(client, watcher, world["clock"], world["course"]["chapters"][0]["chapter_id"])
    player.beat("play", 0)
    player.beat("tick", 5, after=5)
    player.wait_until(lambda s: s["covered_ms"] > 0)

    bureau = admin(world, "bureau")
    query = {"plan_id": plan_id}

    def figures():
        answer = client.get(REPORT, headers=bureau, query_string=query)
        assert answer.status_code == 200, answer.json
        return answer.json
    expected_total = {"registered": 3, "selected": 2, "participating": 1, "completed": 0,
                      "not_completed": 1, "participation_rate": "33.33%",
                      "completion_rate": "0.00%"}

    def settled():
        report = figures()
        return report if {k: report["total"][k] for k in expected_total} == expected_total \
            else None
    report = eventually(settled, timeout=20)
    assert report["org"]["name"] == "测试人社局" and report["plan"]["plan_id"] == plan_id
    by_unit = {r["org_name"]: r for r in report["rows"]}
    assert set(by_unit) == {"测试人社局（本级）", "直接通过医院", "需要审核集团"}
    assert (by_unit["直接通过医院"]["registered"], by_unit["直接通过医院"]["selected"],
            by_unit["直接通过医院"]["participating"]) == (3, 2, 1)
    assert by_unit["需要审核集团"]["registered"] == 0
    assert report["total"]["org_name"] == "合计"
    monkeypatch.setenv("GATEWAY_SERVICES", "identity,orgtree,learning,reporting")
    lag = client.get("/readyz?verbose").json["reporting_lag"]  # the lag figure for ops
    assert lag["learning"]["applied"] > 0 and lag["learning"]["lag_seconds"] >= 0
    assert report["total"]["statistics_date"] == report["statistics_date"]

    # One unit inside the jurisdiction; an earlier statistics date counts nothing yet.
    unit = client.get(REPORT, headers=bureau, query_string={**query, "org_id": orgs["open"]}
                      ).json
    assert [r["org_name"] for r in unit["rows"]] == ["直接通过医院"]
    assert unit["total"]["registered"] == 3
    before = (date.fromisoformat(report["statistics_date"]) - timedelta(days=1)).isoformat()
    earlier = client.get(REPORT, headers=bureau, query_string={**query, "date": before}).json
    assert earlier["total"]["registered"] == 0 and earlier["total"]["participation_rate"] \
        == "0.00%"

    # 完成情况明细表: the two who selected courses, with their hours.
    detail = client.get("/api/v1/admin/reports/completion", headers=bureau,
                        query_string=query).json
    assert detail["total"] == 2 and detail["columns"][7] == "学习必修学时"
    assert sorted((r["required_hours"], r["elective_hours"], r["required_completed"],
                   r["total_completed"], r["total_selected"], r["completed"],
                   r["started_at"] is not None) for r in detail["items"]) == [
        ("1.0", "0.0", "0.0", "0.00", "1.0", "未完成", False),
        ("1.0", "0.0", "0.0", "0.00", "1.0", "未完成", True)]
    assert all(r["employer"] == "直接通过医院" and "*" in r["mobile_masked"]
               for r in detail["items"])

    # 未激活人员明细表: the one who never activated, with the unit and the employer.
    inactive = client.get("/api/v1/admin/reports/inactive", headers=bureau,
                          query_string=query).json
    assert inactive["total"] == 1 and inactive["columns"][0] == "用户名"
    [row] = inactive["items"]
    assert (row["org_name"], row["employer"], row["plan_name"]) == (
        "直接通过医院", "直接通过医院", plan["name"])
    assert "*" in row["id_number_masked"]
    with world["uow"]("reporting")() as uow:
        assert uow.session.execute(sa.select(people.c.username).where(
            people.c.user_id == idle)).scalar() == row["username"]

    # The report screens' plan picker and default org node: reporting's own copies.
    listed = client.get("/api/v1/admin/reports/plans", headers=bureau)
    assert listed.status_code == 200, listed.json
    assert [(p["plan_id"], p["name"], p["year"], p["status_label"])
            for p in listed.json["items"]] == [(plan_id, plan["name"], plan["year"], "进行中")]
    assert listed.json["jurisdiction"] == {
        "org_id": orgs["bureau"], "name": "测试人社局", "type": "hr_bureau",
        "path_names": ["测试人社局"], "has_children": True}

    # Date ranges, Beijing dates with both ends included: everyone here registered and
    # began today; a range that ends yesterday holds nobody; a reversed one is refused
    # at the gateway, naming the field.
    today = date.fromisoformat(report["statistics_date"])
    days = {"today": {"date_from": today.isoformat(), "date_to": today.isoformat()},
            "before": {"date_to": (today - timedelta(days=1)).isoformat()}}
    for path, count in (("completion", 2), ("inactive", 1)):
        url = f"/api/v1/admin/reports/{path}"
        assert client.get(url, headers=bureau, query_string={**query, **days["today"]}
                          ).json["total"] == count
        assert client.get(url, headers=bureau, query_string={**query, **days["before"]}
                          ).json["total"] == 0
        reversed_range = client.get(url, headers=bureau, query_string={
            **query, "date_from": today.isoformat(),
            "date_to": (today - timedelta(days=1)).isoformat()})
        assert (reversed_range.status_code, reversed_range.json["code"]) == (
            422, "validation_failed")
        assert reversed_range.json["errors"] == {"date_from": ["开始日期不能晚于结束日期"]}
    # Sorted on the server, on the listed columns only.
    for order in ("asc", "desc"):
        names = [r["username"] for r in client.get(
            "/api/v1/admin/reports/completion", headers=bureau,
            query_string={**query, "sort": "username", "order": order}).json["items"]]
        assert names == sorted(names, reverse=order == "desc")
    unsorted = client.get("/api/v1/admin/reports/inactive", headers=bureau,
                          query_string={**query, "sort": "id_number"})
    assert (unsorted.status_code, unsorted.json["code"]) == (422, "validation_failed")

    # Jurisdiction and the module.
    sibling = admin(world, "other_bureau")
    refused = client.get(REPORT, headers=sibling,
                         query_string={**query, "org_id": orgs["bureau"]})
    assert (refused.status_code, refused.json["code"]) == (403, "org_out_of_jurisdiction")
    own = client.get(REPORT, headers=sibling, query_string=query).json
    assert own["total"]["registered"] == 1 and own["total"]["selected"] == 1
    assert client.get("/api/v1/admin/reports/inactive", headers=sibling,
                      query_string=query).json["total"] == 0
    clerk = admin(world, "bureau", modules=("learner_management",), username="clerk")
    denied = client.get(REPORT, headers=clerk, query_string=query)
    assert (denied.status_code, denied.json["code"]) == (403, "module_required")
    operator_account(world["uow"], username="op2")
    operator = bearer(login(client, "op2", "Operator@2026", role="operator").json)
    needs_org = client.get(REPORT, headers=operator, query_string=query)
    assert (needs_org.status_code, needs_org.json["code"]) == (422, "org_required")

    # Every learning event delivered again: nothing changes, nothing is counted twice.
    with world["uow"]("reporting")() as uow:
        applied = uow.session.execute(sa.select(checkpoints.c.applied).where(
            checkpoints.c.producer == "learning")).scalar()
    with world["uow"]("learning")() as uow:
        envelopes = [json.loads(e) for e in uow.session.execute(
            sa.select(learning_outbox.c.envelope).order_by(learning_outbox.c.id.desc()))
            .scalars()]
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=event_exchange("learning"))
        for envelope in envelopes:  # newest first: out of order too
            producer.publish(envelope, routing_key=envelope["type"], serializer="json")
    # One queue, in order: once a later person is in, the replay has been through.
    _, marker = new_learner(client, orgs["other"])

    def caught_up():
        with world["uow"]("reporting")() as uow:
            return uow.session.execute(sa.select(people.c.user_id).where(
                people.c.user_id == marker, people.c.member == "active")).first() is not None
    eventually(caught_up, timeout=20)
    assert figures()["total"] == report["total"]
    with world["uow"]("reporting")() as uow:
        assert uow.session.execute(sa.select(checkpoints.c.applied).where(
            checkpoints.c.producer == "learning")).scalar() == applied


def test_a_rebuild_from_history_equals_the_live_read_models(world, amqp_uri, tmp_path):
    """Replayed from the producers' outboxes into a fresh database, the read models are
    the ones the live feed built."""
    from nameko.standalone.rpc import ClusterRpcProxy

    from services.common.migrations import upgrade
    from services.common.scripting import UnitOfWorkFactory
    from services.reporting import models
    from services.reporting.rebuild import rebuild
    client, orgs, plan_id = world["client"], world["orgs"], world["plan"]["plan_id"]
    for org in ("open", "other"):
        learner, _ = new_learner(client, orgs[org])
        assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                           headers=learner).status_code == 200
    live = world["uow"]("reporting")
    tables = (models.orgs, models.people, models.plans, models.enrolments,
              models.enrolment_courses)

    def rows(db):
        with db() as uow:
            return {t.name: sorted(tuple(str(v) for v in r) for r in
                                   uow.session.execute(sa.select(t)).all()) for t in tables}
    eventually(lambda: len(rows(live)["enrolments"]) == 2, timeout=20)
    url = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    upgrade("reporting", url)
    fresh = UnitOfWorkFactory("reporting", models.outbox, models.inbox, url=url)
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as rpc:
        applied = rebuild(fresh, rpc, producers=("orgtree", "identity", "learning"), page=7)
    assert applied["orgtree"] > 0 and applied["learning"] > 0
    eventually(lambda: rows(fresh) == rows(live), timeout=10)  # live may still be catching up


def test_an_export_is_a_job_listed_in_the_staging_area_with_a_real_xlsx(world):
    import io

    from openpyxl import load_workbook

    from services.common import jobs as job_queue
    from services.reporting.models import jobs
    client, orgs, plan_id = world["client"], world["orgs"], world["plan"]["plan_id"]
    learner, _ = new_learner(client, orgs["open"])
    assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                       headers=learner).status_code == 200
    bureau = admin(world, "bureau")
    eventually(lambda: client.get(REPORT, headers=bureau, query_string={"plan_id": plan_id})
               .json["total"]["selected"] == 1, timeout=20)

    started = client.post("/api/v1/admin/reports/exports", headers=bureau,
                          json={"report": "participation", "plan_id": plan_id})
    assert started.status_code == 202, started.json
    assert started.json["status"] in ("queued", "running", "done")

    def done():
        items = client.get("/api/v1/admin/reports/exports", headers=bureau).json["items"]
        return items[0] if items and items[0]["status"] == "done" else None
    export = eventually(done, timeout=20)
    assert export["report_name"] == "培训计划学员参训情况统计表" and export["rows"] == 4
    assert export["bytes"] > 0 and export["download_url"]
    book = load_workbook(io.BytesIO(client.get(export["download_url"]).data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["组织机构", "统计日期", "注册人数", "选课人数", "参训人数",
                                          "完成人数", "未完成人数", "参训率", "完成率"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    total = [c for c in sheet[5]]
    assert total[0].value == "合计" and total[2].value == 1 and total[3].value == 1
    assert total[7].number_format == "0.00%" and float(total[7].value) == 0.0

    # A paged report goes out page by page: 完成情况明细表's one learner.
    detail = client.post("/api/v1/admin/reports/exports", headers=bureau,
                         json={"report": "completion", "plan_id": plan_id})
    assert detail.status_code == 202, detail.json
    rows = eventually(lambda: (lambda e: e if e["status"] == "done" else None)(
        client.get("/api/v1/admin/reports/exports", headers=bureau).json["items"][0]),
        timeout=20)
    assert rows["rows"] == 1
    sheet = load_workbook(io.BytesIO(client.get(rows["download_url"]).data)).active
    assert len(sheet[1]) == 16 and sheet["H1"].value == "学习必修学时"
    assert sheet["H2"].value == 1.0 and sheet["N2"].value == "未完成"

    # The screen's filters go with the export: a date range before anyone began is empty.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    filtered = client.post("/api/v1/admin/reports/exports", headers=bureau, json={
        "report": "completion", "plan_id": plan_id, "date_to": yesterday,
        "sort": "username", "order": "desc"})
    assert filtered.status_code == 202, filtered.json
    empty = eventually(lambda: (lambda e: e if e["status"] == "done" else None)(
        client.get("/api/v1/admin/reports/exports", headers=bureau).json["items"][0]),
        timeout=20)
    assert empty["job_id"] == filtered.json["job_id"] and empty["rows"] == 0
    refused_range = client.post("/api/v1/admin/reports/exports", headers=bureau, json={
        "report": "inactive", "plan_id": plan_id, "date_from": "2026-02-02",
        "date_to": "2026-02-01"})
    assert (refused_range.status_code, refused_range.json["code"]) == (422, "validation_failed")

    # The same export again while one is under way is refused, with where to look.
    with world["uow"]("reporting")() as uow:
        actor_id, params = uow.session.execute(sa.select(jobs.c.requested_by, jobs.c.params)
                                               .order_by(jobs.c.id)).first()
        job_queue.enqueue(uow, jobs, "report_export", requested_by=actor_id, params=params)
        uow.session.execute(sa.update(jobs).where(jobs.c.status == "queued")
                            .values(status="running"))
        uow.commit()
    again = client.post("/api/v1/admin/reports/exports", headers=bureau,
                        json={"report": "participation", "plan_id": plan_id})
    assert (again.status_code, again.json["code"]) == (409, "export_running")
    sibling = admin(world, "other_bureau")
    refused = client.post("/api/v1/admin/reports/exports", headers=sibling,
                          json={"report": "participation", "plan_id": plan_id,
                                "org_id": orgs["bureau"]})
    assert (refused.status_code, refused.json["code"]) == (403, "org_out_of_jurisdiction")
    assert client.get("/api/v1/admin/reports/exports", headers=sibling).json["items"] == []
