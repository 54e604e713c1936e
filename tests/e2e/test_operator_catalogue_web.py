"""平台运营's catalogue screens in a real browser, against the real services: the operator
creates a course with the form, uploads a PNG cover, adds chapters and uploads a real
WebM video (the chapter then shows the duration the service read from the file; the
progress shows while it travels), is told plainly why a text file is no video, renames a
chapter; imports courses from the .xlsx template (the job's counts, the failure report's
row and reason, the imported course with its chapters); creates the 2015 political-work
make-up plan of the 2018 notice (专业科目 · 政工, 补学 with two extra exams, a flat 160 元,
32 学时) — first with 必修 above 考核 (the service's message beside 必修学时), then
corrected — with the course as 必修 with an exam, publishes, closes and reopens it (its
close date has passed: a new one is asked for); hides and restores a learner's discussion
(its HTML shown as text), answers a question; finds a passed learner's certificate by its
code and revokes it, after which the public verification API says 已撤销 with the reason.
Everything is checked in what the services stored or answer, not only on the page."""
import asyncio
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from playwright.async_api import expect

from services.learning import media
from services.learning.course_import import HEADERS as IMPORT_HEADERS
from services.learning.domain.calendar import shanghai_today
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, captcha_answer, choose, field, log_in
from tests.integration.conftest import operator_account
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import Player, video_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

COURSE = "专业技术人员职业道德与诚信建设"
PLAN = "2015年天津市政工专业人员经常性继续教育（补训）"
AD = "<b>加微信</b> abc123 领取全部答案"
QUESTION = "补训的两门必修课考试在哪里参加？"
ANSWER = "请在“我的考试”中参加，60分合格。"
REVOKE_REASON = "信息有误，重新核发"


def api_login(client, uow, username, password, role="learner"):
    """Log in through the API with the captcha on, its answer read as a person would."""
    shown = client.get("/api/v1/auth/captcha")
    assert shown.status_code == 200, shown.json
    answer = captcha_answer(uow, shown.json["captcha_id"])
    response = login(client, username, password, role=role, captcha={
        "captcha_id": shown.json["captcha_id"], "captcha_answer": answer})
    assert response.status_code == 200, response.json
    return bearer(response.json)


def api_course(client, operator, tmp_path, title, hours, teacher="李明"):
    course = client.post("/api/v1/admin/courses", headers=operator, json={
        "title": title, "teacher_name": teacher, "teacher_title": "教授", "hours": hours,
        "preview_seconds": 5})
    assert course.status_code == 201, course.json
    chapter = client.post(f"/api/v1/admin/courses/{course.json['course_id']}/chapters",
                          headers=operator, json={"title": "第1节"})
    assert chapter.status_code == 201, chapter.json
    uploaded = client.post(
        f"/api/v1/admin/chapters/{chapter.json['chapter_id']}/video", headers=operator,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(video_bytes(tmp_path)), "第1节.webm")})
    assert uploaded.status_code == 200, uploaded.json
    return client.get(f"/api/v1/admin/courses/{course.json['course_id']}", headers=operator).json


def issued_certificate(client, operator, plan_name):
    items = client.get("/api/v1/admin/certificates", headers=operator).json["items"]
    return next((c for c in items if c["plan_name"] == plan_name and c["status"] == "issued"),
                None)


@pytest.fixture
def world(live_gateway, clock, tmp_path):
    """The operator; a learner who has a course (its discussion and question posted) and
    passed its plan, the certificate issued. Heartbeats are stamped by the gateway's clock,
    which the test moves (as make_platform(clock=...) would set it)."""
    client, uow, orgs = live_gateway["client"], live_gateway["uow"], live_gateway["orgs"]
    live_gateway["app"].extensions["clock"] = clock
    operator_account(uow)
    operator = api_login(client, uow, "operator", "Operator@2026", role="operator")
    today = shanghai_today(datetime.now(timezone.utc))

    course = api_course(client, operator, tmp_path, "新时代政治理论学习", "1.0")
    plan_name = f"{today.year}年公需科目（证书）"
    # Its required course is free, so the learner has it from activation on.
    plan = client.post("/api/v1/admin/plans", headers=operator, json={
        "name": plan_name, "year": today.year, "kind": "public", "total_hours": "1.0",
        "required_hours": "1.0", "pricing": "per_hour", "price_per_hour_fen": 500,
        "required_free": True, "opens_on": (today - timedelta(days=10)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "pay_deadline": (today + timedelta(days=20)).isoformat(),
        "courses": [{"course_id": course["course_id"], "kind": "required"}]})
    assert plan.status_code == 201, plan.json
    published = client.post(f"/api/v1/admin/plans/{plan.json['plan_id']}/publish",
                            headers=operator, json={})
    assert published.status_code == 200, published.json

    person = registration(orgs["open"], real_name="赵文静")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active", timeout=15)
    learner = api_login(client, uow, person["username"], person["password"])
    activated = client.post(f"/api/v1/me/plans/{plan.json['plan_id']}/activation",
                            headers=learner)
    assert activated.status_code == 200, activated.json
    course_id = course["course_id"]
    posts = {}
    for kind, body in (("discussions", AD), ("discussions", "第一节讲得很清楚，收获很大"),
                       ("questions", QUESTION)):
        posted = client.post(f"/api/v1/me/courses/{course_id}/{kind}", headers=learner,
                             json={"body": body})
        assert posted.status_code == 201, posted.json
        posts[body] = posted.json["post_id"]

    player = Player(client, learner, clock, course["chapters"][0]["chapter_id"])
    player.watch_to_end(step=5)
    player.wait_until(lambda s: s["completed"])
    certificate = eventually(lambda: issued_certificate(client, operator, plan_name), timeout=45)

    return {"client": client, "uow": uow, "url": live_gateway["url"], "operator": operator,
            "learner": learner, "course_id": course_id, "posts": posts,
            "certificate": certificate, "plan_name": plan_name, "today": today}


def files(tmp_path):
    video = tmp_path / "导论.webm"
    media.generate_demo_video(video, 6, pattern=1)
    cover = tmp_path / "封面.png"
    Image.new("RGB", (320, 180), (31, 95, 168)).save(cover)
    text = tmp_path / "说明.txt"
    text.write_text("这不是视频文件", encoding="utf-8")
    return video, cover, text


def course_sheet(path):
    """The template's header, a good course with two chapters, one whose hours are not."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_HEADERS)
    sheet.append(["人工智能与数字经济", "陈静", "研究员", None, "4.0", "数字经济的发展趋势与政策",
                  "180", "第1节 数字经济概论|第2节 人工智能应用"])
    sheet.append(["数据安全法解读", "孙伟", None, None, "两学时", None, None, None])
    workbook.save(path)
    return path


async def choose_file(page, scope, label, path):
    async with page.expect_file_chooser() as chooser:
        await field(scope, label).click()
    await (await chooser.value).set_files(str(path))
    await expect(scope.get_by_text(f"已选择：{path.name}")).to_be_visible()


async def shot(page, screenshot, name):
    """A screenshot once the lists' loading masks have faded out."""
    await expect(page.locator(".el-loading-mask")).to_have_count(0)
    await screenshot(page, name)


async def pick_date(page, label, value):
    box = field(page, label)
    await box.fill(value)
    await box.press("Enter")
    await expect(box).to_have_value(value)


def test_operator_runs_courses_plans_posts_and_certificates(world, run_in_browser, screenshot,
                                                           tmp_path):
    client, uow, url, operator = world["client"], world["uow"], world["url"], world["operator"]
    video, cover, text = files(tmp_path)
    today = world["today"]
    new_close = (today + timedelta(days=60)).isoformat()
    code = world["certificate"]["code"]
    state = {}

    def admin(path, **params):
        response = client.get(path, headers=operator, query_string=params)
        assert response.status_code == 200, response.json
        return response.json

    async def scenario(page):
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        nav = page.get_by_role("navigation", name="主导航")

        # ---- 课程: create with the form ------------------------------------------------
        await nav.get_by_role("menuitem", name="课程", exact=True).click()
        await expect(page.get_by_role("heading", name="课程", exact=True)).to_be_visible()
        await page.get_by_role("button", name="新建课程").click()
        await expect(page.get_by_role("heading", name="新建课程")).to_be_visible()
        await page.get_by_role("button", name="创建课程").click()
        await expect(page.get_by_text("请输入课程名称（2–120个字）")).to_be_visible()
        await field(page, "课程名称").fill(COURSE)
        await field(page, "学时").fill("2")
        await field(page, "讲师姓名").fill("王建国")
        await field(page, "讲师职称").fill("研究员")
        await field(page, "免费试看").fill("120")
        await field(page, "课程简介").fill("职业道德与诚信建设的要求与案例")
        await page.get_by_role("button", name="创建课程").click()
        await expect(page).to_have_url(re.compile(r"/operator/courses/\d+$"))
        await expect(page.get_by_text(re.compile("已创建课程"))).to_be_visible()
        course_id = int(page.url.rsplit("/", 1)[1])
        stored = admin(f"/api/v1/admin/courses/{course_id}")
        assert (stored["title"], stored["teacher_name"], stored["teacher_title"], stored["hours"],
                stored["preview_seconds"], stored["status"]) == (
            COURSE, "王建国", "研究员", "2.0", 120, "active")

        # ---- cover ----------------------------------------------------------------------
        images = page.locator("section", has=page.get_by_role("heading", name="封面与讲师照片"))
        await choose_file(page, images, "课程封面", cover)
        await images.get_by_role("button", name="上传课程封面").click()
        await expect(images.get_by_text("课程封面已上传。")).to_be_visible()
        await expect(images.get_by_role("img", name="课程封面")).to_be_visible()
        assert admin(f"/api/v1/admin/courses/{course_id}")["cover_url"]

        # ---- chapters: a real video with progress, a text file refused ----------------------
        chapters = page.locator("section", has=page.get_by_role("heading", name="章节与视频"))
        for title in ("导论", "课后练习说明"):
            await field(chapters, "新章节名称").fill(title)
            await chapters.get_by_role("button", name="添加章节").click()
            await expect(chapters.get_by_role("heading", name=re.compile(title))).to_be_visible()
        first = chapters.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="第1节 导论"))
        second = chapters.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name="第2节 课后练习说明"))
        await expect(first).to_contain_text("尚未上传视频")
        await choose_file(page, first, "视频文件", video)
        await expect(first.get_by_text("所选文件时长约 0:06")).to_be_visible()
        # Hold the upload at the gateway's door: the progress shows while it is under way.
        release = asyncio.Event()

        async def held(route):
            await release.wait()
            await route.continue_()
        await page.route(re.compile(r"/api/v1/admin/chapters/\d+/video$"), held)
        await first.get_by_role("button", name="上传视频").click()
        await expect(first.get_by_role("progressbar", name="第1节视频上传进度")).to_be_visible()
        await expect(first.get_by_role("button", name="正在上传…")).to_be_visible()
        release.set()
        await expect(first.get_by_text("视频已上传，时长 0:06。")).to_be_visible(timeout=30_000)
        await page.unroute(re.compile(r"/api/v1/admin/chapters/\d+/video$"))
        await expect(first).to_contain_text("WebM 视频 · 时长 0:06")
        await expect(first.get_by_role("progressbar")).to_have_count(0)
        stored = admin(f"/api/v1/admin/courses/{course_id}")
        one, two = stored["chapters"]
        assert one["has_video"] and one["video_type"] == "webm"
        assert abs(one["duration_ms"] - 6000) < 300, one
        await expect(chapters).to_contain_text("视频总时长 0:06")

        await choose_file(page, second, "视频文件", text)
        await second.get_by_role("button", name="上传视频").click()
        await expect(second.get_by_text("仅支持 MP4（H.264）或 WebM（VP9）视频")).to_be_visible(
            timeout=20_000)
        await expect(second).to_contain_text("尚未上传视频")
        assert not admin(f"/api/v1/admin/courses/{course_id}")["chapters"][1]["has_video"]

        await second.get_by_role("button", name="改名").click()
        await field(second, "新的章节名称").fill("课后练习")
        await second.get_by_role("button", name="保存").click()
        await expect(chapters.get_by_role("heading", name="第2节 课后练习", exact=True)
                     ).to_be_visible()
        assert admin(f"/api/v1/admin/courses/{course_id}")["chapters"][1]["title"] == "课后练习"
        assert two["chapter_id"] == admin(
            f"/api/v1/admin/courses/{course_id}")["chapters"][1]["chapter_id"]
        await shot(page, screenshot, "operator-course")

        # ---- the course list ------------------------------------------------------------------
        await nav.get_by_role("menuitem", name="课程", exact=True).click()
        await field(page, "课程名称").fill("职业道德")
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile(COURSE))
        await expect(row).to_contain_text("王建国")
        await expect(row).to_contain_text("2 节")
        await expect(row).to_contain_text("正常")
        await expect(page.get_by_role("row", name=re.compile("新时代政治理论学习"))).to_have_count(0)
        await field(page, "课程名称").fill("")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_role("row", name=re.compile("新时代政治理论学习"))).to_be_visible()
        await shot(page, screenshot, "operator-courses")

        # ---- 批量导入课程: template, upload, progress, counts, failure report -------------------
        panel = page.locator("section", has=page.get_by_role("heading", name="批量导入课程"))
        async with page.expect_download() as downloading:
            await panel.get_by_role("button", name="下载导入模板").click()
        template = await downloading.value
        assert template.suggested_filename.endswith(".xlsx")
        with open(await template.path(), "rb") as fh:
            header = next(load_workbook(io.BytesIO(fh.read())).active.values)
        assert list(header[:len(IMPORT_HEADERS)]) == IMPORT_HEADERS
        await panel.get_by_role("button", name="开始导入").click()
        await expect(panel.get_by_text("请选择按模板填写的 Excel 文件")).to_be_visible()
        await choose_file(page, panel, "按模板填写的 Excel 文件", course_sheet(tmp_path / "课程.xlsx"))
        await panel.get_by_role("button", name="开始导入").click()
        await expect(panel.get_by_text("共 2 行：导入 1 门课程，失败 1 行。")).to_be_visible(
            timeout=30_000)
        await expect(panel.get_by_role("progressbar", name="课程导入进度")).to_have_attribute(
            "aria-valuenow", "100")
        report = panel.get_by_role("link", name="下载失败信息")
        failures = await page.request.get(url + await report.get_attribute("href"))
        assert failures.ok
        rows = list(load_workbook(io.BytesIO(await failures.body())).active.values)
        assert len(rows) == 2 and rows[1][0] == 3 and rows[1][1] == "数据安全法解读"
        assert "学时" in rows[1][-1]
        imported = admin("/api/v1/admin/courses", q="人工智能与数字经济")["items"]
        assert [(c["title"], c["teacher_name"], c["hours"], c["chapter_count"])
                for c in imported] == [("人工智能与数字经济", "陈静", "4.0", 2)]
        assert admin("/api/v1/admin/courses", q="数据安全法")["total"] == 0
        # the list above shows the imported course at once
        await expect(page.get_by_role("row", name=re.compile("人工智能与数字经济"))).to_contain_text(
            "2 节")
        await shot(page, screenshot, "operator-course-import")

        # ---- 培训计划: the form, a field error from the service, then saved ---------------------
        await nav.get_by_role("menuitem", name="培训计划").click()
        await expect(page.get_by_role("heading", name="培训计划", exact=True)).to_be_visible()
        await page.get_by_role("button", name="新建培训计划").click()
        await expect(page.get_by_role("heading", name="新建培训计划")).to_be_visible()
        await field(page, "计划名称").fill(PLAN)
        await field(page, "年度").fill("2015")
        await choose(page, "专业科目")
        await page.locator(".el-select", has=field(page, "专业类别")).click()
        await page.get_by_role("option", name="政工").click()
        await page.locator(".el-form-item", has_text="往年补学计划").locator(".el-switch").click()
        await expect(page.get_by_role("switch", name="往年补学计划")).to_be_checked()
        await field(page, "补学学员另加必考门数").fill("2")
        await field(page, "考核学时").fill("32")
        await field(page, "其中必修学时").fill("40")
        await choose(page, "按计划收费")
        await field(page, "计划价格").fill("160")
        await pick_date(page, "开通日期", "2018-03-01")
        await pick_date(page, "缴费截止日期", "2018-11-30")
        await pick_date(page, "结束日期", "2018-12-31")
        await page.get_by_role("button", name="添加课程").click()
        picker = page.get_by_role("dialog", name="添加课程")
        await picker.get_by_label("按课程名称搜索").fill("职业道德")
        await picker.get_by_role("button", name="搜索").click()
        await picker.get_by_role("button", name=f"添加 {COURSE}").click()
        await expect(picker.get_by_role("button", name="已添加")).to_be_visible()
        await picker.get_by_role("button", name="完成").click()
        course_row = page.get_by_role("row", name=re.compile(COURSE))
        await course_row.locator("label.el-radio-button", has_text="必修").click()
        await course_row.locator("label.el-checkbox", has_text="需要考试").click()
        await expect(page.get_by_text(re.compile(r"课程总学时\s*2\.0"))).to_be_visible()
        await expect(page.get_by_text(re.compile(r"必修 2\.0，\s*选修 0\.0"))).to_be_visible()
        await page.get_by_role("button", name="保存", exact=True).click()
        required_item = page.locator(".el-form-item", has=page.locator("#plan-required-hours"))
        await expect(required_item.get_by_text("必修学时不能超过考核学时")).to_be_visible()
        await expect(page.get_by_role("alert").filter(has_text="培训计划的设置有误")).to_be_visible()
        assert admin("/api/v1/admin/plans", year=2015)["total"] == 0
        await shot(page, screenshot, "operator-plan-form")
        await field(page, "其中必修学时").fill("2.0")
        await page.get_by_role("button", name="保存", exact=True).click()
        await expect(page.get_by_text(f"已保存培训计划“{PLAN}”（未发布，可在列表中发布）。")
                     ).to_be_visible()
        plans = admin("/api/v1/admin/plans", year=2015)["items"]
        assert [p["name"] for p in plans] == [PLAN]
        plan_id = plans[0]["plan_id"]
        state["plan_id"] = plan_id

        # ---- 发布, 关闭, 重新开放 (the close date has passed) ------------------------------------
        row = page.get_by_role("row", name=re.compile(re.escape(PLAN)))
        await expect(row).to_contain_text("专业科目 · 政工")
        await expect(row).to_contain_text("补学")
        await expect(row).to_contain_text("按计划 160.00 元")
        await expect(row).to_contain_text("1 门")
        await expect(row).to_contain_text("2018-03-01 至 2018-12-31")
        await expect(row).to_contain_text("未发布")
        await row.get_by_role("button", name="发布").click()
        dialog = page.get_by_role("dialog", name="发布培训计划")
        await expect(dialog).to_contain_text(f"确定发布“{PLAN}”吗？")
        await dialog.get_by_role("button", name="确定发布").click()
        await expect(page.get_by_text(f"已发布“{PLAN}”。")).to_be_visible()
        await expect(row).to_contain_text("已发布")
        await expect(row).to_contain_text("已结束")
        stored = admin(f"/api/v1/admin/plans/{plan_id}")
        assert (stored["status"], stored["kind"], stored["category"], stored["makeup"],
                stored["extra_required_exams"], stored["year"]) == (
            "published", "professional", "政工", True, 2, 2015)
        assert (stored["pricing"], stored["flat_price_fen"], stored["price_per_hour_fen"],
                stored["cards_allowed"]) == ("flat", 16000, 0, False)
        assert (stored["total_hours"], stored["required_hours"], stored["elective_hours"]) == (
            "32.0", "2.0", "30.0")
        assert (stored["opens_on"], stored["pay_deadline"], stored["closes_on"]) == (
            "2018-03-01", "2018-11-30", "2018-12-31")
        assert [(c["course_id"], c["kind"], c["exam_required"]) for c in stored["courses"]] == [
            (course_id, "required", True)]
        await shot(page, screenshot, "operator-plans")

        await row.get_by_role("button", name="关闭").click()
        await page.get_by_role("dialog", name="关闭培训计划").get_by_role(
            "button", name="确定关闭").click()
        await expect(row).to_contain_text("已关闭")
        assert admin(f"/api/v1/admin/plans/{plan_id}")["status"] == "closed"
        await row.get_by_role("button", name="重新开放").click()
        reopen = page.get_by_role("dialog", name="重新开放培训计划")
        await expect(reopen).to_contain_text("原结束日期 2018-12-31 已过")
        await reopen.get_by_role("button", name="确定重新开放").click()
        await expect(reopen.get_by_text("原结束日期已过，请选择新的结束日期（今天或以后）")).to_be_visible()
        assert admin(f"/api/v1/admin/plans/{plan_id}")["status"] == "closed"
        await pick_date(reopen, "结束日期", new_close)
        await reopen.get_by_role("button", name="确定重新开放").click()
        await expect(page.get_by_text(f"已重新开放“{PLAN}”。结束日期：{new_close}。")).to_be_visible()
        await expect(reopen).to_be_hidden()
        await expect(row).to_contain_text("已发布")
        await expect(row).to_contain_text(f"2018-03-01 至 {new_close}")
        stored = admin(f"/api/v1/admin/plans/{plan_id}")
        assert (stored["status"], stored["closes_on"]) == ("published", new_close)

        # editing a published plan: its course is kept (neither removed nor made 选修)
        await row.get_by_role("button", name="编辑").click()
        await expect(page.get_by_role("heading", name="编辑培训计划")).to_be_visible()
        await expect(field(page, "计划价格")).to_have_value("160.00")
        kept = page.get_by_role("row", name=re.compile(COURSE))
        await expect(kept.get_by_role("button", name=f"移除 {COURSE}")).to_be_disabled()

        # ---- 讨论与问答审核 -------------------------------------------------------------------------
        await nav.get_by_role("menuitem", name="讨论与问答审核").click()
        await expect(page.get_by_role("heading", name="讨论与问答审核")).to_be_visible()
        ad_row = page.get_by_role("row", name=re.compile("加微信"))
        await expect(ad_row).to_contain_text(AD)  # the learner's HTML, shown as text
        await expect(ad_row).to_contain_text("赵**")
        await expect(ad_row).to_contain_text("新时代政治理论学习")
        await ad_row.get_by_role("button", name="隐藏").click()
        hide = page.get_by_role("dialog", name="隐藏内容")
        await hide.get_by_role("button", name="确定隐藏").click()
        await expect(hide.get_by_text("请填写原因（2–200个字）")).to_be_visible()
        await field(hide, "隐藏原因").fill("含广告信息")
        await hide.get_by_role("button", name="确定隐藏").click()
        await expect(hide).to_be_hidden()
        await expect(ad_row).to_contain_text("已隐藏")
        await expect(ad_row).to_contain_text("原因：含广告信息")
        hidden = admin("/api/v1/admin/posts", kind="discussion", status="hidden")["items"]
        assert [(p["post_id"], p["hidden_reason"]) for p in hidden] == [
            (world["posts"][AD], "含广告信息")]
        await shot(page, screenshot, "operator-posts")
        await ad_row.get_by_role("button", name="恢复").click()
        await expect(ad_row).to_contain_text("显示中")
        assert admin("/api/v1/admin/posts", kind="discussion", status="hidden")["total"] == 0

        await page.get_by_role("tab", name="问答").click()
        q_row = page.get_by_role("row", name=re.compile(re.escape(QUESTION)))
        await expect(q_row).to_contain_text("未回答")
        await q_row.get_by_role("button", name="回答").click()
        answer = page.get_by_role("dialog", name="回答提问")
        await field(answer, "回答（以李明老师的名义）").fill(ANSWER)
        await answer.get_by_role("button", name="提交回答").click()
        await expect(answer).to_be_hidden()
        await expect(q_row).to_contain_text(f"李明老师回答：{ANSWER}")
        await expect(q_row.get_by_role("button", name="修改回答")).to_be_visible()
        seen = client.get(f"/api/v1/me/courses/{world['course_id']}/questions",
                          headers=world["learner"]).json["items"]
        assert [(q["body"], q["answer"], q["answered_by_name"]) for q in seen] == [
            (QUESTION, ANSWER, "李明老师")]
        await shot(page, screenshot, "operator-posts-questions")

        # ---- 证书管理 ---------------------------------------------------------------------------
        await nav.get_by_role("menuitem", name="证书管理").click()
        await expect(page.get_by_role("heading", name="证书管理")).to_be_visible()
        await field(page, "证书编号").fill(code.lower())
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_role("row")).to_have_count(2)  # the header and the one found
        cert_row = page.get_by_role("row", name=re.compile(code))
        await expect(cert_row).to_contain_text("赵文静")
        await expect(cert_row).to_contain_text(world["plan_name"])
        await expect(cert_row).to_contain_text("有效")
        await expect(cert_row.get_by_role("link", name=re.compile("验证页"))).to_have_attribute(
            "href", f"/verify/{code}")
        await cert_row.get_by_role("button", name=f"撤销证书 {code}").click()
        revoke = page.get_by_role("dialog", name="撤销证书")
        await revoke.get_by_role("button", name="确定撤销").click()
        await expect(revoke.get_by_text("请填写撤销原因（2–200个字）")).to_be_visible()
        assert client.get(f"/api/v1/certificates/{code}").json["status"] == "issued"
        await field(revoke, "撤销原因").fill(REVOKE_REASON)
        await revoke.get_by_role("button", name="确定撤销").click()
        await expect(revoke).to_be_hidden()
        await expect(cert_row).to_contain_text("已撤销")
        await expect(cert_row).to_contain_text(REVOKE_REASON)
        await expect(cert_row.get_by_role("button", name=re.compile("撤销证书"))).to_have_count(0)
        public = client.get(f"/api/v1/certificates/{code}").json
        assert (public["status"], public["status_label"], public["revoked_reason"]) == (
            "revoked", "已撤销", REVOKE_REASON)
        await shot(page, screenshot, "operator-certificates")

        # ---- at 375 px the pages do not scroll sideways (tables scroll in their boxes) -------
        await page.set_viewport_size({"width": 375, "height": 800})
        for path, heading in ((f"/operator/plans/{state['plan_id']}", "编辑培训计划"),
                              (f"/operator/courses/{course_id}", COURSE),
                              ("/operator/plans", "培训计划"), ("/operator/posts", "讨论与问答审核")):
            await page.goto(url + path)
            await expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            await expect(page.locator(".el-loading-mask")).to_have_count(0)
            assert await page.evaluate("document.documentElement.scrollWidth") <= 375, path

    run_in_browser(scenario)
    assert state["plan_id"]
