"""Done-when of the exam issue, through the gateway and the real broker: an operator
imports a question bank from the template (bad rows reported per row) and defines and
publishes an exam; a learner who has not completed the course cannot start it, and after
course_completed (watched for real, through learning) can; the paper never carries the
key; a second start continues the same attempt; bad answers are refused; an attempt
left alone is closed at its server deadline and graded from its autosaved answers; a
pass publishes exam_passed and learning counts it; attempts beyond the limit are
refused."""
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from services.common.dependencies import Database
from services.exam.models import attempts, outbox
from tests.conftest import eventually
from tests.integration.conftest import make_platform
from tests.learning_helpers import (Player, make_course, new_learner, operator_headers,
                                    published_plan)

pytestmark = pytest.mark.integration

HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "难度",
           "知识点", "解析"]


def bank_rows():
    rows = [["单选题", f"单选题{i}：下列哪项正确？", "甲", "乙", "丙", "丁", "", "", "ABCD"[i % 4],
             "易", "政策", ""] for i in range(6)]
    rows += [["多选题", f"多选题{i}：下列哪些正确？", "甲", "乙", "丙", "丁", "", "", "AC", "中",
              "政策,法规", ""] for i in range(3)]
    rows += [["判断题", f"判断题{i}：说法正确吗？", "", "", "", "", "", "", "对" if i % 2 else "错",
              "易", "", ""] for i in range(3)]
    rows += [["填空题", "继续教育每年应修满（　）学时。", "", "", "", "", "", "", "32|三十二", "中",
              "", ""]]
    rows += [["单选题", "没有答案的题", "甲", "乙", "", "", "", "", "", "易", "", ""],  # bad
             ["问答题", "不支持的题型", "", "", "", "", "", "", "对", "易", "", ""]]    # bad
    return rows


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.fixture
def world(start_services, uow_factory, amqp_uri, clock, tmp_path):
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="off", clock=clock,
                             exam=True)
    # exam keeps time by the test's clock: deadlines pass when the test says so.
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


def import_bank(world):
    client, operator, course_id = world["client"], world["operator"], world["course"]["course_id"]
    template = client.get("/api/v1/admin/question-import-template", headers=operator)
    assert template.status_code == 200 and "url" in template.json
    started = client.post(f"/api/v1/admin/courses/{course_id}/question-imports",
                          headers=operator, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(xlsx(bank_rows())), "题库.xlsx")})
    assert started.status_code == 202, started.json
    job = eventually(lambda: (lambda j: j if j["status"] in ("done", "failed") else None)(
        client.get(f"/api/v1/admin/question-imports/{started.json['job_id']}",
                   headers=operator).json), timeout=20)
    assert (job["status"], job["imported"], job["failed"]) == ("done", 13, 2)
    report = load_workbook(io.BytesIO(client.get(job["failure_report_url"]).data)).active
    reasons = {row[0]: row[-1] for row in report.iter_rows(min_row=2, values_only=True)}
    assert set(reasons) == {15, 16}
    assert "答案" in reasons[15] and "题型" in reasons[16]
    listed = client.get(f"/api/v1/admin/courses/{course_id}/questions?page_size=50",
                        headers=operator).json
    assert listed["total"] == 13
    assert listed["counts"] == {"single": 6, "multiple": 3, "judge": 3, "fill": 1}
    for tag, total in (("法规", 3), ("政策", 9), ("政", 0)):  # a whole knowledge point only
        found = client.get(f"/api/v1/admin/courses/{course_id}/questions?tag={tag}&page_size=2",
                           headers=operator).json
        assert (found["total"], len(found["items"])) == (total, min(total, 2)), tag
    exported = client.get(f"/api/v1/admin/courses/{course_id}/questions/export",
                          headers=operator)
    sheet = load_workbook(io.BytesIO(client.get(exported.json["url"]).data)).active
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 14


def define_exam(world, **changes):
    client, clock = world["client"], world["clock"]
    body = {"name": "学习贯彻党的二十大精神考试", "course_id": world["course"]["course_id"],
            "plan_id": world["plan"]["plan_id"], "exam_type": "自考",
            "paper_rule": {"mode": "random", "draws": [
                {"type": "single", "count": 4, "score": 10},
                {"type": "multiple", "count": 2, "score": 15},
                {"type": "judge", "count": 2, "score": 10},
                {"type": "fill", "count": 1, "score": 10}]},
            "pass_score": 60, "duration_minutes": 30,
            "opens_at": (clock.now() - timedelta(hours=1)).isoformat(),
            "closes_at": (clock.now() + timedelta(days=10)).isoformat(),
            "attempts_allowed": 2, **changes}
    # A plan published a moment ago reaches exam by its event: until then, 409.
    made = eventually(lambda: (lambda r: r if r.status_code != 409 else None)(
        client.post("/api/v1/admin/exams", headers=world["operator"], json=body)), timeout=15)
    assert made.status_code == 201, made.json
    assert made.json["total_score"] == 100 and made.json["status"] == "draft"
    published = client.post(f"/api/v1/admin/exams/{made.json['exam_id']}/publication",
                            headers=world["operator"])
    assert published.status_code == 200 and published.json["status"] == "published"
    return published.json


def complete_course(world, learner):
    player = Player(world["client"], learner, world["clock"],
                    world["course"]["chapters"][0]["chapter_id"])
    player.watch_to_end(step=5)
    player.wait_until(lambda s: s["completed"])


def my_exam(client, learner, exam_id):
    return next((e for e in client.get("/api/v1/me/exams", headers=learner).json["items"]
                 if e["exam_id"] == exam_id), None)


def key_of(world, token):
    with world["uow"]("exam")() as uow:
        return uow.session.execute(sa.select(attempts.c.answer_key).where(
            attempts.c.token == token)).scalar()


def answer_for(question, key):
    if question["type"] == "single":
        return key[0]
    if question["type"] == "judge":
        return key[0]
    if question["type"] == "fill":
        return [accepted[0] for accepted in key]
    return key


def test_an_exam_from_bank_import_to_pass_with_a_timeout_in_between(world):
    client, clock = world["client"], world["clock"]
    import_bank(world)
    exam = define_exam(world)
    learner, user_id = new_learner(client, world["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{world['plan']['plan_id']}/activation",
                       headers=learner).status_code == 200

    # Not completed: listed as not available, with the reason; starting is refused.
    listed = eventually(lambda: my_exam(client, learner, exam["exam_id"]), timeout=15)
    assert (listed["status"], listed["reason"]) == ("unavailable", "课程学习进度达到100%后才能参加考试")
    assert listed["remaining_attempts"] == 2 and listed["pass_score"] == 60
    refused = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert (refused.status_code, refused.json["code"]) == (403, "exam_not_eligible")

    complete_course(world, learner)
    eventually(lambda: (my_exam(client, learner, exam["exam_id"]) or {}).get("status")
               == "available", timeout=20)

    started = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert started.status_code == 201, started.json
    paper = started.json
    assert len(paper["questions"]) == 9 and paper["total_score"] == 100
    assert [q["type"] for q in paper["questions"]] == \
        ["single"] * 4 + ["multiple"] * 2 + ["judge"] * 2 + ["fill"]
    assert all("correct_answer" not in q for q in paper["questions"])
    assert "answer_key" not in paper
    assert paper["deadline_at"] == (clock.now() + timedelta(minutes=30)).isoformat()
    # Another tab: the same attempt, not a new one.
    again = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert again.json["token"] == paper["token"] and again.json["number"] == 1

    token = paper["token"]
    key = key_of(world, token)
    by_type = {}
    for q in paper["questions"]:
        by_type.setdefault(q["type"], []).append(q)
    # Right answers to the singles and the judgements (60 points), saved as we go.
    right = {str(q["id"]): answer_for(q, key[str(q["id"])])
             for q in by_type["single"] + by_type["judge"]}
    saved = client.put(f"/api/v1/me/attempts/{token}/answers", headers=learner,
                       json={"answers": right, "marked": [by_type["fill"][0]["id"]]})
    assert saved.status_code == 200 and saved.json["answered"] == 6

    # Bad input changes nothing.
    single = by_type["single"][0]
    for body, field in (({"answers": {"999999": "A"}}, "answers.999999"),
                        ({"answers": {str(single["id"]): "Z"}}, f"answers.{single['id']}"),
                        ({"answers": {str(single["id"]): ["A", "B"]}},
                         f"answers.{single['id']}")):
        bad = client.put(f"/api/v1/me/attempts/{token}/answers", headers=learner, json=body)
        assert (bad.status_code, bad.json["code"]) == (422, "answer_invalid"), bad.json
        assert field in bad.json["errors"]
    other, _ = new_learner(client, world["orgs"]["open"])
    for who, name in ((other, token), (learner, "0" * 32)):
        missing = client.get(f"/api/v1/me/attempts/{name}", headers=who)
        assert (missing.status_code, missing.json["code"]) == (404, "attempt_not_found")
    assert client.post(f"/api/v1/me/attempts/{token}/events", headers=learner,
                       json={"kind": "focus_lost"}).json == {"recorded": True}
    resumed = client.get(f"/api/v1/me/attempts/{token}", headers=learner).json
    assert resumed["answered"] == 6 and resumed["marked"] == [by_type["fill"][0]["id"]]

    # The learner never comes back: at the deadline the server closes and grades it.
    clock.advance(minutes=31)
    late = client.put(f"/api/v1/me/attempts/{token}/answers", headers=learner,
                      json={"answers": {str(by_type["fill"][0]["id"]): ["32"]}})
    assert (late.status_code, late.json["code"]) == (409, "attempt_closed")

    def graded():
        with world["uow"]("exam")() as uow:
            return uow.session.execute(sa.select(attempts.c.status, attempts.c.score,
                                                 attempts.c.closed_by).where(
                attempts.c.token == token)).one() == ("graded", 60, "deadline")
    eventually(graded, timeout=20)
    result = client.get(f"/api/v1/me/attempts/{token}", headers=learner).json
    assert (result["status"], result["score"], result["passed"]) == ("graded", 60, True)
    assert result["closed_by"] == "deadline" and result["key_shown"] is False
    assert all("correct_answer" not in q for q in result["questions"])

    # A pass (the first) publishes exam_passed; learning counts it and the plan passes.
    with world["uow"]("exam")() as uow:
        events = uow.session.execute(sa.select(outbox.c.event_type).where(
            outbox.c.event_type.in_(("attempt_submitted", "exam_passed", "exam_opened")))
        ).scalars().all()
    assert sorted(events) == ["attempt_submitted", "exam_opened", "exam_passed"]

    def plan_passed():
        page = client.get(f"/api/v1/me/plans/{world['plan']['plan_id']}", headers=learner).json
        return page["enrolment_status"] == "passed" and page["exams_missing"] == 0
    eventually(plan_passed, timeout=20)
    standing = my_exam(client, learner, exam["exam_id"])
    assert (standing["status"], standing["best_score"], standing["attempts_taken"],
            standing["remaining_attempts"]) == ("passed", 60, 1, 1)
    assert standing["last_result"] == token and standing["open_attempt"] is None
    done = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert (done.status_code, done.json["code"]) == (409, "exam_already_passed")

    log = client.get(f"/api/v1/admin/exams/{exam['exam_id']}/attempts",
                     headers=world["operator"]).json["items"]
    assert [(a["closed_by_label"], a["score"], a["focus_lost"]) for a in log] == \
        [("到时自动交卷", 60, 1)]
    detail = client.get(f"/api/v1/admin/attempts/{log[0]['attempt_id']}",
                        headers=world["operator"]).json
    assert [e["kind"] for e in detail["log"]][:2] == ["start", "resume"]
    assert detail["log"][-1]["kind"] == "expire"


def test_attempts_beyond_the_limit_are_refused_and_submission_grades_at_once(world):
    client = world["client"]
    import_bank(world)
    exam = define_exam(world, attempts_allowed=1, review_key="after_submit")
    learner, _ = new_learner(client, world["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{world['plan']['plan_id']}/activation",
                       headers=learner).status_code == 200
    complete_course(world, learner)
    eventually(lambda: (my_exam(client, learner, exam["exam_id"]) or {}).get("status")
               == "available", timeout=20)
    token = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts",
                        headers=learner).json["token"]
    # 交卷 is accepted onto exam's queue (202) and graded within moments; twice (a double
    # click) is graded once.
    for _ in range(2):
        accepted = client.post(f"/api/v1/me/attempts/{token}/submission", headers=learner,
                               json={"answers": {}})
        assert accepted.status_code == 202, accepted.json
        assert accepted.json == {"token": token, "status": "submitted"}
    result = eventually(lambda: (lambda a: a if a["status"] == "graded" else None)(
        client.get(f"/api/v1/me/attempts/{token}", headers=learner).json), timeout=15)
    assert (result["score"], result["passed"]) == (0, False)
    assert result["closed_by"] == "learner" and result["key_shown"] is True
    assert all("correct_answer" in q for q in result["questions"])
    with world["uow"]("exam")() as uow:
        assert uow.session.execute(sa.select(sa.func.count()).select_from(outbox).where(
            outbox.c.event_type == "attempt_submitted")).scalar() == 1
    bad = client.post(f"/api/v1/me/attempts/{token}/submission", headers=learner,
                      json={"answers": "all of them"})
    assert (bad.status_code, bad.json["code"]) == (422, "validation_failed")
    refused = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert (refused.status_code, refused.json["code"]) == (409, "attempts_exhausted")
    standing = my_exam(client, learner, exam["exam_id"])
    assert (standing["status"], standing["remaining_attempts"]) == ("failed", 0)


def test_submission_through_the_production_door_is_accepted_and_graded(world, amqp_uri,
                                                                        tmp_path):
    """The gateway as production runs it (gunicorn, the uvicorn worker) answers 交卷 on its
    event loop: 202 once exam's queue holds it, then graded by exam's batch consumer."""
    import requests

    from tests.integration.conftest import running_gateway
    client = world["client"]
    import_bank(world)
    exam = define_exam(world)
    learner, _ = new_learner(client, world["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{world['plan']['plan_id']}/activation",
                       headers=learner).status_code == 200
    complete_course(world, learner)
    eventually(lambda: (my_exam(client, learner, exam["exam_id"]) or {}).get("status")
               == "available", timeout=20)
    paper = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner).json
    key = key_of(world, paper["token"])
    answers = {str(q["id"]): answer_for(q, key[str(q["id"])]) for q in paper["questions"]}
    with running_gateway(tmp_path, amqp_uri, "identity,orgtree,learning,exam") as url:
        door = f"{url}/api/v1/me/attempts/{paper['token']}/submission"
        wrong_type = requests.post(door, headers=learner, data="answers", timeout=10)
        assert wrong_type.status_code == 415
        assert requests.post(door, headers=learner, json={"answers": []},
                             timeout=10).status_code == 422
        assert requests.post(door, json={"answers": {}}, timeout=10).status_code == 401
        accepted = requests.post(door, headers=learner, json={"answers": answers}, timeout=10)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json() == {"token": paper["token"], "status": "submitted"}
    result = eventually(lambda: (lambda a: a if a["status"] == "graded" else None)(
        client.get(f"/api/v1/me/attempts/{paper['token']}", headers=learner).json),
        timeout=15)
    assert (result["score"], result["passed"], result["closed_by"]) == (100, True, "learner")


def test_a_make_up_plans_own_exam_opens_at_activation_and_counts_toward_the_plan(world):
    """补训: a make-up plan's extra exams are the plan's own (no course): they open to the
    learners who activated it, and each pass counts toward the plan in learning."""
    client, operator, clock = world["client"], world["operator"], world["clock"]
    import_bank(world)  # the bank the plan's exam draws from: the course's
    course = world["course"]
    makeup = published_plan(client, operator, [
        {"course_id": course["course_id"], "kind": "required", "exam_required": False}],
        name="2024年公需科目（补训）", year=clock.now().year - 2, makeup=True,
        extra_required_exams=1, total_hours="6.0", required_hours="6.0")
    exam = define_exam(world, name="补训加考一", course_id=None, plan_id=makeup["plan_id"],
                       bank_course_id=course["course_id"])
    learner, _ = new_learner(client, world["orgs"]["open"])
    assert client.post(f"/api/v1/me/plans/{makeup['plan_id']}/activation",
                       headers=learner).status_code == 200
    listed = eventually(lambda: (lambda e: e if e and e["status"] == "available" else None)(
        my_exam(client, learner, exam["exam_id"])), timeout=20)
    assert listed["plan_name"] == "2024年公需科目（补训）" and listed["course_id"] is None
    paper = client.post(f"/api/v1/me/exams/{exam['exam_id']}/attempts", headers=learner)
    assert paper.status_code == 201, paper.json
    key = key_of(world, paper.json["token"])
    answers = {str(q["id"]): answer_for(q, key[str(q["id"])])
               for q in paper.json["questions"]}
    assert client.post(f"/api/v1/me/attempts/{paper.json['token']}/submission",
                       headers=learner, json={"answers": answers}).status_code == 202

    def exam_counted():
        page = client.get(f"/api/v1/me/plans/{makeup['plan_id']}", headers=learner).json
        return page["exams_missing"] == 0
    eventually(exam_counted, timeout=20)
    complete_course(world, learner)

    def plan_passed():
        page = client.get(f"/api/v1/me/plans/{makeup['plan_id']}", headers=learner).json
        return page["enrolment_status"] == "passed"
    eventually(plan_passed, timeout=20)


def test_publishing_opens_the_exam_to_learners_already_eligible(world):
    client = world["client"]
    import_bank(world)
    learners = []
    for _ in range(2):
        learner, user_id = new_learner(client, world["orgs"]["open"])
        assert client.post(f"/api/v1/me/plans/{world['plan']['plan_id']}/activation",
                           headers=learner).status_code == 200
        complete_course(world, learner)
        learners.append((learner, user_id))

    def exam_knows_completions():
        from services.exam.models import completions
        with world["uow"]("exam")() as uow:
            return uow.session.execute(sa.select(sa.func.count()).select_from(completions)
                                       ).scalar() == 2
    eventually(exam_knows_completions, timeout=20)
    exam = define_exam(world)  # published now: both are eligible already
    for learner, _ in learners:
        assert my_exam(client, learner, exam["exam_id"])["status"] == "available"
    with world["uow"]("exam")() as uow:
        opened = uow.session.execute(sa.select(outbox.c.envelope).where(
            outbox.c.event_type == "exam_opened")).scalars().all()
    assert sorted(json.loads(e)["payload"]["user_id"] for e in opened) == \
        sorted(u for _, u in learners)
