"""Logging in, in a real browser: a wrong captcha is told beside its field and a new image
shown; 记住账号 keeps the login name for the next visit; an admin's menus follow their
role's permission modules; the operator gets the operator's shell; 退出登录 ends it."""
import gzip
import re

import pytest
from playwright.async_api import expect

from tests.e2e.browser import choose, fill_login, field, fresh_captcha, log_in
from tests.integration.conftest import grant_admin, operator_account

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_login_captcha_remember_and_menus_by_module(live_gateway, run_in_browser, screenshot):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    grant_admin(uow, orgs["open"], modules=["account_review"], is_super=False,
                username="reviewer")
    operator_account(uow)

    async def scenario(page):
        await page.goto(url + "/")
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await screenshot(page, "login")

        # A wrong captcha: said beside the captcha field; the password is kept, a new image.
        await choose(page, "管理员登录")
        await fresh_captcha(page)
        await field(page, "用户名或身份证号").fill("reviewer")
        await field(page, "密码").fill("Admin@2026")
        await field(page, "验证码").fill("WRONG")
        await choose(page, "记住账号")
        await page.get_by_role("button", name="登录", exact=True).click()
        form_item = page.locator(".el-form-item", has=field(page, "验证码"))
        await expect(form_item.locator(".el-form-item__error")).not_to_be_empty()
        await expect(field(page, "密码")).to_have_value("Admin@2026")
        await expect(page.get_by_role("button", name="换一张验证码").locator("img")) \
            .not_to_have_attribute("src", "")

        # The right one: the admin's shell shows only what account_review allows.
        await fill_login(page, uow, "reviewer", "Admin@2026", role="admin")
        await expect(page.get_by_role("heading", name="管理首页")).to_be_visible()
        menu = page.get_by_role("navigation", name="主导航")
        await expect(menu.get_by_role("menuitem", name="审核注册人员")).to_be_visible()
        # On a wide screen the menu is beside the page, not behind a button.
        await expect(page.get_by_role("button", name="打开导航菜单")).to_be_hidden()
        await expect(menu.get_by_role("menuitem", name="学员管理")).to_have_count(0)
        await expect(menu.get_by_role("menuitem", name="管理员与角色")).to_have_count(0)

        # A page outside the role's modules is refused with a message.
        await page.goto(url + "/admin/learners")
        await expect(page.get_by_text("当前登录角色无权使用该功能")).to_be_visible()
        await expect(page.get_by_role("heading", name="管理首页")).to_be_visible()

        await page.get_by_role("button", name="退出登录").click()
        await expect(page.get_by_text("您已安全退出登录。")).to_be_visible()
        # 记住账号: the name and the role tab are filled in on the next visit.
        await page.reload()
        await expect(field(page, "用户名或身份证号")).to_have_value("reviewer")
        await expect(page.get_by_role("radio", name="管理员登录")).to_be_checked()

        # The operator's shell.
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        await expect(page.get_by_text("平台运营", exact=True).first).to_be_visible()
        await expect(page.get_by_role("navigation", name="主导航")
                     .get_by_role("menuitem", name="学员管理")).to_be_visible()

    run_in_browser(scenario)


def test_login_page_budget_and_a_phone_sized_screen(live_gateway, run_in_browser, screenshot):
    """The login page's JavaScript stays within 250 kB gzip (route-level chunks: no other
    page's code); at 375 px the signed-in shell folds its menu into a drawer. The load
    time is printed (measured properly by benchmarks/web_first_load.py)."""
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    grant_admin(uow, orgs["open"], modules=["learner_management"], is_super=False,
                username="phoneadmin")

    async def scenario(page):
        scripts = []

        async def on_response(response):
            if response.url.endswith(".js") and response.ok:
                body = await response.body()
                scripts.append((response.url.rsplit("/", 1)[-1], len(gzip.compress(body))))
        page.on("response", on_response)
        await page.goto(url + "/login")
        await page.wait_for_function("performance.getEntriesByName('cpe:interactive').length")
        await page.wait_for_load_state("networkidle")
        interactive = await page.evaluate(
            "performance.getEntriesByName('cpe:interactive')[0].startTime")
        total = sum(size for _, size in scripts)
        print(f"\nlogin page: interactive at {interactive:.0f} ms; JavaScript "
              f"{total / 1024:.1f} kB gzip in {len(scripts)} files: "
              + ", ".join(f"{name} {size / 1024:.1f}" for name, size in sorted(scripts)))
        assert scripts, "no JavaScript was loaded: the measurement saw nothing"
        assert not [name for name, _ in scripts if "Admin" in name or "Review" in name], scripts
        assert total <= 250 * 1024, f"login page ships {total / 1024:.1f} kB gzip of JavaScript"

        await page.set_viewport_size({"width": 375, "height": 740})
        await log_in(page, uow, url, "phoneadmin", "Admin@2026", role="admin")
        side_menu = page.locator(".side-nav")
        await expect(side_menu).to_be_hidden()
        await page.get_by_role("button", name="打开导航菜单").click()
        drawer = page.get_by_role("dialog", name="导航")
        await expect(drawer.get_by_role("menuitem", name="学员管理")).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page is {width}px wide at a 375px screen"
        await screenshot(page, "phone-menu")
        await drawer.get_by_role("menuitem", name="学员管理").click()
        await expect(page).to_have_url(re.compile(r"/admin/learners$"))
        await expect(drawer).to_be_hidden()

    run_in_browser(scenario)
