"""The admin's everyday pages in a real browser: 学员管理 (search, export link, 调出),
人员调动 (the receiving admin accepts), 本单位信息 (a name change goes to review and is
withdrawn), 下级单位与施教机构 (a unit's admin is removed), 管理员与角色 (an outsider added by
login name is invited and accepts after logging in)."""
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.common.authz import MODULES
from services.identity.models import accounts, admin_grants
from tests.builders import citizen_id, registration
from tests.conftest import eventually
from tests.e2e.test_admin_reviews_web import log_in
from tests.e2e.test_web_client import account_status, field
from tests.integration.conftest import grant_admin

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_learners_transfers_own_unit_and_units_below(live_gateway, run_in_browser, tmp_path):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    person = registration(orgs["open"], real_name="孙立")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    for _ in range(21):  # two pages of 周 in the list
        assert client.post("/api/v1/auth/register", json=registration(
            orgs["open"], real_name="周同学")).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active")
    bureau = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="bureauadmin")
    grant_admin(uow, orgs["open"], modules=["basic_info"], username="hospitaladmin")
    receiver = grant_admin(uow, orgs["reviewing"], modules=["learner_management"],
                           username="receiver")

    async def scenario(page):
        await log_in(page, uow, url, *bureau, admin=True)
        await page.get_by_role("link", name="学员管理").click()
        await expect(page.get_by_role("heading", name="学员管理")).to_be_visible()
        await field(page, "姓名").fill("孙")
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile("孙立"))
        await expect(row).to_contain_text("直接通过医院")
        await expect(row).to_contain_text("*")  # ID number and phone masked
        await field(page, "姓名").fill("周")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("共 21 人")).to_be_visible()
        await expect(page.get_by_text("第 1 / 2 页")).to_be_visible()
        await page.get_by_role("button", name="下一页").click()
        await expect(page.get_by_text("第 2 / 2 页")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("周同学"))).to_have_count(1)
        await field(page, "姓名").fill("孙")
        await page.get_by_role("button", name="查询").click()
        await expect(row).to_contain_text("直接通过医院")
        await page.get_by_role("button", name="导出Excel").click()
        await expect(page.get_by_text(re.compile("已生成 1 人的导出文件"))).to_be_visible()

        await row.get_by_role("button", name="调出").click()
        dialog = page.get_by_role("dialog", name="人员调出")
        await dialog.get_by_role("button", name="选择单位").click()
        await dialog.get_by_role("button", name="展开 测试人社局 的下级单位").click()
        await dialog.get_by_role("button", name="选择 需要审核集团").click()
        await dialog.get_by_role("button", name="确认调出").click()
        await expect(page.get_by_text("已向“需要审核集团”发出调出申请，待其确认调入。")).to_be_visible()

        # ---- 本单位信息: a name change goes to review, then is withdrawn ----------------------
        await page.goto(url + "/#/admin/org")
        await expect(page.get_by_role("heading", name="本单位信息")).to_be_visible()
        await field(page, "新的单位名称").fill("测试市人社局")
        await page.get_by_role("button", name="提交审核").first.click()
        await expect(page.get_by_text("修改申请已提交上级单位审核。")).to_be_visible()
        record = page.get_by_role("row", name=re.compile("修改单位信息"))
        await expect(record).to_contain_text("审核中")
        await record.get_by_role("button", name="撤销").click()
        await expect(page.get_by_role("row", name=re.compile("修改单位信息"))).to_contain_text(
            "已撤销")

        # ---- 下级单位: the hospital's admin loses their rights ------------------------------
        await page.goto(url + "/#/admin/subordinates")
        unit = page.get_by_role("row", name=re.compile("直接通过医院"))
        await unit.get_by_role("button", name="查看管理员").click()
        page.once("dialog", lambda d: d.accept())
        await unit.get_by_role("button", name="删除").click()
        await expect(page.get_by_text(re.compile("已删除“.*”的管理员权限。"))).to_be_visible()
        await expect(unit).to_contain_text("无管理员")
        await page.screenshot(path=str(tmp_path / "subordinates.png"), full_page=True)
        await page.get_by_role("button", name="退出登录").click()

        # ---- 人员调动: the receiving admin accepts -------------------------------------------
        await log_in(page, uow, url, *receiver, admin=True)
        await page.get_by_role("link", name="人员调动").click()
        incoming = page.get_by_role("row", name=re.compile("孙立"))
        await expect(incoming).to_contain_text("待确认")
        await incoming.get_by_role("button", name="接收").click()
        await expect(page.get_by_text("已接收“孙立”调入本单位。")).to_be_visible()

    run_in_browser(scenario)
    with uow("identity")() as u:
        status = u.session.execute(
            sa.select(admin_grants.c.status).select_from(admin_grants.join(
                accounts, accounts.c.id == admin_grants.c.user_id))
            .where(accounts.c.username == "hospitaladmin")).scalar()
    assert status == "revoked"


def test_super_admin_manages_roles_and_admins_and_reads_the_log(live_gateway, run_in_browser):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    boss = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="boss")
    newcomer = citizen_id(birth="19920303", male=False)

    async def scenario(page):
        await log_in(page, uow, url, *boss, admin=True)
        await page.get_by_role("link", name="管理员与角色").click()
        await expect(page.get_by_role("heading", name="管理员与角色")).to_be_visible()
        await field(page, "角色名称").fill("审核员")
        await page.get_by_role("checkbox", name="账号审核").check()
        await page.get_by_role("button", name="新增角色").click()
        await expect(page.get_by_text("已新增角色“审核员”。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("审核员"))).to_contain_text("账号审核")

        await page.get_by_role("radio", name="新用户").check()
        await field(page, "用户名或身份证号码").fill(newcomer)
        await field(page, "真实姓名").fill("吴新")
        await field(page, "手机号码").fill("13512345678")
        await field(page, "角色").select_option(label="审核员")
        await page.get_by_role("button", name="新增管理员").click()
        await expect(page.get_by_text("已新增管理员。")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("吴新"))
        await expect(row).to_contain_text("启用")
        page.once("dialog", lambda d: d.accept())
        await row.get_by_role("button", name="禁用").click()
        await expect(page.get_by_text("已禁用“吴新”。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("吴新"))).to_contain_text("禁用")

        await page.goto(url + "/#/admin/audit-log")
        await expect(page.get_by_role("heading", name="操作记录")).to_be_visible()
        log = page.locator("table")
        for action in ("新增角色", "新增管理员", "禁用管理员"):
            await expect(log).to_contain_text(action)

    run_in_browser(scenario)


def test_an_employer_admin_keeps_its_departments(live_gateway, run_in_browser):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    employer = grant_admin(uow, orgs["open"], modules=["basic_info"], username="deptadmin")

    async def scenario(page):
        await log_in(page, uow, url, *employer, admin=True)
        await page.goto(url + "/#/admin/departments")
        await expect(page.get_by_text("“直接通过医院”下还没有内设部门。")).to_be_visible()
        await field(page, "新部门名称").fill("内科")
        await page.get_by_role("button", name="新增部门").click()
        await expect(page.get_by_text("已在“直接通过医院”下新增“内科”。")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("内科"))
        await row.get_by_role("button", name="添加下级").click()
        await expect(page.locator(".crumbs")).to_contain_text("直接通过医院 › 内科")
        await field(page, "新部门名称").fill("心内科")
        await page.get_by_role("button", name="新增部门").click()
        await expect(page.get_by_role("row", name=re.compile("心内科"))).to_be_visible()
        await page.locator(".crumbs").get_by_role("link", name="直接通过医院").click()
        row = page.get_by_role("row", name=re.compile("内科"))
        await expect(row.get_by_role("button", name="下级部门")).to_be_visible()
        await row.get_by_role("button", name="停用").click()
        await expect(page.get_by_text("已停用“内科”。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("内科"))).to_contain_text("已停用")

    run_in_browser(scenario)


def test_an_outsider_added_by_login_name_is_invited_and_accepts(live_gateway, run_in_browser,
                                                                tmp_path):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    boss = grant_admin(uow, orgs["open"], modules=list(MODULES), username="openboss",
                       person_org=orgs["open"])
    outsider = registration(orgs["other"], real_name="韩梅")
    assert client.post("/api/v1/auth/register", json=outsider).status_code == 201
    eventually(lambda: account_status(uow, outsider["username"]) == "active")

    async def scenario(page):
        await log_in(page, uow, url, *boss, admin=True)
        await page.get_by_role("link", name="管理员与角色").click()
        await field(page, "用户名或身份证号码").fill(outsider["username"])
        await field(page, "角色").select_option(label="角色openboss")
        await page.get_by_role("button", name="新增管理员").click()
        await expect(page.get_by_text(re.compile("已向其发出邀请"))).to_be_visible()
        row = page.get_by_role("row", name=re.compile("韩梅"))
        await expect(row).to_contain_text("待接受")
        await expect(row.get_by_role("button", name="撤回邀请")).to_be_visible()
        await expect(row.get_by_role("button", name="重置密码")).to_have_count(0)
        await page.get_by_role("button", name="退出登录").click()

        await log_in(page, uow, url, outsider["username"], outsider["password"])
        invitation = page.get_by_role("region", name="管理员邀请")
        await expect(invitation).to_contain_text("直接通过医院")
        await page.screenshot(path=str(tmp_path / "invitation.png"), full_page=True)
        await invitation.get_by_role("button", name="接受").click()
        await expect(page.get_by_text(re.compile("您已接受邀请"))).to_be_visible()
        await expect(invitation.get_by_role("button", name="接受")).to_have_count(0)
        await page.get_by_role("button", name="退出登录").click()

        await log_in(page, uow, url, *boss, admin=True)
        await page.goto(url + "/#/admin/staff")
        await expect(page.get_by_role("row", name=re.compile("韩梅"))).to_contain_text("启用")

    run_in_browser(scenario)
