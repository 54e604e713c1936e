"""学习档案 in a real browser, against the real services: a learner who watched a plan's
courses (heartbeats through the gateway), paid an elective (order_paid from billing) and
passed the exam (exam_passed from exam) finds the plan 已通过 in 我的档案 with its hours,
opens 查看档案 (the courses, progress and score), prints the signed certificate and the
archive (PDFs whose bytes are checked), sees a closed past-year plan under 历史档案 and
历史课程 (打印档案 refused with the service's reason), edits and deletes notes in 我的笔记;
anyone verifies the certificate at /verify (every field, the SHA-256 equal to the file's,
the chosen file checked in the page), and after the operator revokes it the page says
已撤销 with the date and reason. An admin of the learner's unit opens the learner's archive
from 学员管理, a plan's detail, and records a 线下档案 that then appears."""
import hashlib
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.async_api import expect
from werkzeug.serving import make_server

from gateway.rpc import RpcPool
from services.learning.domain.calendar import shanghai_today
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, captcha_answer, choose, field, log_in, until
from tests.e2e.conftest import WEB_DIST
from tests.foreign_producer import ForeignProducer
from tests.integration.conftest import grant_admin, make_platform, operator_account
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import Player, make_course, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

REASON = "信息有误，重新核发"


def api_login(client, uow, username, password, role="learner"):
    """Log in through the API as the page does: captcha on, its answer read as a person
    would read the image."""
    shown = client.get("/api/v1/auth/captcha")
    assert shown.status_code == 200, shown.json
    answer = captcha_answer(uow, shown.json["captcha_id"])
    response = login(client, username, password, role=role, captcha={
        "captcha_id": shown.json["captcha_id"], "captcha_answer": answer})
    assert response.status_code == 200, response.json
    return bearer(response.json)


def watch(client, learner, clock, course):
    for chapter in course["chapters"]:
        player = Player(client, learner, clock, chapter["chapter_id"])
        player.watch_to_end(step=5)
        player.wait_until(lambda s: s["completed"])


def playable(client, learner, chapter_id):
    response = client.post("/api/v1/me/playbacks", headers=learner,
                           json={"chapter_id": chapter_id, "mode": "restart"})
    return response.status_code == 201


def certificate_of(client, learner, enrolment_id):
    response = client.get(f"/api/v1/me/archive/{enrolment_id}/certificate", headers=learner)
    return response.json if response.status_code == 200 else None


@pytest.fixture
def archive_gateway(start_services, uow_factory, amqp_uri, clock):
    """As tests/e2e/conftest.py's live_gateway (captcha on, the app served over HTTP), with
    two differences: the gateway's clock is the test's (heartbeats are stamped with it, so
    the fixture plays whole videos in moments, as test_learning_journey does), and calls
    wait up to 30 s for their answer. 打印档案 renders its PDF within the call, parsing and
    subsetting the CJK font every time (about 5 s of CPU, more on a busy 2-core machine,
    and in this process the services share the interpreter with the gateway): the
    platform's 10 s would answer 504 服务响应超时 for reasons outside the screens tested."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(f"the web client is not built in {WEB_DIST}: run `cd web && npm run build`")
    platform = make_platform(start_services, uow_factory, amqp_uri, captcha="on", clock=clock)
    app = platform["app"]
    app.extensions["rpc"] = RpcPool(uri=amqp_uri, timeout=30)
    app.testing = False  # a real server: errors are answered, not raised
    server = make_server("127.0.0.1", 0, app, threaded=False)
    pool = app.extensions["rpc"]

    def serve():
        try:
            server.serve_forever(poll_interval=0.1)
        finally:
            pool._discard()  # the RPC proxy belongs to this thread: stop it here

    thread = threading.Thread(target=serve, name="e2e-archive-gateway", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        ready = requests.get(f"{url}/readyz?verbose", timeout=10)
        assert ready.status_code == 200, ready.text
        yield {**platform, "url": url}
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def passed_learner(archive_gateway, clock, amqp_uri, tmp_path):
    """The backend path of tests/integration/test_learning_journey.py through the gateway:
    a plan (a required course with an exam, an elective) the learner watched, paid and
    passed, its certificate issued; and a past year's plan the learner activated before
    the operator closed it."""
    client, uow, orgs = (archive_gateway["client"], archive_gateway["uow"],
                         archive_gateway["orgs"])
    operator_account(uow)
    operator = api_login(client, uow, "operator", "Operator@2026", role="operator")
    year = shanghai_today(datetime.now(timezone.utc)).year

    required = make_course(client, operator, tmp_path, "学习贯彻党的二十大精神", "2.0")
    elective = make_course(client, operator, tmp_path, "人工智能与数字经济", "1.0")
    old_course = make_course(client, operator, tmp_path, "专业技术人员创新创业能力建设", "1.0")
    plan = published_plan(client, operator, [
        {"course_id": required["course_id"], "kind": "required", "exam_required": True},
        {"course_id": elective["course_id"], "kind": "elective"}],
        name=f"{year}年公需科目（档案）", total_hours="3.0", required_hours="2.0")
    old_plan = published_plan(client, operator, [
        {"course_id": old_course["course_id"], "kind": "required"}],
        name=f"{year - 1}年公需科目（往年）", year=year - 1, total_hours="1.0",
        required_hours="1.0")

    person = registration(orgs["open"], real_name="王晓档")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active", timeout=15)
    learner = api_login(client, uow, person["username"], person["password"])
    user_id = client.get("/api/v1/me", headers=learner).json["user_id"]

    for p in (plan, old_plan):
        activated = client.post(f"/api/v1/me/plans/{p['plan_id']}/activation", headers=learner)
        assert activated.status_code == 200, activated.json
    closed = client.post(f"/api/v1/admin/plans/{old_plan['plan_id']}/close", headers=operator,
                         json={})
    assert closed.status_code == 200, closed.json

    watch(client, learner, clock, required)
    ForeignProducer("billing", amqp_uri, tmp_path).publish("order_paid", {
        "order_no": "CPE2026120100000077", "user_id": user_id, "plan_id": plan["plan_id"],
        "lines": [{"kind": "course", "course_id": elective["course_id"], "hours": "1.0",
                   "price_fen": 500}],
        "total_fen": 500, "channel": "alipay", "paid_at": datetime.now(timezone.utc)})
    eventually(lambda: playable(client, learner, elective["chapters"][0]["chapter_id"]),
               timeout=15)
    watch(client, learner, clock, elective)

    # Two notes in the required course's chapter (the second is the newer).
    chapter_id = required["chapters"][0]["chapter_id"]
    notes = []
    for position, body in ((75, "二十大报告：高质量发展是首要任务"), (12, "要点：<b>不是标签</b>")):
        note = client.post(f"/api/v1/me/courses/{required['course_id']}/notes", headers=learner,
                           json={"chapter_id": chapter_id, "position": position, "body": body})
        assert note.status_code == 201, note.json
        notes.append(note.json)

    ForeignProducer("exam", amqp_uri, tmp_path).publish("exam_passed", {
        "exam_id": 7, "user_id": user_id, "course_id": required["course_id"],
        "plan_id": plan["plan_id"], "score": 88, "passed_at": datetime.now(timezone.utc)})
    page = eventually(lambda: (lambda p: p if p["enrolment_status"] == "passed" else None)(
        client.get(f"/api/v1/me/plans/{plan['plan_id']}", headers=learner).json), timeout=20)
    certificate = eventually(lambda: certificate_of(client, learner, page["enrolment_id"]),
                             timeout=60)
    old_enrolment = client.get("/api/v1/me/plans?tab=history", headers=learner).json["items"]
    assert [p["plan_id"] for p in old_enrolment] == [old_plan["plan_id"]]
    return {"person": person, "learner": learner, "user_id": user_id, "operator": operator,
            "plan": plan, "old_plan": old_plan, "enrolment_id": page["enrolment_id"],
            "old_enrolment_id": old_enrolment[0]["enrolment_id"], "certificate": certificate,
            "notes": notes, "required": required, "elective": elective}


def test_archive_certificate_notes_verification_and_the_admins_view(
        archive_gateway, passed_learner, run_in_browser, screenshot, tmp_path):
    url, uow, orgs, client = (archive_gateway["url"], archive_gateway["uow"],
                              archive_gateway["orgs"], archive_gateway["client"])
    s = passed_learner
    person, learner, plan, old_plan = s["person"], s["learner"], s["plan"], s["old_plan"]
    code = s["certificate"]["code"]
    admin = grant_admin(uow, orgs["open"], modules=["learner_management"], is_super=False,
                        username="openadmin")
    completed_on = (shanghai_today(datetime.now(timezone.utc)) - timedelta(days=3)).isoformat()
    saved_pdf = tmp_path / "证书.pdf"
    console_errors = []

    async def fetch_pdf(page, href):
        assert href and href.startswith("/api/v1/files/"), href
        got = await page.request.get(url + href)
        assert got.ok, got.status
        body = await got.body()
        assert body.startswith(b"%PDF"), body[:20]
        return body

    async def scenario(page):
        # Errors Vue catches (a render or a watcher failing) reach the console, not pageerror.
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error"
                and not m.text.startswith("Failed to load resource") else None)
        await log_in(page, uow, url, person["username"], person["password"])
        nav = page.get_by_role("navigation", name="主导航")

        # ---- 我的档案: the plan 已通过 with its hours and its certificate ---------------
        await nav.get_by_role("menuitem", name="我的档案").click()
        await expect(page.get_by_role("heading", name="我的档案", exact=True)).to_be_visible()
        await expect(page.get_by_role("tab", name="我的档案（1）")).to_be_visible()
        row = page.get_by_role("row", name=re.compile(re.escape(plan["name"])))
        await expect(row).to_contain_text("已通过")
        await expect(row).to_contain_text("2.0 / 2.0")  # 必修 studied / completed
        await expect(row).to_contain_text("1.0 / 1.0")  # 选修
        await expect(row).to_contain_text("3.0")
        await expect(row).to_contain_text("已发证")
        await expect(row).to_contain_text(str(plan["year"]))
        await screenshot(page, "archive-list")

        # ---- 打印证书: the signed PDF from a new tab, its code and verification page ----
        downloads = []
        page.context.on("page", lambda tab: tab.on("download", lambda d: downloads.append(d)))
        async with page.expect_popup() as opened:
            await row.get_by_role("button", name="打印证书").click()
        tab = await opened.value
        notice = page.get_by_role("status").filter(has_text="培训证书")
        await expect(notice).to_contain_text(code)
        await until(lambda: downloads)
        from_tab = (await downloads.pop().path()).read_bytes()
        href = await notice.get_by_role("link", name="下载证书 PDF").get_attribute("href")
        pdf = await fetch_pdf(page, href)
        digest = hashlib.sha256(pdf).hexdigest()
        assert from_tab == pdf and digest == s["certificate"]["sha256"]
        saved_pdf.write_bytes(pdf)
        await expect(notice.get_by_role("link", name="证书验证页面")).to_have_attribute(
            "href", f"/verify/{code}")
        await tab.close()

        # ---- 打印档案: the record as a PDF, from a new tab too -------------------------
        async with page.expect_popup() as opened:
            await row.get_by_role("button", name="打印档案").click()
        tab = await opened.value
        notice = page.get_by_role("status").filter(has_text="培训档案")
        await expect(notice.get_by_role("link", name="下载档案 PDF")).to_be_visible(timeout=40_000)
        await until(lambda: downloads)
        record_pdf = (await downloads.pop().path()).read_bytes()
        assert record_pdf.startswith(b"%PDF")
        assert await fetch_pdf(page, await notice.get_by_role("link", name="下载档案 PDF")
                               .get_attribute("href"))
        await tab.close()

        # ---- 查看档案: the courses, their progress and the exam score --------------------
        await row.get_by_role("link", name="查看档案").click()
        await expect(page).to_have_url(re.compile(rf"/archive/{s['enrolment_id']}$"))
        await expect(page.get_by_role("heading", name="培训档案详情")).to_be_visible()
        courses = page.get_by_role("region", name="课程学习情况")
        required = courses.get_by_role("row", name=re.compile("学习贯彻党的二十大精神"))
        await expect(required).to_contain_text("必修")
        await expect(required).to_contain_text("88 分（通过）")
        await expect(required.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
        elective = courses.get_by_role("row", name=re.compile("人工智能与数字经济"))
        await expect(elective).to_contain_text("选修")
        await expect(elective).to_contain_text("无需考试")
        await expect(page.get_by_text("合计：2 门课程，3.0 学时；已完成 2 门，3.0 学时。")).to_be_visible()
        await expect(page.get_by_text(code)).to_be_visible()
        await screenshot(page, "archive-detail")

        # ---- 历史档案: the closed past plan; 打印档案 refused with the reason -------------
        await page.get_by_role("link", name="我的档案").first.click()
        await page.get_by_role("tab", name="历史档案（1）").click()
        await expect(page).to_have_url(re.compile(r"/archive\?tab=history$"))
        old_row = page.get_by_role("row", name=re.compile(re.escape(old_plan["name"])))
        await expect(old_row).to_contain_text("学习中")
        await expect(old_row).to_contain_text("未获得")
        await expect(old_row.get_by_role("button", name="打印证书")).to_have_count(0)
        await old_row.get_by_role("button", name="打印档案").click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "打印档案失败：培训计划已结束（系统下线），不能再打印档案")
        await page.get_by_role("tab", name="线下档案（0）").click()
        await expect(page.get_by_text("您没有线下档案。")).to_be_visible()

        # ---- 历史课程: the past year's plan and its 查看档案 ------------------------------
        await nav.get_by_role("menuitem", name="历史课程").click()
        await expect(page.get_by_role("heading", name="历史课程")).to_be_visible()
        old_row = page.get_by_role("row", name=re.compile(re.escape(old_plan["name"])))
        await expect(old_row).to_contain_text(str(old_plan["year"]))
        await expect(old_row).to_contain_text("学习中")
        await expect(old_row).to_contain_text("已结束")
        await expect(page.get_by_role("row", name=re.compile(re.escape(plan["name"]))))\
            .to_have_count(0)
        await screenshot(page, "archive-history")
        await old_row.get_by_role("link", name="查看档案").click()
        await expect(page).to_have_url(re.compile(rf"/archive/{s['old_enrolment_id']}\?from=history"))
        await expect(page.get_by_role("region", name="课程学习情况")).to_contain_text(
            "专业技术人员创新创业能力建设")
        await expect(page.get_by_role("button", name="打印证书")).to_have_count(0)

        # ---- 我的笔记: newest first, edit one, delete the other --------------------------
        await nav.get_by_role("menuitem", name="我的笔记").click()
        await expect(page.get_by_role("heading", name="我的笔记")).to_be_visible()
        rows = page.get_by_role("row", name=re.compile("学习贯彻党的二十大精神"))
        await expect(rows).to_have_count(2)
        await expect(rows.first).to_contain_text("要点：<b>不是标签</b>")  # text, not markup
        await expect(rows.first).to_contain_text("00:12")
        await expect(rows.last).to_contain_text("01:15")
        await expect(rows.last).to_contain_text("第1节")
        await expect(rows.last.get_by_role("link", name="回到视频")).to_have_attribute(
            "href", f"/courses/{s['required']['course_id']}/chapters/"
                    f"{s['required']['chapters'][0]['chapter_id']}")
        await screenshot(page, "notes")
        await rows.last.get_by_role("button", name="修改").click()
        dialog = page.get_by_role("dialog", name="修改笔记")
        await field(dialog, "笔记内容").fill("  ")
        await dialog.get_by_role("button", name="保存").click()
        await expect(dialog.get_by_text("请输入笔记内容")).to_be_visible()
        await field(dialog, "笔记内容").fill("高质量发展是全面建设社会主义现代化国家的首要任务")
        await dialog.get_by_role("button", name="保存").click()
        await expect(page.get_by_text("笔记已保存。")).to_be_visible()
        await expect(dialog).to_be_hidden()
        await expect(rows.last).to_contain_text("首要任务")
        await rows.first.get_by_role("button", name="删除").click()
        confirm = page.get_by_role("dialog", name="删除笔记")
        await expect(confirm).to_contain_text("00:12")
        await confirm.get_by_role("button", name="确定删除").click()
        await expect(page.get_by_text("笔记已删除。")).to_be_visible()
        await expect(rows).to_have_count(1)
        stored = client.get("/api/v1/me/notes", headers=learner).json["items"]
        assert [(n["note_id"], n["body"]) for n in stored] == [
            (s["notes"][0]["note_id"], "高质量发展是全面建设社会主义现代化国家的首要任务")]

        # ---- 证书验证 (no login needed): a typed code, every field, the hash ---------------
        await page.goto(url + "/verify")
        await expect(page.get_by_role("heading", name="证书验证")).to_be_visible()
        await field(page, "证书编号").fill("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
        await page.get_by_role("button", name="验证", exact=True).click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "未找到编号为“ZZZZ-ZZZZ-ZZZZ-ZZZZ”的证书")
        await field(page, "证书编号").fill(code.replace("-", "").lower())
        await page.get_by_role("button", name="验证", exact=True).click()
        await expect(page).to_have_url(url + f"/verify/{code}")
        verified = client.get(f"/api/v1/certificates/{code}").json
        state = page.get_by_role("status").filter(has_text="证书状态")
        await expect(state).to_contain_text("有效")
        facts = page.locator(".cert-facts")
        for text in (code, "王晓档", verified["id_number_masked"], plan["name"],
                     f"{plan['year']} 年", "3.0 学时", "2.0 学时", "1.0 学时",
                     verified["completed_on"], verified["issued_on"], verified["issuer"]):
            await expect(facts).to_contain_text(text)
        await expect(facts).not_to_contain_text(person["id_number"])
        await expect(page.locator("#cert-sha256")).to_have_text(digest)
        async with page.expect_file_chooser() as chooser:
            await field(page, "校验证书文件").click()
        await (await chooser.value).set_files(str(saved_pdf))
        await expect(page.get_by_role("status").filter(has_text="一致：")).to_contain_text(digest)
        await screenshot(page, "verify-valid")

        # ---- the operator revokes it: 已撤销, the date and the reason -------------------
        revoked = client.post(f"/api/v1/admin/certificates/{code}/revocation",
                              headers=s["operator"], json={"reason": REASON})
        assert revoked.status_code == 200, revoked.json
        await page.reload()
        state = page.get_by_role("status").filter(has_text="证书状态")
        await expect(state).to_contain_text("已撤销")
        await expect(state).to_contain_text(REASON)
        at = datetime.fromisoformat(revoked.json["revoked_at"])
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(
            timezone(timedelta(hours=8)))
        await expect(state).to_contain_text(at.strftime("%Y-%m-%d %H:%M"))
        await expect(page.locator(".cert-state.is-revoked")).to_be_visible()
        await screenshot(page, "verify-revoked")

        # ---- the learner's archive follows: no 打印证书 for a revoked certificate ---------
        await page.goto(url + "/archive")
        row = page.get_by_role("row", name=re.compile(re.escape(plan["name"])))
        await expect(row).to_contain_text("证书已撤销")
        await expect(row.get_by_role("button", name="打印证书")).to_have_count(0)
        # at 375 px the page does not scroll sideways (the table scrolls in its box)
        await page.set_viewport_size({"width": 375, "height": 800})
        await expect(row).to_contain_text("证书已撤销")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 375
        await page.set_viewport_size({"width": 1280, "height": 900})
        await page.get_by_role("button", name="退出登录").click()

        # ---- the admin: 学员管理 › 查看档案, a plan's detail, 录入线下档案 ------------------
        await log_in(page, uow, url, *admin, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="学员管理").click()
        await field(page, "姓名").fill("王晓档")
        await page.get_by_role("button", name="查询").click()
        learner_row = page.get_by_role("row", name=re.compile("王晓档"))
        await learner_row.get_by_role("link", name="查看档案").click()
        await expect(page.get_by_role("heading", name=re.compile("学员学习档案：王晓档"))).to_be_visible()
        row = page.get_by_role("row", name=re.compile(re.escape(plan["name"])))
        await expect(row).to_contain_text("已通过")
        await expect(row).to_contain_text("2.0 / 2.0")
        await expect(row.get_by_role("button", name="打印证书")).to_have_count(0)  # read-only
        await expect(row.get_by_role("button", name="打印档案")).to_have_count(0)
        await row.get_by_role("link", name="查看档案").click()
        await expect(page.get_by_role("heading", name="培训档案详情")).to_be_visible()
        await expect(page.get_by_role("region", name="课程学习情况")).to_contain_text("88 分（通过）")
        await page.get_by_role("link", name="查看档案").click()
        await page.get_by_role("tab", name="历史档案（1）").click()
        await expect(page.get_by_role("row", name=re.compile(re.escape(old_plan["name"]))))\
            .to_be_visible()

        await page.get_by_role("button", name="录入线下档案").click()
        dialog = page.get_by_role("dialog", name="录入线下档案")
        await expect(dialog).to_contain_text("王晓档")
        await field(dialog, "学时").fill("8.25")
        await dialog.get_by_role("button", name="保存").click()
        await expect(dialog.get_by_text("请输入培训项目名称（至少2个字）")).to_be_visible()
        await expect(dialog.get_by_text("学时须为0–999，最多一位小数")).to_be_visible()
        await field(dialog, "培训项目").fill("会计人员继续教育面授培训")
        await choose(dialog, "专业科目")
        await field(dialog, "学时").fill("8")
        await field(dialog, "完成日期").fill(completed_on)
        await field(dialog, "完成日期").press("Enter")
        await field(dialog, "举办单位").fill("天津市财政局")
        await dialog.get_by_role("button", name="保存").click()
        await expect(dialog).to_be_hidden()
        await expect(page.get_by_text("已为该学员录入线下档案“会计人员继续教育面授培训”。")).to_be_visible()
        await expect(page.get_by_role("tab", name="线下档案（1）")).to_have_attribute(
            "aria-selected", "true")
        offline = page.get_by_role("row", name=re.compile("会计人员继续教育面授培训"))
        for text in ("专业科目", "8.0", "天津市财政局", completed_on):
            await expect(offline).to_contain_text(text)
        await screenshot(page, "admin-learner-archive")
        stored = client.get("/api/v1/me/archive", headers=learner).json["offline"]
        assert [(r["title"], r["kind"], r["hours"], r["organiser"], r["completed_on"])
                for r in stored] == [("会计人员继续教育面授培训", "professional", "8.0",
                                      "天津市财政局", completed_on)]
        assert not console_errors, console_errors

    run_in_browser(scenario)
