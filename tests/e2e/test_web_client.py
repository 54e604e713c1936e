"""A person's first visit in a real browser: the web client served by the gateway over HTTP,
the real services and broker behind it, captcha on.

Register through the two-step wizard (employer picked in the org tree), log in (a wrong
captcha first, then the right one, read from identity's store as a person reads the
image), see the profile, change the mobile number, log out."""
import asyncio
import random
import re
import time

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.identity.models import accounts, captchas
from tests.builders import citizen_id

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

CAPTCHA_URL = re.compile(r"/api/v1/auth/captcha$")


def captcha_answer(uow_factory, captcha_id):
    with uow_factory("identity")() as uow:
        return uow.session.execute(sa.select(captchas.c.answer)
                                   .where(captchas.c.id == captcha_id)).scalar()


def account_status(uow_factory, username):
    with uow_factory("identity")() as uow:
        return uow.session.execute(sa.select(accounts.c.status)
                                   .where(accounts.c.username == username)).scalar()


async def until(check, timeout=10.0):
    """Poll `check` (a plain function) until it is truthy; fail with its last value."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        await asyncio.sleep(0.05)
    return value


def field(page, label):
    """The form control labelled `label` (its label may end with the required mark *)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


async def captcha_id_of(response_info):
    response = await response_info.value
    assert response.ok, response.status
    return (await response.json())["captcha_id"]


def test_register_log_in_edit_profile_and_log_out(live_gateway, run_in_browser, tmp_path):
    url, uow = live_gateway["url"], live_gateway["uow"]
    n = random.randint(100000, 999999)
    person = {
        "username": f"e2e{n}",
        "password": "Passw0rd!",
        "real_name": "李文静",
        "mobile": f"139{n:06d}00",
        "id_number": citizen_id(birth="19880517", male=False),
    }
    new_mobile = f"137{n:06d}11"

    async def scenario(page):
        await page.goto(url + "/")
        # Not signed in: the app sends the visitor to the login page.
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await page.get_by_role("link", name="立即注册").click()

        # ---- 注册, step 1: the account -------------------------------------------------
        await expect(page.get_by_role("heading", name="填写账号信息")).to_be_visible()
        await field(page, "用户名").fill(person["username"])
        await field(page, "密码").fill(person["password"])
        await field(page, "确认密码").fill(person["password"])
        await page.get_by_role("button", name="下一步").click()

        # ---- step 2: the person; the employer is picked in the org tree ------------------
        await expect(page.get_by_role("heading", name="填写个人信息")).to_be_visible()
        await page.get_by_role("button", name="选择单位").click()
        await page.get_by_role("button", name="展开 测试人社局 的下级单位").click()
        await page.get_by_role("button", name="选择 直接通过医院").click()
        picked = page.locator(".org-current")
        await expect(picked).to_contain_text("直接通过医院")
        await expect(picked).not_to_contain_text("需单位审核")

        await field(page, "真实姓名").fill(person["real_name"])
        await field(page, "手机号").fill(person["mobile"])
        id_input = field(page, "证件号码")
        await id_input.fill(person["id_number"])
        await id_input.press("Tab")  # the citizen ID fills in birth date and sex
        await expect(field(page, "出生日期")).to_have_value("1988-05-17")
        await expect(page.get_by_role("radio", name="女", exact=True)).to_be_checked()
        await page.get_by_role("radio", name="已取得", exact=True).check()
        await field(page, "职称级别").select_option("中级")
        await field(page, "专业技术职称").fill("主治医师")
        await page.get_by_role("button", name="注册", exact=True).click()

        # ---- step 3: done; an employer that admits at once needs no review ---------------
        await expect(page.get_by_role("heading", name="注册成功")).to_be_visible()
        await expect(page.get_by_text("您现在可以使用用户名或证件号码登录平台。")).to_be_visible()
        # Identity activates the account when orgtree's membership event comes back.
        await until(lambda: account_status(uow, person["username"]) == "active")

        async with page.expect_response(CAPTCHA_URL) as first:
            await page.get_by_role("button", name="立即登录").click()
        first_id = await captcha_id_of(first)

        # ---- 登录: a wrong captcha is refused in Chinese, and the captcha is replaced -----
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await expect(field(page, "用户名或身份证号")).to_have_value(person["username"])
        captcha_img = page.get_by_role("button", name="换一张验证码").locator("img")
        await expect(captcha_img).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
        first_src = await captcha_img.get_attribute("src")
        await field(page, "密码").fill(person["password"])
        captcha_input = field(page, "验证码")
        await captcha_input.fill("1111")  # never an answer: the alphabet has no 1
        async with page.expect_response(CAPTCHA_URL) as second:
            await page.get_by_role("button", name="登录", exact=True).click()
        second_id = await captcha_id_of(second)
        assert second_id != first_id
        await expect(page.locator('[data-field="captcha_answer"] .field-error')).to_have_text(
            "验证码错误，请重新输入")
        await expect(captcha_input).to_have_value("")
        await expect(captcha_input).to_be_focused()
        await expect(captcha_img).not_to_have_attribute("src", first_src)

        # ---- 登录 with the answer of the captcha the page shows now ------------------------
        await captcha_input.fill(captcha_answer(uow, second_id).lower())
        await page.get_by_role("button", name="登录", exact=True).click()

        # ---- 个人资料: the person's real name and employer --------------------------------
        await expect(page.get_by_role("heading", name="个人资料")).to_be_visible()
        await expect(page).to_have_url(re.compile(r"#/settings/profile$"))
        await expect(page.locator(".greeting")).to_contain_text(person["real_name"])
        facts = page.locator("dl.facts")
        await expect(facts).to_contain_text(person["real_name"])
        await expect(facts).to_contain_text("直接通过医院")
        await expect(facts).to_contain_text(person["username"])

        mobile = field(page, "手机号")
        await expect(mobile).to_have_value(person["mobile"])
        await mobile.fill(new_mobile)
        await page.get_by_role("button", name="保存修改").click()
        await expect(page.get_by_text("个人资料已保存。")).to_be_visible()
        # Saved on the server: a reload (same session) shows the new number.
        await page.reload()
        await expect(field(page, "手机号")).to_have_value(new_mobile)
        await page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)

        # ---- 退出登录 -----------------------------------------------------------------------
        await page.get_by_role("button", name="退出登录").click()
        await expect(page.get_by_text("您已安全退出登录。")).to_be_visible()
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
        # The session is gone: the profile page sends the visitor back to the login.
        await page.goto(url + "/#/settings/profile")
        await expect(page).to_have_url(re.compile(r"#/login$"))
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await page.screenshot(path=str(tmp_path / "logged_out.png"), full_page=True)

    run_in_browser(scenario)
