"""考试 in a real browser, against the real services (seed §2.4 and §3). A learner who
watched the plan's examined course finds the exam 可考试 in 我的考试, clicks 去考试, confirms
the prompt, and answers the paper: the answers save themselves, 标记 turns a number of the
答题卡 red while answered ones are blue, a reload continues the same attempt with its answers
and marks, and leaving the page is recorded; 交卷 (told how many are unanswered) shows the
score, 及格 and the key; the operator then reads the attempt in 考试记录 and its log. In
题库管理 the operator adds a question in the dialog, retires and restores it and imports more
from the template; in 考试管理 defines an exam — the service's message beside the paper rule
while the bank is short — saves and publishes it."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from playwright.async_api import expect

from services.exam.models import attempts
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import field, log_in
from tests.integration.conftest import operator_account
from tests.integration.test_gateway_flow import bearer, login, wait_until_active
from tests.learning_helpers import Player, make_course, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

EXAM = "学习贯彻党的二十大精神考试"
# The bank: two singles, a multiple choice, a judgement and a blank, each drawn once.
QUESTIONS = [
    {"type": "single", "stem": "专业技术人员每年应完成多少学时的继续教育？",
     "options": ["24学时", "32学时", "48学时", "64学时"], "answer": ["B"]},
    {"type": "single", "stem": "《天津市专业技术人员和管理人员继续教育条例》自哪一年开始施行？",
     "options": ["2000年", "2001年", "2002年", "2003年"], "answer": ["C"]},
    {"type": "multiple", "stem": "下列哪些属于继续教育的学习形式？",
     "options": ["脱产学习", "半脱产学习", "网络学习", "年休假"], "answer": ["A", "B", "C"]},
    {"type": "judge", "stem": "继续教育的时间可以集中使用，也可以分散使用。", "answer": True},
    {"type": "fill", "stem": "每人每年脱产、半脱产接受继续教育的时间累计不得少于（　）天。",
     "answer": [["十二", "12"]]},
]
RED, BLUE = "rgb(217, 48, 38)", "rgb(31, 111, 209)"


def bank_sheet(path):
    """A question bank filled in the import template: two good rows and one without an
    answer."""
    book = Workbook()
    sheet = book.active
    sheet.append(["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案",
                  "难度", "知识点", "解析"])
    sheet.append(["多选题", "下列哪些属于专业技术人员的职业道德？", "爱岗敬业", "诚实守信", "弄虚作假",
                  "服务群众", "", "", "ABD", "中", "职业道德", ""])
    sheet.append(["填空题", "专业技术人员每年应修满（　）学时。", "", "", "", "", "", "", "32|三十二",
                  "易", "", ""])
    sheet.append(["单选题", "没有答案的题", "甲", "乙", "", "", "", "", "", "易", "", ""])
    book.save(path)
    return path


def operator_login(client):
    response = login(client, "operator", "Operator@2026", role="operator")
    assert response.status_code == 200, response.json
    return bearer(response.json)


def add_questions(client, operator, course_id, questions):
    for q in questions:
        made = client.post(f"/api/v1/admin/courses/{course_id}/questions", headers=operator,
                           json={**q, "difficulty": 1})
        assert made.status_code == 201, made.json


def key_of(uow, token):
    with uow("exam")() as u:
        return u.session.execute(sa.select(attempts.c.answer_key).where(
            attempts.c.token == token)).scalar()


def my_exam(client, learner, exam_id):
    return next((e for e in client.get("/api/v1/me/exams", headers=learner).json["items"]
                 if e["exam_id"] == exam_id), None)


async def answer(page, number, question, key):
    """Answer question `number` of the paper as a person would: click the option shown
    with the key's text, 对 / 错, or type the blank."""
    article = page.get_by_role("article", name=f"第{number}题", exact=True)
    # An option's label: its letter on the paper, then its text ("B. 32学时").
    texts = {o["key"]: re.compile(rf"^\s*[A-H]\. {re.escape(o['text'])}\s*$")
             for o in question["options"]}
    if question["type"] == "single":
        await article.locator("label.el-radio", has_text=texts[key[0]]).click()
    elif question["type"] == "multiple":
        for k in key:
            await article.locator("label.el-checkbox", has_text=texts[k]).click()
    elif question["type"] == "judge":
        await article.locator("label.el-radio", has_text="对" if key[0] else "错").click()
    else:
        await article.get_by_label(f"第{number}题第1空").fill(key[0][-1])


async def start_exam(page, name):
    """去考试 on 我的考试, 确定 on the prompt: the exam page's token."""
    await page.get_by_role("navigation", name="主导航").get_by_role(
        "menuitem", name="我的考试").click()
    item = page.get_by_role("listitem", name=name)
    await item.get_by_role("button", name="去考试").click()
    await page.get_by_role("dialog", name="考试提示").get_by_role("button", name="确定").click()
    await page.wait_for_url(re.compile(r"/exams/attempts/[0-9a-f]{32}$"))
    return page.url.rsplit("/", 1)[1]


@pytest.fixture
def sitting(exam_gateway, clock, tmp_path):
    """An operator's course in a published plan (required, with an exam), its bank, and a
    published exam of it (100 points, 60 to pass, the key shown after 交卷); a learner who
    activated the plan and watched the course to the end, so the exam is 可考试."""
    client, uow, app = exam_gateway["client"], exam_gateway["uow"], exam_gateway["app"]
    operator_account(uow)
    operator = operator_login(client)
    course = make_course(client, operator, tmp_path, "学习贯彻党的二十大精神", "1.0")
    plan = published_plan(client, operator, [
        {"course_id": course["course_id"], "kind": "required", "exam_required": True}],
        total_hours="1.0", required_hours="1.0")
    add_questions(client, operator, course["course_id"], QUESTIONS)

    def publish_exam(name, closes_in, **changes):
        """A published exam of the course: 100 points (20 each), 60 to pass."""
        now = datetime.now(timezone.utc)
        made = client.post("/api/v1/admin/exams", headers=operator, json={
            "name": name, "course_id": course["course_id"], "plan_id": plan["plan_id"],
            "paper_rule": {"mode": "random", "draws": [
                {"type": "single", "count": 2, "score": 20},
                {"type": "multiple", "count": 1, "score": 20},
                {"type": "judge", "count": 1, "score": 20},
                {"type": "fill", "count": 1, "score": 20}]},
            "pass_score": 60, "duration_minutes": 30, "attempts_allowed": 2,
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + closes_in).isoformat(), **changes})
        assert made.status_code == 201, made.json
        exam_id = made.json["exam_id"]
        published = client.post(f"/api/v1/admin/exams/{exam_id}/publication", headers=operator)
        assert published.status_code == 200, published.json
        return exam_id

    exam_id = publish_exam(EXAM, timedelta(days=10), review_key="after_submit")

    person = registration(exam_gateway["orgs"]["open"], real_name="王晓考")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    learner = bearer(wait_until_active(client, person["username"], person["password"]).json)
    assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                       headers=learner).status_code == 200
    # The heartbeats stamped by the test's clock: the video watched in moments (as
    # test_exam_journey does); then real time again for 交卷, which the gateway stamps.
    real_clock, app.extensions["clock"] = app.extensions["clock"], clock
    try:
        player = Player(client, learner, clock, course["chapters"][0]["chapter_id"])
        player.watch_to_end(step=5)
        player.wait_until(lambda s: s["completed"])
    finally:
        app.extensions["clock"] = real_clock
    eventually(lambda: (my_exam(client, learner, exam_id) or {}).get("status") == "available",
               timeout=20)
    return {"person": person, "learner": learner, "operator": operator, "exam_id": exam_id,
            "plan": plan, "course": course, "publish_exam": publish_exam}


def test_a_learner_takes_the_exam_marks_a_question_and_passes(
        exam_gateway, sitting, run_in_browser, screenshot):
    client, url, uow = exam_gateway["client"], exam_gateway["url"], exam_gateway["uow"]
    person, learner, exam_id = sitting["person"], sitting["learner"], sitting["exam_id"]
    seen = {}

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        nav = page.get_by_role("navigation", name="主导航")
        await nav.get_by_role("menuitem", name="我的考试").click()
        await expect(page.get_by_role("heading", name="我的考试", exact=True)).to_be_visible()
        item = page.get_by_role("listitem", name=EXAM)
        await expect(item).to_contain_text("可考试")
        await expect(item).to_contain_text("学习贯彻党的二十大精神")
        await expect(item).to_contain_text("30 分钟")
        await expect(item).to_contain_text("2 次")  # 剩余考试次数
        await screenshot(page, "exam-my-exams")

        # 去考试: the prompt with the duration and rules; 确定 opens the exam page.
        await item.get_by_role("button", name="去考试").click()
        prompt = page.get_by_role("dialog", name="考试提示")
        await expect(prompt).to_contain_text("考试时长 30 分钟")
        await prompt.get_by_role("button", name="确定").click()
        await page.wait_for_url(re.compile(r"/exams/attempts/[0-9a-f]{32}$"))
        token = page.url.rsplit("/", 1)[1]
        seen["token"] = token
        await expect(page.get_by_role("heading", name=EXAM)).to_be_visible()
        head = page.locator(".paper-head")
        await expect(head).to_contain_text(re.compile(r"考试总时长\s*30 分钟"))
        await expect(head).to_contain_text(re.compile(r"考试总分\s*100 分"))
        await expect(head).to_contain_text("王晓考")
        await expect(page.get_by_role("region", name="考试提示")).to_contain_text("自动交卷")
        for heading in ("一、单选题", "二、多选题", "三、判断题", "四、填空题"):
            await expect(page.get_by_role("heading", name=heading)).to_be_visible()
        timer = page.get_by_role("timer", name="剩余时间")
        await expect(timer).to_have_text(re.compile(r"剩余时间\s*00:(29|30):\d{2}"))

        # The paper as the server holds it, and its key (never sent to the page).
        paper = client.get(f"/api/v1/me/attempts/{token}", headers=learner).json
        key = key_of(uow, token)
        questions = paper["questions"]
        assert [q["type"] for q in questions] == ["single", "single", "multiple", "judge", "fill"]
        card = page.get_by_role("complementary", name="答题卡")
        for n in range(1, 6):
            await expect(card.get_by_role("button", name=f"第{n}题 未作答")).to_be_visible()
        # Everything right but the second single, which is left open and marked.
        for number, q in enumerate(questions, start=1):
            if number != 2:
                await answer(page, number, q, key[str(q["id"])])
        await page.get_by_role("button", name="标记第2题").click()
        await expect(page.get_by_role("button", name="标记第2题")).to_have_attribute(
            "aria-pressed", "true")
        marked = card.get_by_role("button", name="第2题 已标记")
        await expect(marked).to_have_css("background-color", RED)
        for n in (1, 3, 4, 5):
            await expect(card.get_by_role("button", name=f"第{n}题 已作答")).to_have_css(
                "background-color", BLUE)
        await expect(card).to_contain_text("已答 4 / 5 题")
        await expect(page.get_by_text(re.compile(r"已保存 \d{2}:\d{2}:\d{2}"))).to_be_visible()
        # The page left and came back (another window): reported for the operator.
        await page.evaluate("window.dispatchEvent(new Event('blur'))")
        await page.evaluate("window.dispatchEvent(new Event('focus'))")
        await screenshot(page, "exam-paper")

        # A reload continues the same attempt, answers and marks as saved.
        await page.reload()
        await expect(page.get_by_role("heading", name=EXAM)).to_be_visible()
        await expect(card.get_by_role("button", name="第2题 已标记")).to_be_visible()
        await expect(card).to_contain_text("已答 4 / 5 题")
        first = page.get_by_role("article", name="第1题", exact=True)
        await expect(first.locator("label.el-radio.is-checked")).to_have_count(1)
        # A number of the card takes the page to its question.
        await card.get_by_role("button", name="第5题 已作答").click()
        await expect(page.get_by_role("article", name="第5题", exact=True)).to_be_focused()

        # 交卷: told what is unanswered, then the result with the key.
        await card.get_by_role("button", name="交卷").click()
        confirm = page.get_by_role("dialog", name="交卷")
        await expect(confirm).to_contain_text("还有 1 道题未作答")
        await confirm.get_by_role("button", name="确定交卷").click()
        score = page.get_by_role("status", name="考试成绩")
        await expect(score).to_contain_text("80")
        await expect(score.get_by_text("及格", exact=True)).to_be_visible()
        await expect(page.get_by_text("考生交卷")).to_be_visible()
        review = page.get_by_role("region", name="试卷回顾")
        await expect(review.get_by_text("正确答案：").first).to_be_visible()
        await expect(review.get_by_role("article", name="第2题", exact=True)).to_contain_text(
            "您的答案：未作答")
        await screenshot(page, "exam-result")

        await page.get_by_role("link", name="返回我的考试").click()
        item = page.get_by_role("listitem", name=EXAM)
        await expect(item).to_contain_text("已通过")
        await expect(item).to_contain_text("80 分")  # 最高分
        await expect(item.get_by_role("button", name="去考试")).to_have_count(0)
        # The result can be opened again from 我的考试.
        await item.get_by_role("link", name=f"查看成绩：{EXAM}").click()
        await expect(page.get_by_role("status", name="考试成绩")).to_contain_text("80")
        await page.get_by_role("link", name="返回我的考试").click()
        item = page.get_by_role("listitem", name=EXAM)

    async def records(page):
        # 考试记录: the attempt and its log, as the operator reviews them.
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="考试管理").click()
        exam_row = page.get_by_role("row", name=re.compile(EXAM))
        await expect(exam_row).to_contain_text("已发布")
        await exam_row.get_by_role("button", name=re.compile("^考试记录")).click()
        await expect(page.get_by_role("heading", name="考试记录")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("王晓考"))
        await expect(row).to_contain_text("第 1 次")
        await expect(row).to_contain_text("交卷")
        await expect(row).to_contain_text("80")
        await expect(row).to_contain_text("及格")
        await expect(row.get_by_role("cell", name="1 次", exact=True)).to_be_visible()  # 失去焦点
        await row.get_by_role("button", name=re.compile("^过程记录")).click()
        drawer = page.get_by_role("dialog", name="考试过程记录")
        timeline = drawer.locator(".el-timeline")
        for label in ("开始考试", "保存答案", "离开考试页面", "回到考试页面", "交卷"):
            await expect(timeline.get_by_text(label, exact=True).first).to_be_visible()
        await expect(timeline).to_contain_text("得分 80，已答 4 题")
        await screenshot(page, "exam-attempt-log")

    run_in_browser(scenario)
    run_in_browser(records)
    result = client.get(f"/api/v1/me/attempts/{seen['token']}", headers=learner).json
    assert (result["status"], result["score"], result["passed"], result["closed_by"]) == \
        ("graded", 80, True, "learner")
    records = client.get(f"/api/v1/admin/exams/{exam_id}/attempts",
                         headers=sitting["operator"]).json["items"]
    assert [(r["score"], r["closed_by_label"], r["focus_lost"]) for r in records] == \
        [(80, "交卷", 1)]
    log = client.get(f"/api/v1/admin/attempts/{records[0]['attempt_id']}",
                     headers=sitting["operator"]).json["log"]
    kinds = [e["kind"] for e in log]
    assert kinds[0] == "start" and kinds[-1] == "submit"
    assert {"save", "focus_lost", "focus_back"} <= set(kinds)


def test_the_paper_closes_itself_at_the_deadline_and_shows_the_result(
        exam_gateway, sitting, run_in_browser, screenshot):
    """An exam whose window closes half a minute from now: the attempt's deadline is the
    close (never after it). The learner answers one question and leaves the rest; at 00:00
    the page locks; with every answer saved it asks the server, a moment after the deadline,
    to close the attempt, which grades the saved answers as 到时自动交卷; the result says so."""
    client, url, uow = exam_gateway["client"], exam_gateway["url"], exam_gateway["uow"]
    person, learner = sitting["person"], sitting["learner"]
    name = "限时考试"
    sitting["publish_exam"](name, timedelta(seconds=30), review_key="after_close")
    eventually(lambda: any(e["name"] == name and e["status"] == "available" for e in
                           client.get("/api/v1/me/exams", headers=learner).json["items"]),
               timeout=15)

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        token = await start_exam(page, name)
        paper = client.get(f"/api/v1/me/attempts/{token}", headers=learner).json
        judge = next(q for q in paper["questions"] if q["type"] == "judge")
        number = paper["questions"].index(judge) + 1
        await answer(page, number, judge, key_of(uow, token)[str(judge["id"])])
        timer = page.get_by_role("timer", name="剩余时间")
        await expect(timer).to_have_text(re.compile(r"00:00:[0-2]\d"))
        await expect(timer).to_have_class(re.compile("hurry"))
        # 00:00: the result of what was answered (the key shown: the exam has closed).
        await expect(page.get_by_text("考试时间已到，系统已按最后保存的答案自动交卷。")).to_be_visible(
            timeout=45_000)
        score = page.get_by_role("status", name="考试成绩")
        await expect(score).to_contain_text("20")
        await expect(score.get_by_text("不及格", exact=True)).to_be_visible()
        await expect(page.get_by_text("到时自动交卷", exact=True)).to_be_visible()
        review = page.get_by_role("region", name="试卷回顾")
        await expect(review.get_by_role("article", name=f"第{number}题", exact=True)).to_contain_text(
            "得分 20 / 20 分")
        await expect(review.get_by_text("正确答案：").first).to_be_visible()
        await screenshot(page, "exam-deadline-result")

    run_in_browser(scenario)


def test_the_operator_keeps_a_bank_and_defines_and_publishes_an_exam(
        exam_gateway, run_in_browser, screenshot, tmp_path):
    client, url, uow = exam_gateway["client"], exam_gateway["url"], exam_gateway["uow"]
    operator_account(uow)
    operator = operator_login(client)
    course = client.post("/api/v1/admin/courses", headers=operator, json={
        "title": "专业技术人员职业道德", "teacher_name": "王建国", "hours": "2.0"})
    assert course.status_code == 201, course.json
    course_id = course.json["course_id"]
    add_questions(client, operator, course_id, QUESTIONS[3:4])  # a judgement
    stem = "专业技术人员继续教育每年应完成多少学时？"

    async def scenario(page):
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        nav = page.get_by_role("navigation", name="主导航")

        # ---- 题库管理: the course, a question added in the dialog, retired and restored ----
        await nav.get_by_role("menuitem", name="题库管理").click()
        await expect(page.get_by_role("heading", name="题库管理")).to_be_visible()
        await field(page, "课程").fill("职业道德")
        await page.get_by_role("option", name="专业技术人员职业道德").click()
        counts = page.get_by_role("status", name="启用试题数")
        await expect(counts).to_contain_text("判断题 1 道")
        await expect(counts).to_contain_text("单选题 0 道")
        await page.get_by_role("button", name="新增试题").click()
        dialog = page.get_by_role("dialog", name="新增试题")
        await dialog.get_by_role("button", name="保存").click()
        await expect(dialog.get_by_text("请填写题干")).to_be_visible()
        await field(dialog, "题干").fill(stem)
        for letter, text in zip("ABCD", ("24学时", "32学时", "48学时", "64学时"), strict=True):
            await dialog.get_by_label(f"选项{letter}", exact=True).fill(text)
        await dialog.get_by_role("radiogroup", name="正确答案").locator(
            "label.el-radio", has_text="B").click()
        await dialog.get_by_role("button", name="保存").click()
        await expect(dialog).to_be_hidden()
        row = page.get_by_role("row", name=re.compile(stem))
        await expect(row).to_contain_text("单选题")
        await expect(row).to_contain_text("启用")
        await expect(counts).to_contain_text("单选题 1 道")
        await row.get_by_role("button", name=re.compile("^停用试题")).click()
        await page.get_by_role("dialog", name="停用试题").get_by_role(
            "button", name="确定停用").click()
        restore = row.get_by_role("button", name=re.compile("^启用试题"))
        await expect(restore).to_be_visible()
        await expect(counts).to_contain_text("单选题 0 道")
        await restore.click()
        await expect(counts).to_contain_text("单选题 1 道")

        # 批量导入试题: the template's rows in the background, the counts, the failure report.
        panel = page.locator("section", has=page.get_by_role("heading", name="批量导入试题"))
        await expect(panel).to_contain_text("导入到：专业技术人员职业道德")
        sheet = bank_sheet(tmp_path / "题库.xlsx")
        async with page.expect_file_chooser() as chooser:
            await field(panel, "按模板填写的 Excel 文件").click()
        await (await chooser.value).set_files(str(sheet))
        await panel.get_by_role("button", name="开始导入").click()
        await expect(panel.get_by_text("共 3 行：导入 2 道试题，失败 1 行。")).to_be_visible(
            timeout=30_000)
        await expect(panel.get_by_role("progressbar", name="题库导入进度")).to_have_attribute(
            "aria-valuenow", "100")
        report = panel.get_by_role("link", name="下载失败信息")
        failures = await page.request.get(url + await report.get_attribute("href"))
        assert failures.ok
        await expect(counts).to_contain_text("多选题 1 道")
        await expect(counts).to_contain_text("填空题 1 道")
        await expect(page.get_by_role("row", name=re.compile("职业道德？"))).to_contain_text("ABD")
        await screenshot(page, "exam-question-bank")

        # ---- 考试管理: a new exam, the service's message beside the rule, saved, published ----
        await nav.get_by_role("menuitem", name="考试管理").click()
        await expect(page.get_by_role("heading", name="考试管理")).to_be_visible()
        await page.get_by_role("button", name="新建考试").click()
        await expect(page.get_by_role("heading", name="新建考试")).to_be_visible()
        await field(page, "课程").fill("职业道德")
        await page.get_by_role("option", name="专业技术人员职业道德").click()
        await expect(field(page, "考试名称")).to_have_value("专业技术人员职业道德考试")
        await expect(page.get_by_text("单选题 1 道")).to_be_visible()
        # Row one: 2 singles at 60 — more than the bank holds.
        await page.get_by_label("第1条的数量").fill("2")
        await page.get_by_label("第1条的每题分值").fill("30")
        await page.get_by_role("button", name="＋ 添加抽题规则").click()
        await page.locator(".el-select", has=page.get_by_label("第2条的题型")).click()
        await page.get_by_role("option", name="判断题").click()
        await page.get_by_label("第2条的数量").fill("1")
        await page.get_by_label("第2条的每题分值").fill("40")
        await page.get_by_label("第2条的每题分值").blur()
        await expect(page.get_by_label("总分")).to_have_text("100")
        await expect(page.get_by_text("题库中启用的该题型试题只有 1 道")).to_be_visible()
        await page.get_by_role("button", name="保存", exact=True).click()
        rule = page.locator(".el-form-item", has_text="组卷方式")
        await expect(rule).to_contain_text("题库中符合条件的单选题只有1道，抽题规则需要2道")
        await page.get_by_label("第1条的数量").fill("1")
        await page.get_by_label("第1条的每题分值").fill("60")
        await page.get_by_label("第1条的每题分值").blur()
        await expect(page.get_by_label("总分")).to_have_text("100")
        await screenshot(page, "exam-form")
        await page.get_by_role("button", name="保存", exact=True).click()

        await expect(page.get_by_role("heading", name="考试管理")).to_be_visible()
        await expect(page.get_by_text("已保存考试“专业技术人员职业道德考试”")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("专业技术人员职业道德考试"))
        await expect(row).to_contain_text("未发布")
        await expect(row).to_contain_text("满分 100 · 及格 60")
        await row.get_by_role("button", name=re.compile("^发布")).click()
        confirm = page.get_by_role("dialog", name="发布考试")
        await expect(confirm).to_contain_text("确定发布考试“专业技术人员职业道德考试”吗")
        await confirm.get_by_role("button", name="确定发布").click()
        await expect(confirm).to_be_hidden()
        await expect(row).to_contain_text("已发布")
        await expect(row.get_by_role("button", name=re.compile("^关闭"))).to_be_visible()
        await screenshot(page, "exam-list")

    run_in_browser(scenario)
    exams = client.get("/api/v1/admin/exams", headers=operator).json["items"]
    assert [(e["name"], e["status"], e["total_score"], e["pass_score"], e["paper_rule"])
            for e in exams] == [("专业技术人员职业道德考试", "published", 100, 60, {
                "mode": "random", "draws": [{"type": "single", "count": 1, "score": 60},
                                            {"type": "judge", "count": 1, "score": 40}]})]
    bank = client.get(f"/api/v1/admin/courses/{course_id}/questions", headers=operator).json
    single = next(q for q in bank["items"] if q["type"] == "single")
    assert (single["stem"], single["answer"], single["status"]) == (stem, ["B"], "active")
    assert [o["text"] for o in single["options"]] == ["24学时", "32学时", "48学时", "64学时"]
