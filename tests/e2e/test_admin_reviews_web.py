"""Reviews in a real browser: a learner asks to change their name on 姓名证件修改; the
employer's admin approves a pending registration on 审核注册人员 and rejects the name
change, with a reason, on 人员信息变更审核; the learner sees the reason."""
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.orgtree.models import org_units
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.test_web_client import (CAPTCHA_URL, account_status, captcha_answer,
                                      captcha_id_of, field)
from tests.integration.conftest import grant_admin

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def log_in(page, uow, url, username, password, admin=False):
    await page.goto(url + "/#/login")
    refresh = page.get_by_role("button", name="换一张验证码")
    await expect(refresh.locator("img")).to_have_attribute("src", re.compile("^data:image"))
    # a fresh captcha, whatever the page showed before (the same URL does not reload it)
    async with page.expect_response(CAPTCHA_URL) as shown:
        await refresh.click()
    captcha_id = await captcha_id_of(shown)
    if admin:
        await page.get_by_role("radio", name="管理员登录").check()
    await field(page, "用户名或身份证号").fill(username)
    await field(page, "密码").fill(password)
    await field(page, "验证码").fill(captcha_answer(uow, captcha_id).lower())
    await page.get_by_role("button", name="登录", exact=True).click()
    await expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def test_learner_asks_admin_reviews_in_the_browser(live_gateway, run_in_browser, tmp_path):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    learner = registration(orgs["open"], real_name="赵明")
    waiting = registration(orgs["open"], real_name="钱芳")
    assert client.post("/api/v1/auth/register", json=learner).status_code == 201
    admin_name, admin_password = grant_admin(uow, orgs["open"], modules=["account_review"])
    eventually(lambda: account_status(uow, learner["username"]) == "active")
    # the employer starts reviewing its people: the next registration waits for the admin
    with uow("orgtree")() as u:
        u.session.execute(sa.update(org_units).where(org_units.c.id == orgs["open"])
                          .values(review_members=True))
        u.commit()
    assert client.post("/api/v1/auth/register", json=waiting).status_code == 201

    async def scenario(page):
        # ---- the learner asks for a name change --------------------------------------------
        await log_in(page, uow, url, learner["username"], learner["password"])
        await page.get_by_role("link", name="姓名证件修改").click()
        await expect(page.get_by_role("heading", name="姓名证件修改")).to_be_visible()
        await field(page, "姓名").fill("赵明远")
        await page.get_by_role("button", name="提交单位审核").click()
        await expect(page.get_by_text("修改申请已提交，所在单位审核通过后生效。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("姓名：赵明 → 赵明远"))).to_contain_text(
            "审核中")
        await page.get_by_role("button", name="退出登录").click()

        # ---- the admin approves the registration and rejects the change -----------------------
        await log_in(page, uow, url, admin_name, admin_password, admin=True)
        await expect(page.get_by_role("heading", name="管理首页")).to_be_visible()
        await page.get_by_role("link", name="审核注册人员").click()
        await page.get_by_role("checkbox", name="选择 钱芳").check()
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("已通过 1 条。")).to_be_visible()

        await page.goto(url + "/#/admin/person-change-reviews")
        row = page.get_by_role("row", name=re.compile("赵明"))
        await expect(row).to_contain_text("赵明远")
        await row.get_by_role("checkbox").check()
        await page.get_by_role("button", name="批量驳回").click()
        await expect(page.get_by_text("驳回时须填写原因")).to_be_visible()
        await field(page, "驳回原因").fill("请上传户籍变更证明")
        await page.get_by_role("button", name="批量驳回").click()
        await expect(page.get_by_text("已驳回 1 条。")).to_be_visible()
        await page.screenshot(path=str(tmp_path / "person_changes.png"), full_page=True)
        await page.get_by_role("button", name="退出登录").click()

        # ---- the learner sees the reason; the name is unchanged --------------------------------
        await log_in(page, uow, url, learner["username"], learner["password"])
        await page.goto(url + "/#/settings/info-changes")
        await expect(page.get_by_role("row", name=re.compile("赵明远"))).to_contain_text(
            "请上传户籍变更证明")
        await page.goto(url + "/#/settings/profile")
        await expect(page.locator("dl.facts")).to_contain_text("赵明")
        await expect(page.locator("dl.facts")).not_to_contain_text("赵明远")

    run_in_browser(scenario)
