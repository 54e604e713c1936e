"""培训计划报表 in a real browser, against the real services with reporting running: three
learners register in a bureau's hospital, two activate a plan; an admin of the bureau with
查询统计 opens 参训情况统计表, enters the plan, 查询, and sees a row per unit and the bold
合计 with the rates beside a bar chart; 导出 Excel starts an export, and 导出数据暂存区
shows it reach 完成 with its size and a 下载 link."""
import re

import pytest
from playwright.async_api import expect

from tests.conftest import eventually
from tests.e2e.browser import field, log_in
from tests.integration.conftest import grant_admin
from tests.integration.test_gateway_flow import bearer, login
from tests.learning_helpers import make_course, new_learner, operator_headers, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
REPORT = "/api/v1/admin/reports/participation"


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
        await field(page, "培训计划编号").fill(str(plan_id))
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
