"""The Alipay purchase in the browser, through the payment sandbox's cashier: the learner
chooses 支付宝 on the order's pay page, the browser goes to the sandbox (Alipay's page),
支付 there sends Alipay's signed notification to the gateway and the browser back through
the return door to the result page, which says 支付成功 once billing holds the order
paid — the return itself marks nothing."""
import pytest
from playwright.async_api import expect

from tests.builders import registration
from tests.e2e.browser import choose, log_in
from tests.integration.test_billing_sandbox import key_files, sandbox, world  # noqa: F401
from tests.integration.test_gateway_flow import bearer, wait_until_active

pytestmark = pytest.mark.e2e


def test_a_learner_pays_an_order_with_alipay_at_the_sandbox_cashier(
        world, run_in_browser, screenshot):  # noqa: F811
    client, url, uow = world["client"], world["url"], world["uow"]
    person = registration(world["orgs"]["open"], real_name="周佳")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    learner = bearer(wait_until_active(client, person["username"], person["password"]).json)
    plan_id = world["plan"]["plan_id"]
    assert client.post(f"/api/v1/me/plans/{plan_id}/activation",
                       headers=learner).status_code == 200
    order = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan_id, "course_ids": [world["elective"]["course_id"]]})
    assert order.status_code == 201, order.json
    order_no = order.json["order_no"]

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        await page.goto(f"{url}/orders/{order_no}/pay")
        await expect(page.get_by_text(order_no)).to_be_visible()
        await choose(page, "支付宝")
        await page.get_by_role("button", name="立即支付").click()
        # Alipay's page (the sandbox), on its own origin.
        await expect(page.get_by_text("支付宝沙箱收银台")).to_be_visible()
        await expect(page.get_by_text("￥10.00")).to_be_visible()
        assert page.url.startswith(world["sandbox"]["url"])
        await screenshot(page, "billing-alipay-cashier")
        await page.get_by_role("button", name="支付", exact=True).click()
        # Back through the gateway's return door to the result page.
        await page.wait_for_url(f"{url}/orders/{order_no}/result")
        await expect(page.get_by_text("支付成功")).to_be_visible(timeout=30_000)
        await screenshot(page, "billing-alipay-result")

    run_in_browser(scenario)
    paid = client.get(f"/api/v1/me/orders/{order_no}", headers=learner).json
    assert paid["status"] == "paid" and paid["channel"] == "alipay"


def test_a_learner_recharges_the_balance_with_alipay_at_the_sandbox_cashier(
        world, run_in_browser, screenshot):  # noqa: F811
    client, url, uow = world["client"], world["url"], world["uow"]
    person = registration(world["orgs"]["open"], real_name="吴敏")
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    learner = bearer(wait_until_active(client, person["username"], person["password"]).json)

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        await page.goto(f"{url}/account")
        await page.get_by_label("充值金额（元）").fill("0.5")
        await page.get_by_role("button", name="去充值").click()
        await expect(page.get_by_text("充值金额须在¥1.00到¥5,000.00之间")).to_be_visible()
        await page.get_by_label("充值金额（元）").fill("20")
        await page.get_by_role("button", name="去充值").click()
        await expect(page.get_by_role("heading", name="账户充值")).to_be_visible()
        # A recharge is paid by Alipay or a bank, never from the balance.
        await expect(page.get_by_role("radio", name="余额")).to_have_count(0)
        await choose(page, "支付宝")
        await page.get_by_role("button", name="立即支付").click()
        await expect(page.get_by_text("支付宝沙箱收银台")).to_be_visible()
        await expect(page.get_by_text("￥20.00")).to_be_visible()
        await page.get_by_role("button", name="支付", exact=True).click()
        await expect(page.get_by_text("充值成功")).to_be_visible(timeout=30_000)
        await screenshot(page, "billing-recharge-result")
        await page.get_by_role("link", name="我的账户").last.click()
        await expect(page.get_by_label("账户余额")).to_contain_text("¥20.00")
        records = page.locator(".recharges-table")
        await expect(records).to_contain_text("支付宝")
        await expect(records).to_contain_text("已支付")
        await screenshot(page, "billing-recharge-account")

    run_in_browser(scenario)
    account = client.get("/api/v1/me/account", headers=learner).json
    assert account["balance_fen"] == 2000
    assert [r["status"] for r in account["recharges"]] == ["paid"]
