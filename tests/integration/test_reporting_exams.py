"""The admins' exam statistics (按人员统计考试, 考试情况统计) through the gateway, from
exam's events as reporting keeps them: learners of a bureau's unit pass, fail or never
sit an exam (and one of a sibling bureau passes); the bureau's admin sees each learner's
standing with the manual's columns and the exam's 应参考 / 通过 / 未通过 / 未参考."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from services.common.dependencies import Database
from tests.conftest import eventually
from tests.integration.conftest import grant_admin, make_platform
from tests.integration.test_exam_journey import (answer_for, complete_course, define_exam,
                                                 import_bank, key_of, my_exam)
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = pytest.mark.integration


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, clock, tmp_path):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off", clock=clock,
                             exam=True, reporting=True)
    database = next(d for d in platform["containers"]["exam"].extensions
                    if isinstance(d, Database))
    database.clock = clock
    client = platform["client"]
    operator = operator_headers(client, uow_factory)
    course = make_course(client, operator, tmp_path, "学习贯彻党的二十大精神", "6.0")
    plan = published_plan(client, operator, [
        {"course_id": course["course_id"], "kind": "required", "exam_required": True}],
        total_hours="6.0", required_hours="6.0")
    return {**platform, "operator": operator, "course": course, "plan": plan, "clock": clock}


def sit(world, learner, exam, right):
    client = world["client"]
    eventually(lambda: (my_exam(client, learner, exam["exam_id"]) or {}).get("status")
               == "available", timeout=20)
    paper = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner).json
    key = key_of(world, paper["token"])
    answers = {str(q["id"]): answer_for(q, key[str(q["id"])])
               for q in paper["questions"]} if right else {}
    assert client.post(f"/api/v1/me/attempts/{paper['token']}/submission", headers=learner,
                       json={"answers": answers}).status_code == 202


def test_exam_statistics_by_person_and_by_exam_for_the_admins_subtree(world):
    client, orgs = world["client"], world["orgs"]
    import_bank(world)
    exam = define_exam(world)  # two attempts allowed, pass line 60
    people, ids = {}, {}
    for name, org in (("passer", "open"), ("failer", "open"), ("absent", "open"),
                      ("elsewhere", "other")):
        learner, user_id = new_learner(client, orgs[org])
        ids[name] = user_id
        assert client.post(f"/api/v1/me/plans/{world['plan']['plan_id']}/activation",
                           headers=learner).status_code == 200
        complete_course(world, learner)
        people[name] = learner
    sit(world, people["passer"], exam, right=True)
    sit(world, people["failer"], exam, right=False)
    sit(world, people["elsewhere"], exam, right=True)

    bureau = bearer(login(client, *grant_admin(world["uow"], orgs["bureau"],
                                               modules=["statistics"], username="stats"),
                          role="admin").json)
    query = {"plan_id": world["plan"]["plan_id"]}
    expected = {"plan_name": world["plan"]["name"], "publisher": "平台",
                "exam_name": exam["name"], "exam_type": "自考", "should_take": 3, "passed": 1,
                "failed": 1, "not_taken": 1}

    def by_exam():
        answer = client.get("/api/v1/admin/reports/exams-by-exam", headers=bureau,
                            query_string=query)
        assert answer.status_code == 200, answer.json
        return answer.json if answer.json["rows"] == [expected] else None
    report = eventually(by_exam, timeout=20)
    assert report["columns"] == ["培训计划", "发布单位", "考试名称", "考试类型", "应参考人数",
                                 "通过人数", "未通过人数", "未参考人数"]

    by_person = client.get("/api/v1/admin/reports/exams-by-person", headers=bureau,
                           query_string=query).json
    assert by_person["total"] == 3 and by_person["columns"][6] == "考试状态"
    rows = sorted((r["status"], r["attempts_taken"], r["remaining_attempts"],
                   r["remaining_exempt_attempts"], r["pass_score"], r["best_score"],
                   r["last_attempt_at"] is not None) for r in by_person["items"])
    assert rows == [("已考", 1, 1, 0, 60, 0, True), ("已通过", 1, 1, 0, 60, 100, True),
                    ("未考", 0, 2, 0, 60, None, False)]
    assert {r["org_name"] for r in by_person["items"]} == {"直接通过医院"}
    assert all("*" in r["id_number_masked"] for r in by_person["items"])

    # One learner's exams (完成情况明细表's 查看), sorted on the server, and the date range
    # of the last attempt (Beijing dates): the one who never sat is outside any range.
    url = "/api/v1/admin/reports/exams-by-person"
    mine = client.get(url, headers=bureau, query_string={**query, "user_id": ids["passer"]}).json
    assert [(r["user_id"], r["status"]) for r in mine["items"]] == [(ids["passer"], "已通过")]
    best = client.get(url, headers=bureau, query_string={
        **query, "sort": "best_score", "order": "desc"}).json["items"]
    assert [r["best_score"] for r in best] == [100, 0, None]  # empty last either way
    worst = client.get(url, headers=bureau, query_string={
        **query, "sort": "best_score", "order": "asc"}).json["items"]
    assert [r["best_score"] for r in worst] == [0, 100, None]
    today = world["clock"].now().astimezone(ZoneInfo("Asia/Shanghai")).date()  # exam's time
    sat = client.get(url, headers=bureau, query_string={
        **query, "date_from": today.isoformat(), "date_to": today.isoformat()}).json
    assert sat["total"] == 2 and all(r["last_attempt_at"] for r in sat["items"])
    assert client.get(url, headers=bureau, query_string={
        **query, "date_from": (today + timedelta(days=1)).isoformat()}).json["total"] == 0
