"""我的课程, the plan page, the course page and the player in a real browser, against the
real services: the operator publishes a plan with a required course of two 12-second
chapters (real WebM videos) and an elective; a learner activates the plan in the dialog,
browses the electives (preview, the price dialog), opens the required course and its first
chapter. The video really plays and its heartbeats are credited by learning; a seek past
the watched part is pushed back; losing focus pauses it; a note, a discussion thread and a
reply are written and listed; 结束学习 returns to the course, and re-opening the chapter
asks 继续学习 / 重新学习 and resumes at the saved position; played to the end, the chapter
is 已完成. A 专业科目 plan sold whole shows its fee instead of prices per course."""
import io
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.learning.models import chapter_progress, enrolments, notes, playbacks, posts
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, field, log_in, until
from tests.integration.conftest import operator_account
from tests.integration.test_gateway_flow import bearer, login, solve_captcha
from tests.learning_helpers import published_plan, video_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

SECONDS = 12
VIDEO = "document.querySelector('video.video')"
RESUME_QUESTION = "检测到您上次未学完，是否继续学习！"


def operator(client, uow):
    operator_account(uow)
    answer = login(client, "operator", "Operator@2026", role="operator",
                   captcha=solve_captcha(client, uow))
    assert answer.status_code == 200, answer.json
    return bearer(answer.json)


def course_of(client, headers, tmp_path, title, hours, chapters):
    """A course whose chapters are real 12-second WebM videos (VP9 + Opus)."""
    made = client.post("/api/v1/admin/courses", headers=headers, json={
        "title": title, "teacher_name": "王老师", "teacher_title": "教授",
        "teacher_profile": "长期从事继续教育课程研究。", "hours": hours,
        "description": f"{title}的课程简介", "preview_seconds": 5})
    assert made.status_code == 201, made.json
    course_id = made.json["course_id"]
    for n in range(chapters):
        chapter = client.post(f"/api/v1/admin/courses/{course_id}/chapters", headers=headers,
                              json={"title": f"第{n + 1}节"})
        assert chapter.status_code == 201, chapter.json
        uploaded = client.post(
            f"/api/v1/admin/chapters/{chapter.json['chapter_id']}/video", headers=headers,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(video_bytes(tmp_path, seconds=SECONDS, pattern=n)),
                           f"第{n + 1}节.webm")})
        assert uploaded.status_code == 200, uploaded.json
        assert abs(uploaded.json["duration_ms"] - SECONDS * 1000) < 300
    return client.get(f"/api/v1/admin/courses/{course_id}", headers=headers).json


def one(uow, query):
    with uow("learning")() as u:
        row = u.session.execute(query).mappings().first()
        return dict(row) if row else None


def progress_of(uow, user_id, chapter_id):
    return one(uow, sa.select(chapter_progress).where(chapter_progress.c.user_id == user_id,
                                                      chapter_progress.c.chapter_id == chapter_id))


def playback_of(uow, user_id):
    return one(uow, sa.select(playbacks).where(playbacks.c.user_id == user_id))


async def settled(page):
    """Wait until no loading mask is shown and no dialog or tab is still fading in or out
    (before a screenshot)."""
    await page.wait_for_function(
        "(() => !document.querySelector('.el-loading-mask, [class*=\"-enter-active\"],"
        " [class*=\"-leave-active\"]'))()")


async def video_state(page):
    return await page.evaluate(f"(() => {{ const v = {VIDEO}; return v && {{ time: v.currentTime,"
                               f" paused: v.paused, ended: v.ended }}; }})()")


async def until_video(page, condition, timeout=20_000):
    """Wait until `condition` (a JS expression over `v`, the player's video) holds."""
    await page.wait_for_function(f"(() => {{ const v = {VIDEO}; return !!v && ({condition}); }})()",
                                 timeout=timeout)


def test_a_learner_activates_a_plan_and_learns_with_the_player(
        live_gateway, run_in_browser, screenshot, tmp_path, monkeypatch):
    # Ticks every 3 s (learning reads it when a playback starts), so a 12 s video sends some.
    monkeypatch.setenv("HEARTBEAT_INTERVAL_SECONDS", "3")
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    headers = operator(client, uow)
    required = course_of(client, headers, tmp_path, "学习贯彻党的二十大精神", "6.0", chapters=2)
    elective = course_of(client, headers, tmp_path, "人工智能与数字经济", "2.0", chapters=1)
    plan = published_plan(client, headers, [
        {"course_id": required["course_id"], "kind": "required", "exam_required": True},
        {"course_id": elective["course_id"], "kind": "elective"}])
    # a 专业科目 plan sold whole (按计划收费): the same elective, no price per course
    flat = published_plan(client, headers, [{"course_id": elective["course_id"],
                                             "kind": "elective"}],
                          name=f"{plan['year']}年工程技术类专业科目", kind="professional",
                          category="工程技术类", total_hours="2.0", required_hours="0.0",
                          pricing="flat", flat_price_fen=6000, price_per_hour_fen=0)
    first, second = required["chapters"]

    person = registration(orgs["open"])
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active")
    signed_in = login(client, person["username"], person["password"],
                      captcha=solve_captcha(client, uow))
    assert signed_in.status_code == 200, signed_in.json
    user_id = signed_in.json["user"]["user_id"]

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])

        # ---- 我的课程: the plan waits for activation -----------------------------------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="我的课程").click()
        await expect(page.get_by_role("heading", name="我的课程")).to_be_visible()
        year = plan["year"]
        await expect(page.get_by_role("tab", name=f"{year}年公需课")).to_be_visible()
        await expect(page.get_by_role("tab", name=f"{year - 4}–{year - 1}年公需课补学计划")) \
            .to_be_visible()
        card = page.get_by_role("listitem", name=plan["name"])
        await expect(card).to_contain_text("待激活")
        await expect(card).to_contain_text("8.0 学时（必修 6.0）")
        await expect(card).to_contain_text(re.compile(r"已选学时\s*0\.0 学时"))
        flat_card = page.get_by_role("listitem", name=flat["name"])
        await expect(flat_card).to_contain_text("专业科目 · 工程技术类")
        await page.get_by_role("tab", name=f"{year}年专业科目").click()
        await expect(flat_card).to_contain_text("待激活")
        await expect(card).to_have_count(0)
        await page.get_by_role("tab", name=f"{year - 4}–{year - 1}年公需课补学计划").click()
        await expect(page.get_by_text("暂无培训计划")).to_be_visible()
        await page.get_by_role("tab", name=f"{year}年公需课").click()
        await expect(card).to_contain_text("待激活")
        await expect(flat_card).to_have_count(0)
        await settled(page)
        await screenshot(page, "learning-my-courses")

        # ---- 去激活: the dialog, then the plan's hours -------------------------------
        await card.get_by_role("button", name="去激活").click()
        dialog = page.get_by_role("dialog", name="激活培训计划")
        await expect(dialog).to_contain_text(plan["name"])
        await expect(dialog).to_contain_text("必修课将自动选入")
        await settled(page)
        await screenshot(page, "learning-activate-dialog")
        await dialog.get_by_role("button", name="确定激活").click()
        done = page.get_by_role("dialog", name="激活成功")
        await expect(done).to_contain_text("6.0 学时（必修 6.0，选修 0.0）")
        await expect(done).to_contain_text(required["title"])
        enrolment = one(uow, sa.select(enrolments).where(enrolments.c.user_id == user_id))
        assert enrolment["plan_id"] == plan["plan_id"] and enrolment["status"] == "learning"
        await expect(card).to_contain_text("学习中")
        await done.get_by_role("button", name="进入学习").click()

        # ---- the plan page: hours, 已选课程 ------------------------------------------
        await expect(page.get_by_role("heading", name=plan["name"])).to_be_visible()
        hours = page.get_by_label("学时", exact=True)
        await expect(hours).to_contain_text(re.compile(r"考核学时\s*8\.0"))
        await expect(hours).to_contain_text(re.compile(r"已选学时\s*6\.0"))
        row = page.get_by_role("row", name=re.compile(required["title"]))
        await expect(row).to_contain_text("必修")
        await expect(row).to_contain_text("王老师")
        await expect(row).to_contain_text("学完后考试")
        await settled(page)
        await screenshot(page, "learning-plan")

        # ---- 选修课: search, preview, the price dialog -------------------------------
        await page.get_by_role("tab", name="选修课").click()
        await field(page, "课程名称").fill("不存在的课程")
        await page.get_by_role("button", name="搜索").click()
        await expect(page.get_by_text("没有符合条件的选修课")).to_be_visible()
        await field(page, "课程名称").fill("数字经济")
        await page.get_by_role("button", name="搜索").click()
        offer = page.get_by_role("listitem", name=elective["title"])
        await expect(offer).to_contain_text("10.00 元")
        await expect(offer).to_contain_text("2.0 学时")
        await offer.get_by_role("button", name="试看", exact=True).click()
        preview = page.get_by_role("dialog", name=f"试看：{elective['title']}")
        await expect(preview).to_contain_text("可免费试看课程开头 5 秒")
        await expect(preview).to_contain_text("长期从事继续教育课程研究")
        await page.wait_for_function(
            "(() => { const v = document.querySelector('.preview-dialog video');"
            " return !!v && v.currentTime > 0.5; })()", timeout=15_000)
        await settled(page)
        await screenshot(page, "learning-electives")
        await preview.get_by_role("button", name="关闭", exact=True).click()
        await expect(preview).to_be_hidden()
        await offer.get_by_role("button", name="选课").click()
        quote = page.get_by_role("dialog", name="选课确认")
        await expect(quote).to_contain_text("合计：10.00 元")
        await expect(quote).to_contain_text(f"请于 {plan['pay_deadline']} 前完成缴费")
        await expect(quote.get_by_role("button", name="加入购物车")).to_be_visible()
        await quote.get_by_role("button", name="知道了").click()
        await expect(quote).to_be_hidden()

        # ---- the course page -------------------------------------------------------
        await page.get_by_role("tab", name="已选课程").click()
        await row.get_by_role("button", name="学习课程").click()
        await expect(page.get_by_role("heading", name=required["title"])).to_be_visible()
        catalogue = page.get_by_role("list", name="目录")
        await expect(catalogue.get_by_role("listitem")).to_have_count(2)
        await expect(catalogue).to_contain_text("00:12")
        await expect(page.get_by_text("讲师：王老师")).to_be_visible()
        await settled(page)
        await screenshot(page, "learning-course")

        # ---- the player: it plays and its heartbeats are credited ------------------
        await page.get_by_role("button", name=re.compile("^第1节")).click()
        await expect(page.get_by_role("heading", name="第1节")).to_be_visible()
        await until_video(page, "!v.paused && v.currentTime > 1")
        before = (await video_state(page))["time"]
        await until_video(page, f"v.currentTime > {before + 1}")
        covered = await until(lambda: (lambda p: p if p and p["covered_ms"] >= 2000 else None)(
            progress_of(uow, user_id, first["chapter_id"])), timeout=20)
        assert covered["covered_ms"] <= SECONDS * 1000
        assert playback_of(uow, user_id)["last_verdict"] == "credited"

        # a seek past what was watched is pushed back, and earns nothing
        await page.evaluate(f"{VIDEO}.currentTime = 11")
        await expect(page.get_by_role("alert").filter(has_text="不能拖动到尚未学习的位置")) \
            .to_be_visible()
        await until_video(page, "!v.seeking && v.currentTime < 10")
        assert (await video_state(page))["time"] < 10
        await settled(page)
        await screenshot(page, "learning-player")

        # losing focus pauses the video (and tells the server)
        await page.evaluate("window.dispatchEvent(new Event('blur'))")
        await until_video(page, "v.paused")
        await expect(page.get_by_role("alert").filter(has_text="页面失去焦点，播放已暂停")) \
            .to_be_visible()
        stopped_at = (await video_state(page))["time"]
        state = await until(lambda: (lambda p: p if not p["playing"] else None)(
            playback_of(uow, user_id)))
        assert abs(state["last_position_ms"] - stopped_at * 1000) < 500
        await page.wait_for_timeout(1000)
        assert (await video_state(page))["paused"]  # it stays paused
        watched = progress_of(uow, user_id, first["chapter_id"])
        assert watched["covered_ms"] < 10_000  # nothing credited ahead of the watched part
        assert abs(watched["last_position_ms"] - stopped_at * 1000) < 500

        # ---- 笔记, 讨论 -------------------------------------------------------------
        await page.get_by_role("tab", name="笔记").click()
        await field(page, "笔记内容").fill("要点：<b>新发展理念</b>")
        await page.get_by_role("button", name="保存笔记").click()
        listed = page.get_by_role("list", name="本课程的笔记")
        await expect(listed).to_contain_text("要点：<b>新发展理念</b>")  # text, not HTML
        note = one(uow, sa.select(notes).where(notes.c.user_id == user_id))
        assert note["body"] == "要点：<b>新发展理念</b>"
        assert note["chapter_id"] == first["chapter_id"]
        assert note["position_ms"] == int(stopped_at) * 1000
        await expect(listed).to_contain_text(f"00:{int(stopped_at):02d}")

        await page.get_by_role("tab", name="讨论").click()
        await field(page, "发起讨论").fill("二十大报告中关于创新的论述，大家怎么理解？")
        await page.get_by_role("button", name="发表", exact=True).click()
        threads = page.get_by_role("list", name="讨论")
        await expect(threads).to_contain_text("二十大报告中关于创新的论述")
        await expect(threads).to_contain_text("张*")
        await threads.get_by_role("button", name="回复", exact=True).click()
        await field(page, "回复张*").fill("创新是第一动力。")
        await page.get_by_role("button", name="发表回复").click()
        await expect(threads.get_by_role("list", name="回复")).to_contain_text("创新是第一动力。")
        with uow("learning")() as u:
            written = u.session.execute(sa.select(posts.c.kind, posts.c.thread_id, posts.c.body)
                                        .order_by(posts.c.id)).all()
        assert [(k, t is not None, b) for k, t, b in written] == [
            ("discussion", False, "二十大报告中关于创新的论述，大家怎么理解？"),
            ("discussion", True, "创新是第一动力。")]

        # ---- 结束学习, and back: 继续学习 resumes where it stopped -----------------------
        await page.get_by_role("button", name="结束学习").click()
        await expect(page.get_by_role("heading", name=required["title"])).to_be_visible()
        left = progress_of(uow, user_id, first["chapter_id"])
        # what the course page offers to resume: the last position, within the watched part
        saved = min(left["last_position_ms"], max(end for _, end in left["segments"]))
        chapter_row = catalogue.get_by_role("listitem").filter(has_text="第1节")
        await expect(chapter_row).to_contain_text(f"学到 00:{saved // 1000:02d}")
        await page.get_by_role("button", name=re.compile("^第1节")).click()
        prompt = page.get_by_role("dialog", name="提示")
        await expect(prompt).to_contain_text(RESUME_QUESTION)
        await expect(prompt.get_by_role("button", name="重新学习")).to_be_visible()
        await settled(page)
        await screenshot(page, "learning-resume-prompt")
        async with page.expect_response(lambda r: r.url.endswith("/api/v1/me/playbacks")
                                        and r.request.method == "POST") as started:
            await prompt.get_by_role("button", name="继续学习").click()
        session = await (await started.value).json()
        assert session["start_position_ms"] == saved > 0
        await until_video(page, f"!v.paused && v.currentTime >= {saved / 1000 - 0.2}")
        assert (await video_state(page))["time"] < saved / 1000 + 3

        # ---- played to the end: 已完成 ------------------------------------------------
        await until_video(page, "v.ended", timeout=30_000)
        finished = await until(lambda: (lambda p: p if p["completed_at"] else None)(
            progress_of(uow, user_id, first["chapter_id"])), timeout=20)
        assert finished["covered_ms"] >= SECONDS * 1000 * 0.95
        await expect(page.get_by_text("本节已完成")).to_be_visible()
        await page.get_by_role("button", name="结束学习").click()
        await expect(page.get_by_role("heading", name=required["title"])).to_be_visible()
        await expect(catalogue.get_by_role("listitem").filter(has_text="第1节")) \
            .to_contain_text("已完成")
        await expect(catalogue.get_by_role("listitem").filter(has_text="第2节")) \
            .to_contain_text("未学习")
        assert progress_of(uow, user_id, second["chapter_id"]) is None

        # ---- a plan sold whole: its fee, not prices per course ---------------------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="我的课程").click()
        await page.get_by_role("tab", name=f"{year}年专业科目").click()
        await flat_card.get_by_role("button", name="去激活").click()
        dialog = page.get_by_role("dialog", name="激活培训计划")
        await expect(dialog).to_contain_text("按计划收费 60.00 元")
        await dialog.get_by_role("button", name="确定激活").click()
        await page.get_by_role("dialog", name="激活成功").get_by_role(
            "button", name="进入学习").click()
        await expect(page.get_by_role("heading", name=flat["name"])).to_be_visible()
        await page.get_by_role("tab", name="选修课").click()
        await expect(page.get_by_text("本计划按计划收费：60.00 元")).to_be_visible()
        offer = page.get_by_role("listitem", name=elective["title"])
        await expect(offer).to_contain_text("按计划收费")
        await expect(offer.get_by_role("button", name="选课")).to_have_count(0)
        await page.get_by_role("button", name="购买本计划").click()
        quote = page.get_by_role("dialog", name="选课确认")
        await expect(quote).to_contain_text(f"{flat['name']}（2.0学时）")
        await expect(quote).to_contain_text("合计：60.00 元")
        await expect(quote.get_by_role("button", name="立即购买")).to_be_visible()

    run_in_browser(scenario)
