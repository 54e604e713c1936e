"""A unit registers itself in a real browser and its parent's admin approves it there:
the 单位注册 wizard (code, scan upload, parent picked in the tree, a new applicant
account), the public progress query, then the admin's 审核单位注册 page with captcha on."""
import random
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.orgtree.models import org_units
from tests.builders import citizen_id, png_scan, uscc
from tests.e2e.test_web_client import CAPTCHA_URL, captcha_answer, captcha_id_of, field
from tests.integration.conftest import grant_admin

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def unit_status(uow_factory, name):
    with uow_factory("orgtree")() as uow:
        return uow.session.execute(sa.select(org_units.c.status)
                                   .where(org_units.c.name == name)).scalar()


def test_a_unit_registers_and_its_parent_admin_approves_it(live_gateway, run_in_browser,
                                                           tmp_path):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    n = random.randint(1000, 9999)
    unit = f"网页注册医院{n}"
    applicant_id = citizen_id(birth="19790921")
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_scan((300, 200)))
    admin_name, admin_password = grant_admin(uow, orgs["bureau"], modules=["account_review"])

    async def scenario(page):
        await page.goto(url + "/#/org-register")
        await expect(page.get_by_role("heading", name="填写代码并上传扫描件")).to_be_visible()
        await page.get_by_role("radio", name="用人单位", exact=True).check()
        await field(page, "统一社会信用代码").fill(uscc())
        await page.locator('input[name="certificate"]').set_input_files(str(scan))
        await page.get_by_role("button", name="下一步").click()

        await expect(page.get_by_role("heading", name="填写单位基本信息")).to_be_visible()
        await page.get_by_role("button", name="选择单位").click()
        await page.get_by_role("button", name="选择 测试人社局").click()
        await expect(page.locator(".org-current")).to_contain_text("测试人社局")
        await field(page, "单位名称").fill(unit)
        await field(page, "单位地址").fill("天津市河西区友谊路1号")
        await field(page, "联系人").fill("刘主任")
        await field(page, "联系电话").fill("022-88886666")
        await page.get_by_role("button", name="下一步").click()

        await expect(page.get_by_role("heading", name="申请人账户")).to_be_visible()
        await page.get_by_role("radio", name="非本系统用户", exact=True).check()
        await field(page, "身份证号码").fill(applicant_id)
        await field(page, "密码").fill("Unit@2026x")
        await field(page, "确认密码").fill("Unit@2026x")
        await field(page, "真实姓名").fill("刘建明")
        await field(page, "手机号码").fill("13612345678")
        await page.get_by_role("button", name="注册", exact=True).click()
        await expect(page.get_by_role("heading", name="注册成功")).to_be_visible()
        await expect(page.get_by_text("「测试人社局」")).to_be_visible()
        assert unit_status(uow, unit) == "pending"

        # ---- 注册审核进度查询 ------------------------------------------------------------------
        await page.get_by_role("link", name="注册审核进度查询").click()
        await field(page, "姓名").fill("刘建明")
        await field(page, "证件号码").fill(applicant_id)
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile(unit))
        await expect(row).to_contain_text("待审核")
        await expect(row).to_contain_text("测试人社局")
        await expect(row.get_by_role("button", name="撤回申请")).to_be_visible()

        # ---- the bureau's admin logs in and approves it -------------------------------------
        async with page.expect_response(CAPTCHA_URL) as shown:
            await page.get_by_role("link", name="登录").click()
        captcha_id = await captcha_id_of(shown)
        await page.get_by_role("radio", name="管理员登录").check()
        await field(page, "用户名或身份证号").fill(admin_name)
        await field(page, "密码").fill(admin_password)
        await field(page, "验证码").fill(captcha_answer(uow, captcha_id).lower())
        await page.get_by_role("button", name="登录", exact=True).click()
        await page.get_by_role("link", name="审核单位注册").click()
        await expect(page.get_by_role("heading", name="审核单位注册")).to_be_visible()
        await page.get_by_role("checkbox", name=f"选择 {unit}").check()
        await expect(page.get_by_role("link", name="查看扫描件")).to_be_visible()
        await page.screenshot(path=str(tmp_path / "org_reviews.png"), full_page=True)
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("已通过 1 条。")).to_be_visible()
        await expect(page.get_by_text("没有待审核的单位注册。")).to_be_visible()
        assert unit_status(uow, unit) == "approved"

    run_in_browser(scenario)
