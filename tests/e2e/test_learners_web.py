"""学员管理, 重置学员密码 and 操作记录 in a real browser: an admin searches the learners of
the units below (pages, masked ID numbers), gets the export link, resets a learner's
password, sends a learner to another unit (调出), imports a small .xlsx (one good row, one
bad) and gets the counts and the failure report; resets a password by user ID; the audit
log lists what was just done. An admin without 批量导入 does not get the import part."""
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from playwright.async_api import expect

from services.common.authz import MODULES
from services.identity.domain.import_sheet import HEADERS
from services.identity.models import accounts
from services.orgtree.models import admin_actions, transfers
from tests.builders import citizen_id, registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, field, log_in, until
from tests.integration.conftest import grant_admin

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def account(uow, username):
    with uow("identity")() as u:
        return u.session.execute(sa.select(accounts.c.id, accounts.c.must_change_password)
                                 .where(accounts.c.username == username)).first()


def transfers_of(uow, user_id):
    with uow("orgtree")() as u:
        return u.session.execute(sa.select(transfers.c.to_org_id, transfers.c.status,
                                           transfers.c.note)
                                 .where(transfers.c.user_id == user_id)).all()


def logged_actions(uow):
    with uow("orgtree")() as u:
        return [r.action for r in u.session.execute(sa.select(admin_actions.c.action))]


def import_file(path):
    """The template's header, one good learner and one whose mobile is not one."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for username, mobile in (("impgood01", "13911112222"), ("impbad01", "123")):
        sheet.append([username, "导入学员", "居民身份证", citizen_id(birth="19850612", male=True),
                      "1985-06-12", "男", mobile, "汉族", "未取得", None, None, None, "大学本科",
                      "群众", None])
    workbook.save(path)
    return path


def test_learners_search_export_reset_transfer_import_and_the_log(
        live_gateway, run_in_browser, screenshot, tmp_path):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    person = registration(orgs["open"], real_name="孙立")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    # registered in the order of their names: newest first is the reverse of by 用户名
    classmates = [registration(orgs["open"], real_name="周同学", username=f"zhou{i:02d}")
                  for i in range(21)]
    for other in classmates:  # two pages of 周 in the list
        assert client.post("/api/v1/auth/register", json=other).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active")
    bureau = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="bureauadmin")
    plain = grant_admin(uow, orgs["bureau"], modules=["learner_management"], is_super=False,
                        username="plainadmin")
    sun_id, sun_must_change = account(uow, person["username"])
    zhou_id, zhou_must_change = account(uow, classmates[0]["username"])
    assert not sun_must_change and not zhou_must_change
    sheet = import_file(tmp_path / "学员.xlsx")

    async def scenario(page):
        await log_in(page, uow, url, *bureau, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="学员管理").click()
        await expect(page.get_by_role("heading", name="学员管理")).to_be_visible()

        # ---- search: the units below, masked numbers, two pages ------------------------
        await field(page, "姓名").fill("孙")
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile("孙立"))
        await expect(row).to_contain_text("直接通过医院")
        await expect(row).to_contain_text("*")  # ID number and phone masked
        await expect(row).not_to_contain_text(person["id_number"])
        await field(page, "姓名").fill("周")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("共 21 条")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("周同学"))).to_have_count(20)
        # newest first; then by 用户名 (the API sorts): zhou00 first, zhou20 alone on page 2
        usernames = sorted(c["username"] for c in classmates)
        await expect(page.get_by_role("row", name=re.compile("周同学")).first).to_contain_text(
            usernames[-1])
        await page.get_by_role("columnheader", name="用户名").click()
        await expect(page.get_by_role("row", name=re.compile("周同学")).first).to_contain_text(
            usernames[0])
        await page.get_by_role("button", name="下一页").click()
        await expect(page.get_by_role("row", name=re.compile("周同学"))).to_have_count(1)
        await expect(page.get_by_role("row", name=re.compile("周同学"))).to_contain_text(
            usernames[-1])
        await field(page, "姓名").fill("孙")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_role("row", name=re.compile("周同学"))).to_have_count(0)
        await expect(row).to_contain_text("直接通过医院")
        await screenshot(page, "learners")

        # ---- 导出Excel: a link to the file of the one learner found -------------------
        await page.get_by_role("button", name="导出Excel").click()
        await expect(page.get_by_text(re.compile("已生成 1 人的导出文件"))).to_be_visible()
        link = page.get_by_role("link", name=re.compile(r"学员名单_\d+\.xlsx"))
        href = await link.get_attribute("href")
        assert href and href.startswith("/api/v1/files/"), href
        exported = await page.request.get(url + href)
        assert exported.ok
        names = [r[1] for r in load_workbook(io.BytesIO(await exported.body())).active.values]
        assert "孙立" in names and "周同学" not in names

        # ---- 重置密码, after a confirmation ----------------------------------------------
        await row.get_by_role("button", name="重置密码").click()
        confirm = page.get_by_role("dialog", name="重置密码")
        await expect(confirm).to_contain_text("确定将“孙立”的密码重置为证件号码后六位吗？")
        await confirm.get_by_role("button", name="确定重置").click()
        await expect(page.get_by_text("已重置“孙立”的密码，其下次登录须先修改密码。")).to_be_visible()
        assert account(uow, person["username"]).must_change_password

        # ---- 调出 to a unit chosen in the org tree, with a note ------------------------
        await row.get_by_role("button", name="调出").click()
        dialog = page.get_by_role("dialog", name="人员调出")
        await expect(dialog).to_contain_text("孙立")
        await dialog.get_by_role("button", name="确认调出").click()
        await expect(dialog.get_by_text("请选择调入单位")).to_be_visible()
        await field(dialog, "调入单位").click()
        picker = page.get_by_role("dialog", name="选择调入单位")
        await picker.get_by_label("按单位名称搜索").fill("需要审核")
        await picker.get_by_role("button", name="选择 需要审核集团").click()
        await expect(dialog).to_contain_text("需要审核集团")
        await field(dialog, "备注").fill("工作调动")
        await dialog.get_by_role("button", name="确认调出").click()
        await expect(page.get_by_text("已向“需要审核集团”发出调出申请，待其确认调入。")).to_be_visible()
        await expect(dialog).to_be_hidden()
        assert transfers_of(uow, sun_id) == [(orgs["reviewing"], "pending", "工作调动")]

        # ---- 批量导入: template, unit, file, progress, counts, failure report ----------
        panel = page.locator("section", has=page.get_by_role("heading", name="批量导入"))
        async with page.expect_download() as downloading:
            await panel.get_by_role("button", name="下载导入模板").click()
        template = await downloading.value
        assert template.suggested_filename.endswith(".xlsx")
        await panel.get_by_role("button", name="开始导入").click()
        await expect(panel.get_by_text("请选择导入到的单位")).to_be_visible()
        await field(panel, "导入到的单位").click()
        picker = page.get_by_role("dialog", name="选择导入到的单位")
        await picker.get_by_label("按单位名称搜索").fill("直接通过")
        await picker.get_by_role("button", name="选择 直接通过医院").click()
        async with page.expect_file_chooser() as chooser:
            await field(panel, "按模板填写的 Excel 文件").click()
        await (await chooser.value).set_files(str(sheet))
        await expect(panel.get_by_text(f"已选择：{sheet.name}")).to_be_visible()
        await panel.get_by_role("button", name="开始导入").click()
        await expect(panel.get_by_text("共 2 行：导入 1 人，失败 1 行。")).to_be_visible(
            timeout=30_000)
        await expect(panel.get_by_role("progressbar", name="导入进度")).to_have_attribute(
            "aria-valuenow", "100")
        report = panel.get_by_role("link", name="下载失败信息")
        failures = await page.request.get(url + await report.get_attribute("href"))
        assert failures.ok
        rows = list(load_workbook(io.BytesIO(await failures.body())).active.values)
        assert len(rows) == 2 and rows[1][1] == "impbad01" and "mobile" in rows[1][-1]
        assert account(uow, "impgood01") is not None and account(uow, "impbad01") is None
        await screenshot(page, "learner-import")

        # ---- 重置学员密码 by user ID ------------------------------------------------------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="重置学员密码").click()
        await expect(page.get_by_role("heading", name="重置学员密码")).to_be_visible()
        await field(page, "学员用户 ID").fill("abc")
        await page.get_by_role("button", name="重置密码").click()
        await expect(page.get_by_text("用户 ID 须为正整数")).to_be_visible()
        await field(page, "学员用户 ID").fill("999999999")
        await page.get_by_role("button", name="重置密码").click()
        await page.get_by_role("dialog", name="重置密码").get_by_role(
            "button", name="确定重置").click()
        await expect(page.get_by_role("alert").filter(
            has_text="在您的管辖范围内未找到该人员")).to_be_visible()
        await field(page, "学员用户 ID").fill(str(zhou_id))
        await page.get_by_role("button", name="重置密码").click()
        confirm = page.get_by_role("dialog", name="重置密码")
        await expect(confirm).to_contain_text(f"确定要重置用户 {zhou_id} 的密码吗？")
        await confirm.get_by_role("button", name="确定重置").click()
        done = f"已重置用户 {zhou_id} 的密码为其证件号码后六位，该学员下次登录须先修改密码。"
        await expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()
        await expect(confirm).to_be_hidden()
        history = page.get_by_role("region", name="本次操作记录")
        await expect(history.get_by_role("listitem")).to_have_count(2)
        await expect(history.get_by_role("listitem").first).to_contain_text("成功")
        await expect(history.get_by_role("listitem").last).to_contain_text("失败")
        await expect(field(page, "学员用户 ID")).to_have_value("")
        assert account(uow, classmates[0]["username"]).must_change_password
        await screenshot(page, "password-reset")

        # ---- 操作记录: what was just done ---------------------------------------------------
        await until(lambda: {"learner_password_reset", "transfer_out",
                             "learners_import_queued"} <= set(logged_actions(uow)))
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="操作记录").click()
        await expect(page.get_by_role("heading", name="操作记录")).to_be_visible()
        transfer_row = page.get_by_role("row", name=re.compile("人员调出"))
        await expect(transfer_row).to_contain_text(f"调入单位ID: {orgs['reviewing']}")
        await expect(transfer_row).to_contain_text("待处理")
        await expect(page.get_by_role("row", name=re.compile("重置学员密码"))).to_have_count(2)
        await expect(page.get_by_role("row", name=re.compile("批量导入学员"))).to_contain_text(
            "学员.xlsx")
        await screenshot(page, "audit-log")
        await page.get_by_role("button", name="退出登录").click()

        # ---- an admin without 批量导入 searches but gets no import part ------------------
        await log_in(page, uow, url, *plain, role="admin")
        await page.goto(url + "/admin/learners")
        await expect(page.get_by_role("heading", name="学员管理")).to_be_visible()
        await field(page, "姓名").fill("孙")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_role("row", name=re.compile("孙立"))).to_be_visible()
        await expect(page.get_by_role("heading", name="批量导入")).to_have_count(0)

        # ---- at 375 px the page does not scroll sideways (the table scrolls in its box) -----
        await page.set_viewport_size({"width": 375, "height": 800})
        await expect(page.get_by_role("row", name=re.compile("孙立"))).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 375

    run_in_browser(scenario)
