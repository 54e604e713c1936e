"""What the end-to-end tests do in the browser again and again: wait for a condition, find
a labelled field, read the captcha a person would read off the image, log in."""
import asyncio
import re
import time

import sqlalchemy as sa
from playwright.async_api import expect

from services.identity.models import accounts, captchas

CAPTCHA_URL = re.compile(r"/api/v1/auth/captcha$")
ROLE_TABS = {"learner": "学员登录", "admin": "管理员登录", "operator": "平台运营"}


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
    """The form control labelled `label` (Element Plus marks required labels with CSS, so
    the accessible name is the label itself)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


async def captcha_id_of(response_info):
    response = await response_info.value
    assert response.ok, response.status
    return (await response.json())["captcha_id"]


async def fresh_captcha(page):
    """Show a new captcha image and return its id (the one the next submit uses)."""
    refresh = page.get_by_role("button", name="换一张验证码")
    await expect(refresh.locator("img")).to_have_attribute("src", re.compile("^data:image"))
    async with page.expect_response(CAPTCHA_URL) as shown:
        await refresh.click()
    captcha_id = await captcha_id_of(shown)
    await expect(refresh.locator("img")).to_have_attribute("src", re.compile("^data:image"))
    return captcha_id


async def choose(page, label):
    """Click the Element Plus radio button / checkbox labelled `label` (its native input is
    visually hidden, so a person clicks the label)."""
    await page.locator("label.el-radio-button, label.el-radio, label.el-checkbox",
                       has_text=label).first.click()


async def fill_login(page, uow, username, password, role="learner"):
    await choose(page, ROLE_TABS[role])
    captcha_id = await fresh_captcha(page)
    await field(page, "用户名或身份证号").fill(username)
    await field(page, "密码").fill(password)
    await field(page, "验证码").fill(captcha_answer(uow, captcha_id).lower())
    await page.get_by_role("button", name="登录", exact=True).click()


async def log_in(page, uow, url, username, password, role="learner"):
    """Open the login page, sign in, and wait for the signed-in shell."""
    await page.goto(url + "/login")
    await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
    await fill_login(page, uow, username, password, role)
    await expect(page.get_by_role("button", name="退出登录")).to_be_visible()
