"""培训计划报表 in a real browser, against the real services with reporting running: three
learners register in a bureau's hospital, two activate a plan; an admin of the bureau with
查询统计 opens 参训情况统计表, picks the plan, 查询, and sees a row per unit and the bold
合计 with the rates beside a bar chart; 导出 Excel starts an export, and 导出数据暂存区
shows it reach 完成 with its size and a 下载 link. Then the other screens' main path:
完成情况明细表 and its 查看 (that learner's exams), 未激活人员明细表 with a date range,
按人员统计考试 sorted on the server, 考试情况统计 with its stacked chart, and the
operator's 收支统计 with its 合计 and daily line — each exported to the staging area."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.async_api import expect

import sqlalchemy as sa

from services.reporting.models import exam_candidates, exams, money_days
from tests.conftest import eventually
from tests.e2e.browser import field, log_in
from tests.integration.conftest import grant_admin
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
REPORT = "/api/v1/admin/reports/participation"


async def pick_plan(page, name):
    """Open 培训计划 (the newest is chosen already) and choose `name` from the list."""
    await field(page, "培训计划").click()
    await page.get_by_role("option", name=re.compile(re.escape(name))).click()


async def open_report(page, url, link, heading=None):
    await page.goto(url + "/admin")  # 管理首页 lists the menu's functions
    await page.get_by_role("link", name=link).first.click()
    await expect(page.get_by_role("heading", name=heading or link)).to_be_visible()


async def export_and_see_it_done(page, url, report_name):
    await page.get_by_role("button", name="导出 Excel").click()
    notice = page.get_by_role("status").filter(has_text="已开始导出")
    await expect(notice).to_be_visible()
    await notice.get_by_role("link", name="前往导出数据暂存区").click()
    await expect(page.get_by_role("heading", name="导出数据暂存区")).to_be_visible()
    row = page.locator(".exports-table").get_by_role("row", name=re.compile(report_name)).first
    await expect(row.get_by_text("完成", exact=True)).to_be_visible(timeout=20_000)
    await expect(row.get_by_role("link", name="下载")).to_be_visible()


def test_participation_report_chart_and_export(reporting_gateway, run_in_browser,
                                               screenshot, tmp_path):
    url, uow, orgs = reporting_gateway["url"], reporting_gateway["uow"], reporting_gateway["orgs"]
    client = reporting_gateway["client"]
    operator = operator_headers(client, uow)
    course = make_course(client, operator, tmp_path, "必修课", "1.0")
    plan = published_plan(client, operator, [{"course_id": course["course_id"],
                                              "kind": "required"}],
                          total_hours="1.0", required_hours="1.0")
    plan_id = plan["plan_id"]
    for activates in (True, True, False):
        learner, _ = new_learner(client, orgs["open"])
        if activates:
            assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                               headers=learner).status_code == 200
    username, password = grant_admin(uow, orgs["bureau"], modules=["statistics"],
                                     username="reportadmin")
    bureau = bearer(login(client, username, password, role="admin").json)
    # reporting's read models are fed by events: wait until they have all arrived.
    eventually(lambda: client.get(REPORT, headers=bureau, query_string={"plan_id": plan_id})
               .json["total"]["selected"] == 2, timeout=20)

    async def scenario(page):
        await log_in(page, uow, url, username, password, role="admin")
        await page.goto(url + "/admin")
        await page.get_by_role("link", name="参训情况统计表").first.click()
        await expect(page.get_by_role("heading", name="参训情况统计表")).to_be_visible()
        await pick_plan(page, plan["name"])
        await page.get_by_role("button", name="查询").click()

        table = page.locator(".participation-table")
        hospital = table.get_by_role("row", name=re.compile("直接通过医院"))
        await expect(hospital).to_be_visible()
        cells = hospital.get_by_role("cell")
        await expect(cells.nth(2)).to_have_text("3")      # 注册人数
        await expect(cells.nth(3)).to_have_text("2")      # 选课人数
        await expect(cells.nth(7)).to_have_text(re.compile(r"^\d+\.\d{2}%$"))
        await expect(table.get_by_role("row", name=re.compile("测试人社局（本级）"))).to_be_visible()
        total = table.locator("tr.total-row")
        await expect(total).to_contain_text("合计")
        await expect(total.get_by_role("cell").nth(2)).to_have_text("3")
        await expect(total.get_by_role("cell").nth(8)).to_have_text(re.compile(r"%$"))
        await expect(page.locator(".rate-chart canvas")).to_be_visible()
        await screenshot(page, "reporting-participation")

        await page.get_by_role("button", name="导出 Excel").click()
        await expect(page.get_by_text(re.compile("已开始导出.*导出数据暂存区"))).to_be_visible()

        await page.goto(url + "/admin")  # 管理首页 lists the menu's functions
        await page.get_by_role("link", name="导出数据暂存区").first.click()
        await expect(page.get_by_role("heading", name="导出数据暂存区")).to_be_visible()
        await expect(page.get_by_text(re.compile(r"文件保留 \d+ 天"))).to_be_visible()
        row = page.locator(".exports-table").get_by_role(
            "row", name=re.compile("培训计划学员参训情况统计表"))
        await expect(row.first).to_be_visible()
        await expect(row.first.get_by_text("完成", exact=True)).to_be_visible(timeout=20_000)
        await expect(row.first.get_by_role("link", name="下载")).to_be_visible()
        await expect(row.first).to_contain_text(re.compile(r"(KB|MB|字节)"))
        await screenshot(page, "reporting-exports")

    run_in_browser(scenario)


def test_the_other_reports_filters_tables_charts_and_exports(reporting_gateway, run_in_browser,
                                                            screenshot, tmp_path):
    """Exam and billing do not run here: their figures are put straight into reporting's
    read models (the integration tests feed them through the real events)."""
    url, uow, orgs = reporting_gateway["url"], reporting_gateway["uow"], reporting_gateway["orgs"]
    client = reporting_gateway["client"]
    operator = operator_headers(client, uow)
    course = make_course(client, operator, tmp_path, "必修课", "1.0")
    plan = published_plan(client, operator, [{"course_id": course["course_id"],
                                              "kind": "required"}],
                          total_hours="1.0", required_hours="1.0")
    plan_id = plan["plan_id"]
    learners = []
    for activates in (True, True, False):
        learner, user_id = new_learner(client, orgs["open"])
        learners.append(user_id)
        if activates:
            assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                               headers=learner).status_code == 200
    username, password = grant_admin(uow, orgs["bureau"], modules=["statistics"],
                                     username="reportadmin2")
    bureau = bearer(login(client, username, password, role="admin").json)
    eventually(lambda: client.get("/api/v1/admin/reports/completion", headers=bureau,
                                  query_string={"plan_id": plan_id}).json["total"] == 2,
               timeout=20)
    now = datetime.now(timezone.utc)
    today = now.astimezone(timezone(timedelta(hours=8))).date()
    with uow("reporting")() as u:
        u.session.execute(sa.insert(exams).values(
            exam_id=901, name="数字经济与创新发展", course_id=course["course_id"],
            plan_id=plan_id, plan_name=plan["name"], exam_type="自考", pass_score=60,
            attempts_allowed=2, exempt_attempts=0, org_id=None, status="published", version=1))
        u.session.execute(sa.insert(exam_candidates), [
            {"exam_id": 901, "user_id": learners[0], "opened_at": now, "attempts_taken": 1,
             "best_score": 90, "last_attempt_at": now, "remaining_attempts": 1,
             "remaining_exempt_attempts": 0, "passed_at": now},
            {"exam_id": 901, "user_id": learners[1], "opened_at": now, "attempts_taken": 2,
             "best_score": 40, "last_attempt_at": now, "remaining_attempts": 0,
             "remaining_exempt_attempts": 0, "passed_at": None},
            {"exam_id": 901, "user_id": learners[2], "opened_at": now, "attempts_taken": 0,
             "best_score": None, "last_attempt_at": None, "remaining_attempts": None,
             "remaining_exempt_attempts": None, "passed_at": None}])
        u.session.execute(sa.insert(money_days), [
            {"day": today, "plan_id": plan_id, "kind": "paid", "count": 2, "fen": 2000},
            {"day": today, "plan_id": plan_id, "kind": "refund", "count": 1, "fen": 550},
            {"day": today, "plan_id": 0, "kind": "recharge", "count": 1, "fen": 10000},
            {"day": today - timedelta(days=2), "plan_id": plan_id, "kind": "paid", "count": 1,
             "fen": 1000}])
        u.commit()

    async def scenario(page):
        await log_in(page, uow, url, username, password, role="admin")

        # 完成情况明细表: the org picker starts at the admin's bureau (the sibling bureau is
        # neither in the tree nor found); the hospital chosen; the two who selected; then
        # 查看 → that learner's exams.
        await open_report(page, url, "完成情况明细表")
        await pick_plan(page, plan["name"])
        await field(page, "组织机构").click()  # 重新选择, labelled by its field
        dialog = page.get_by_role("dialog", name="选择组织机构")
        await expect(dialog.get_by_text("测试人社局", exact=True)).to_be_visible()
        await dialog.get_by_placeholder("输入单位名称搜索").fill("人社局")
        await expect(dialog.get_by_text("找到 1 个单位")).to_be_visible()
        await expect(dialog.get_by_text("外市人社局")).to_have_count(0)
        await dialog.get_by_placeholder("输入单位名称搜索").fill("")
        await dialog.get_by_role("button", name="搜索").click()
        await dialog.get_by_text("测试人社局", exact=True).click()  # expands the level below
        await dialog.get_by_role("button", name="选择 直接通过医院").click()
        await expect(page.locator(".org-chosen")).to_contain_text("直接通过医院")
        await page.get_by_role("button", name="查询").click()
        table = page.locator(".completion-table")
        await expect(page.get_by_text("共 2 人")).to_be_visible()
        await expect(table.get_by_role("row", name=re.compile("未完成"))).to_have_count(2)
        await screenshot(page, "reporting-completion")
        await table.get_by_role("button", name=re.compile("^查看")).first.click()
        await expect(page.get_by_role("heading", name="按人员统计考试")).to_be_visible()
        await expect(page.get_by_text(re.compile("只看："))).to_be_visible()
        person = page.locator(".exams-person-table")
        await expect(person.get_by_role("row", name=re.compile("数字经济与创新发展"))) \
            .to_have_count(1)

        # 按人员统计考试 for everyone, sorted by 最高分值 on the server.
        await open_report(page, url, "按人员统计考试")
        await pick_plan(page, plan["name"])
        await page.get_by_role("button", name="查询").click()
        await expect(person.get_by_role("row", name=re.compile("数字经济"))).to_have_count(3)
        header = person.locator("th", has_text="最高分值")
        async with page.expect_response(re.compile(r"exams-by-person\?.*sort=best_score"
                                                   r".*order=asc")):
            await header.locator(".caret-wrapper .ascending").click()
        await expect(person.locator("tbody tr").first).to_contain_text("未通过")  # 40, none left
        await expect(person.locator("tbody tr").first).to_contain_text("40")
        async with page.expect_response(re.compile(r"order=desc")):
            await header.locator(".caret-wrapper .descending").click()
        await expect(person.locator("tbody tr").first).to_contain_text("已通过")

        # 未激活人员明细表 with today's registrations.
        await open_report(page, url, "未激活人员明细表")
        await pick_plan(page, plan["name"])
        await field(page, "注册日期").fill(today.isoformat())
        await page.get_by_placeholder("结束日期").fill(today.isoformat())
        await page.get_by_placeholder("结束日期").press("Enter")
        await page.get_by_role("button", name="查询").click()
        inactive = page.locator(".inactive-table")
        await expect(page.get_by_text("共 1 人")).to_be_visible()
        await expect(inactive.get_by_role("row", name=re.compile(re.escape(plan["name"])))) \
            .to_have_count(1)
        await export_and_see_it_done(page, url, "培训计划未激活人员明细表")

        # 考试情况统计 with the stacked bars.
        await open_report(page, url, "考试情况统计")
        await pick_plan(page, plan["name"])
        await page.get_by_role("button", name="查询").click()
        row = page.locator(".exams-exam-table").get_by_role(
            "row", name=re.compile("数字经济与创新发展"))
        await expect(row).to_be_visible()
        cells = row.get_by_role("cell")
        await expect(cells.nth(4)).to_have_text("3")   # 应参考人数
        await expect(cells.nth(5)).to_have_text("1")   # 通过人数
        await expect(cells.nth(6)).to_have_text("1")   # 未通过人数
        await expect(cells.nth(7)).to_have_text("1")   # 未参考人数
        await expect(page.locator(".exam-chart canvas")).to_be_visible()
        await screenshot(page, "reporting-exams-by-exam")
        await export_and_see_it_done(page, url, "考试情况统计")

        # The operator's 收支统计.
        await page.get_by_role("button", name="退出登录").click()
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        await open_report(page, url, "收支统计")
        await page.get_by_role("button", name="查询").click()
        money = page.locator(".money-table")
        await expect(money.get_by_role("row", name=re.compile(today.isoformat()))) \
            .to_contain_text("¥14.50")                       # 20.00 paid less 5.50
        footer = money.locator(".el-table__footer")
        await expect(footer).to_contain_text("合计")
        await expect(footer).to_contain_text("¥24.50")      # both days' net
        await expect(page.locator(".money-days-table")).to_contain_text("¥100.00")
        await expect(page.locator(".net-chart canvas")).to_be_visible()
        await screenshot(page, "reporting-money")
        await export_and_see_it_done(page, url, "收支统计")

    run_in_browser(scenario)
