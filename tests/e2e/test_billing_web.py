"""购物车, 去支付, 支付结果, 我的订单 and 我的账户 in a real browser, against the real services
with billing running: a learner who activated a plan adds an elective to the cart from the
plan page and buys another at once (立即购买); in 购物车 she checks the first out (去结算),
chooses 余额 and is refused for lack of balance with billing's Chinese message; credited,
she pays by balance and the result page — which asks billing, never assumes — says 支付成功;
去学习 shows the elective bought. 我的订单 lists the order as 已支付 and deletes the unpaid
one; 我的账户 shows the credit and the debit. A plan sold whole goes to the cart as its fee
(购买本计划) and leaves it again. (Alipay's cashier is driven elsewhere.)"""
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.billing import balance
from services.billing.models import ledger_entries, orders
from services.learning.models import selections
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, choose, log_in, until
from tests.integration.conftest import operator_account
from tests.integration.test_gateway_flow import bearer, login, solve_captcha
from tests.learning_helpers import make_course, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = Path(os.environ.get("WEB_DIST", ROOT / "web" / "dist"))
ORDER_PAGE = re.compile(r"/orders/([A-Za-z0-9]+)/(pay|result)$")


def operator(client, uow):
    operator_account(uow)
    answer = login(client, "operator", "Operator@2026", role="operator",
                   captcha=solve_captcha(client, uow))
    assert answer.status_code == 200, answer.json
    return bearer(answer.json)


def learner_of(client, uow, org_id):
    person = registration(org_id)
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active")
    signed_in = login(client, person["username"], person["password"],
                      captcha=solve_captcha(client, uow))
    assert signed_in.status_code == 200, signed_in.json
    return person, bearer(signed_in.json), signed_in.json["user"]["user_id"]


def order_row(uow, order_no):
    with uow("billing")() as u:
        return u.session.execute(sa.select(orders).where(orders.c.order_no == order_no)) \
            .mappings().first()


def bought(uow, user_id, course_id):
    with uow("learning")() as u:
        return u.session.execute(sa.select(selections.c.status).where(
            selections.c.user_id == user_id, selections.c.course_id == course_id)).scalar()


async def settled(page):
    """No loading mask shown and nothing fading in or out (before a screenshot)."""
    await page.wait_for_function(
        "(() => !document.querySelector('.el-loading-mask, [class*=\"-enter-active\"],"
        " [class*=\"-leave-active\"]'))()")


def test_a_learner_buys_an_elective_through_the_cart_and_pays_by_balance(
        billing_gateway, run_in_browser, screenshot, tmp_path):
    url, uow, orgs, client = (billing_gateway["url"], billing_gateway["uow"],
                              billing_gateway["orgs"], billing_gateway["client"])
    headers = operator(client, uow)
    required = make_course(client, headers, tmp_path, "学习贯彻党的二十大精神", "6.0")
    elective = make_course(client, headers, tmp_path, "人工智能与数字经济", "2.0")
    other = make_course(client, headers, tmp_path, "数据安全与个人信息保护", "1.0")
    plan = published_plan(client, headers, [
        {"course_id": required["course_id"], "kind": "required"},
        {"course_id": elective["course_id"], "kind": "elective"},
        {"course_id": other["course_id"], "kind": "elective"}])
    # a 专业科目 plan sold whole (按计划收费): bought as its fee, 购买本计划
    flat = published_plan(client, headers, [{"course_id": other["course_id"], "kind": "elective"}],
                          name=f"{plan['year']}年工程技术类专业科目", kind="professional",
                          category="工程技术类", total_hours="1.0", required_hours="0.0",
                          pricing="flat", flat_price_fen=6000, price_per_hour_fen=0)
    person, learner, user_id = learner_of(client, uow, orgs["open"])
    for plan_id in (plan["plan_id"], flat["plan_id"]):
        activated = client.post(f"/api/v1/me/plans/{plan_id}/activation", headers=learner)
        assert activated.status_code == 200, activated.json

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        nav = page.get_by_role("navigation", name="主导航")

        # ---- the plan page's electives: 加入购物车, 立即购买 -----------------------------
        await nav.get_by_role("menuitem", name="我的课程").click()
        await page.get_by_role("listitem", name=plan["name"]).get_by_role(
            "button", name="进入学习").click()
        await expect(page.get_by_role("heading", name=plan["name"])).to_be_visible()
        await page.get_by_role("tab", name="选修课").click()
        offer = page.get_by_role("listitem", name=elective["title"])
        await expect(offer).to_contain_text("10.00 元")
        await offer.get_by_role("button", name="加入购物车").click()
        await expect(page.get_by_role("status").filter(has_text="加入购物车")).to_contain_text(
            f"已将“{elective['title']}”加入购物车。")
        await expect(offer.get_by_role("link", name="去购物车")).to_be_visible()
        await expect(offer.get_by_role("button", name="加入购物车")).to_have_count(0)
        await settled(page)
        await screenshot(page, "billing-electives")

        # 立即购买: an order at once, and its payment page
        await page.get_by_role("listitem", name=other["title"]).get_by_role(
            "button", name="立即购买").click()
        await expect(page.get_by_role("heading", name="确认订单")).to_be_visible()
        await expect(page).to_have_url(ORDER_PAGE)
        direct_no = ORDER_PAGE.search(page.url).group(1)
        await expect(page.get_by_text(direct_no)).to_be_visible()
        await expect(page.get_by_text("应付金额：¥5.00")).to_be_visible()

        # ---- 购物车: the group of the plan, 去结算 ------------------------------------
        await nav.get_by_role("menuitem", name="购物车").click()
        await expect(page.get_by_role("heading", name="购物车")).to_be_visible()
        group = page.get_by_role("region", name=plan["name"])
        await expect(group).to_contain_text(f"缴费截止：{plan['pay_deadline']}")
        await expect(group).to_contain_text(f"{plan['year']}年度")
        await expect(group).to_contain_text("公需科目")
        line = group.get_by_role("row", name=re.compile(elective["title"]))
        await expect(line).to_contain_text("2.0")
        await expect(line).to_contain_text("¥10.00")
        await expect(line.get_by_role("button", name=f"删除：{elective['title']}")).to_be_visible()
        await expect(group).not_to_contain_text(other["title"])  # ordered, not in the cart
        await expect(group).to_contain_text("小计：¥10.00")
        await settled(page)
        await screenshot(page, "billing-cart")
        await group.get_by_role("button", name="去结算").click()

        # ---- 确认订单: 余额 refused, then paid --------------------------------------------
        await expect(page.get_by_role("heading", name="确认订单")).to_be_visible()
        await expect(page).to_have_url(ORDER_PAGE)
        order_no = ORDER_PAGE.search(page.url).group(1)
        assert order_no != direct_no
        facts = page.get_by_label("订单信息")
        await expect(facts).to_contain_text(order_no)
        await expect(facts).to_contain_text(plan["name"])
        await expect(facts).to_contain_text("待支付")
        await expect(page.get_by_role("row", name=re.compile(elective["title"]))) \
            .to_contain_text("¥10.00")
        await expect(page.get_by_text("应付金额：¥10.00")).to_be_visible()
        await expect(page.get_by_role("timer")).to_contain_text(re.compile(r"请在 \d+分\d{2}秒 内完成支付"))
        await choose(page, "银行卡")
        await expect(page.get_by_text("中国工商银行")).to_be_visible()
        await expect(page.get_by_text("招商银行")).to_be_visible()
        await choose(page, "余额")
        await expect(page.get_by_text("可用余额：¥0.00")).to_be_visible()
        await page.get_by_role("button", name="立即支付").click()
        refused = page.get_by_role("alert").filter(has_text="余额不足")
        await expect(refused).to_contain_text("余额不足：还差10.00元，请选择其他支付方式")
        assert order_row(uow, order_no)["status"] == "unpaid"
        await settled(page)
        await screenshot(page, "billing-pay")

        with uow("billing")() as u:
            balance.credit(u, user_id, "general", 5000, "recharge", "RC-test")
            u.commit()
        await choose(page, "支付宝")
        await choose(page, "余额")  # the balance is asked again
        await expect(page.get_by_text("可用余额：¥50.00")).to_be_visible()
        await page.get_by_role("button", name="立即支付").click()

        # ---- 支付结果: billing holds it paid ------------------------------------------
        await expect(page).to_have_url(re.compile(rf"/orders/{order_no}/result$"))
        await expect(page.get_by_text("支付成功", exact=True)).to_be_visible()
        await expect(page.get_by_text(f"订单号：{order_no}")).to_be_visible()
        await expect(page.get_by_text(re.compile(r"实付金额：¥10\.00\s+支付方式：余额"))) \
            .to_be_visible()
        paid = order_row(uow, order_no)
        assert (paid["status"], paid["channel"]) == ("paid", "balance")
        await settled(page)
        await screenshot(page, "billing-result")

        # 去学习: the plan page, where the elective is now bought
        await until(lambda: bought(uow, user_id, elective["course_id"]) == "active", timeout=15)
        await page.get_by_role("link", name="去学习").click()
        await expect(page.get_by_role("heading", name=plan["name"])).to_be_visible()
        await page.get_by_role("tab", name="选修课").click()
        offer = page.get_by_role("listitem", name=elective["title"])
        await expect(offer).to_contain_text("已购买")
        await expect(offer.get_by_role("button", name="立即购买")).to_have_count(0)

        # ---- 我的订单: the paid order, the unpaid one deleted ---------------------------
        await nav.get_by_role("menuitem", name="我的订单").click()
        await expect(page.get_by_role("heading", name="我的订单")).to_be_visible()
        paid_row = page.get_by_role("row", name=re.compile(order_no))
        await expect(paid_row).to_contain_text("已支付")
        await expect(paid_row).to_contain_text("¥10.00")
        await expect(paid_row).to_contain_text(elective["title"])
        await expect(paid_row.get_by_role("button", name="删除")).to_have_count(0)
        await expect(paid_row.get_by_role("button", name="去支付")).to_have_count(0)
        unpaid_row = page.get_by_role("row", name=re.compile(direct_no))
        await expect(unpaid_row).to_contain_text("待支付")
        await expect(unpaid_row.get_by_role("button", name="去支付")).to_be_visible()
        await settled(page)
        await screenshot(page, "billing-orders")

        await paid_row.get_by_role("button", name="详情").click()
        detail = page.get_by_role("dialog", name="订单详情")
        await expect(detail).to_contain_text("余额")
        await expect(detail).to_contain_text(elective["title"])
        await detail.get_by_role("button", name="关闭", exact=True).click()
        await expect(detail).to_be_hidden()

        # 课程名称 searches the orders' lines
        await page.get_by_label("课程名称").fill("数据安全")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_role("row", name=re.compile(order_no))).to_have_count(0)
        await expect(unpaid_row).to_be_visible()

        await unpaid_row.get_by_role("button", name="删除").click()
        confirm = page.get_by_role("dialog", name="删除订单")
        await expect(confirm).to_contain_text(direct_no)
        await confirm.get_by_role("button", name="确定删除").click()
        await expect(page.get_by_role("status").filter(has_text="已删除订单")) \
            .to_contain_text(direct_no)
        await expect(page.get_by_text("没有符合条件的订单")).to_be_visible()
        gone = order_row(uow, direct_no)
        assert (gone["status"], gone["deleted"]) == ("closed", True)

        # ---- 我的账户: the credit and the debit ---------------------------------------
        await nav.get_by_role("menuitem", name="我的账户").click()
        await expect(page.get_by_role("heading", name="我的账户")).to_be_visible()
        await expect(page.get_by_label("账户余额")).to_contain_text("¥40.00")
        entries = page.locator(".entries-table")  # 收支明细 (充值记录 is a table too)
        debit = entries.get_by_role("row", name=re.compile("订单支付"))
        await expect(debit).to_contain_text("-¥10.00")
        await expect(debit).to_contain_text("¥40.00")
        await expect(debit).to_contain_text(order_no)
        credit = entries.get_by_role("row", name=re.compile("充值"))
        await expect(credit).to_contain_text("+¥50.00")
        await expect(credit).to_contain_text("¥50.00")
        await settled(page)
        await screenshot(page, "billing-account")

        # ---- a plan sold whole: 购买本计划 puts its fee in the cart; 删除 empties it -----
        await page.goto(f"{url}/courses/plans/{flat['plan_id']}?tab=electives")
        await expect(page.get_by_role("heading", name=flat["name"])).to_be_visible()
        await page.get_by_role("button", name="购买本计划").click()
        quote = page.get_by_role("dialog", name="选课确认")
        await expect(quote).to_contain_text("合计：60.00 元")
        await quote.get_by_role("button", name="加入购物车").click()
        await expect(quote).to_be_hidden()
        await expect(page.get_by_role("status").filter(has_text="加入购物车")).to_contain_text(
            f"已将“{flat['name']}（1.0学时）”加入购物车。")
        await nav.get_by_role("menuitem", name="购物车").click()
        group = page.get_by_role("region", name=flat["name"])
        await expect(group).to_contain_text("专业科目")
        fee = group.get_by_role("row", name=re.compile("计划费用"))
        await expect(fee).to_contain_text("¥60.00")
        await expect(page.get_by_role("region")).to_have_count(1)  # the paid elective is gone
        await fee.get_by_role("button", name=re.compile("^删除")).click()
        await page.get_by_role("dialog", name="删除").get_by_role(
            "button", name="确定删除").click()
        await expect(page.get_by_role("status").filter(has_text="移出购物车")).to_be_visible()
        await expect(page.get_by_text("购物车是空的")).to_be_visible()
        await page.get_by_role("link", name="去我的课程选课").click()
        await expect(page.get_by_role("heading", name="我的课程")).to_be_visible()

    run_in_browser(scenario)

    with uow("billing")() as u:
        kept = u.session.execute(sa.select(ledger_entries.c.kind, ledger_entries.c.amount_fen)
                                 .where(ledger_entries.c.user_id == user_id)
                                 .order_by(ledger_entries.c.id)).all()
    assert [tuple(r) for r in kept] == [("recharge", 5000), ("order", -1000)]
