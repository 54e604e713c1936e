"""收费管理 and the learner's 学习卡充值, 申请发票 and 我的发票 in a real browser, against the
real services with billing running. The operator issues a batch of learning cards (the
page waits for billing's job and says when it is issued), is told 库存不足 when selling
more than the stock, registers a sale (the range of card numbers sold) and exports the
.xlsx to print; the learner redeems one of the batch's cards in 我的账户 (a wrong password
first: 卡号或密码错误; the same card again: 已被使用), pays an order with the card's money,
and asks for a company's 普通发票 from 我的订单 (a tax number that is no 统一社会信用代码
comes back beside its field). The operator issues the invoice with its number and a PDF
chosen in the file chooser (a GIF named .pdf refused beside the file first), downloads
it, and refunds the order in 订单管理 — the first answer lost on the way, the click
retried: one refund. The learner sees the invoice 已开具 (and downloads it) and the order
已退款, the money back in the card's pocket. Everything is checked in what billing stored
as well as on the page."""
import io
import re
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from fpdf import FPDF
from openpyxl import load_workbook
from playwright.async_api import expect

from services.billing.models import invoices, ledger_entries, refunds
from tests.conftest import eventually
from tests.builders import registration
from tests.e2e.browser import account_status, choose, field, log_in
from tests.e2e.test_billing_web import operator, order_row, settled
from tests.integration.test_gateway_flow import bearer, login, solve_captcha
from tests.integration.test_billing_cards import printed_cards
from tests.learning_helpers import make_course, published_plan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

TAX_NO = "91110000600037341L"
COMPANY = "天津市第一中心医院"
INVOICE_NO = "24120000000012345678"
LEARNER_NAME = "李晓梅"


def pdf_bytes():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=f"invoice {INVOICE_NO}")
    return bytes(pdf.output())


def named_learner(client, uow, org_id, real_name):
    """A registered, active learner called `real_name`, signed in through the API."""
    person = registration(org_id, real_name=real_name)
    assert client.post("/api/v1/auth/register", json=person).status_code == 201
    eventually(lambda: account_status(uow, person["username"]) == "active")
    signed_in = login(client, person["username"], person["password"],
                      captcha=solve_captcha(client, uow))
    assert signed_in.status_code == 200, signed_in.json
    return person, bearer(signed_in.json), signed_in.json["user"]["user_id"]


def batch_named(client, headers, name):
    listed = client.get("/api/v1/admin/card-batches", headers=headers)
    assert listed.status_code == 200, listed.json
    return next((b for b in listed.json["items"] if b["name"] == name), None)


def refunds_of(uow, order_no):
    with uow("billing")() as u:
        order_id = order_row(uow, order_no)["id"]
        return u.session.execute(sa.select(refunds).where(refunds.c.order_id == order_id)) \
            .mappings().all()


async def choose_file(page, scope, label, path):
    async with page.expect_file_chooser() as chooser:
        await field(scope, label).click()
    await (await chooser.value).set_files(str(path))
    await expect(scope.get_by_text(f"已选择：{path.name}")).to_be_visible()


async def log_out(page):
    await page.get_by_role("button", name="退出登录").click()
    await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def test_cards_invoices_and_refunds_through_the_operator_and_learner_screens(
        billing_gateway, run_in_browser, screenshot, tmp_path):
    url, uow, orgs, client = (billing_gateway["url"], billing_gateway["uow"],
                              billing_gateway["orgs"], billing_gateway["client"])
    headers = operator(client, uow)
    required = make_course(client, headers, tmp_path, "学习贯彻党的二十大精神", "6.0")
    elective = make_course(client, headers, tmp_path, "人工智能与数字经济", "2.0")
    plan = published_plan(client, headers, [
        {"course_id": required["course_id"], "kind": "required"},
        {"course_id": elective["course_id"], "kind": "elective"}])  # this year's, takes cards
    person, learner, user_id = named_learner(client, uow, orgs["open"], LEARNER_NAME)
    assert client.post(f"/api/v1/me/plans/{plan['plan_id']}/activation",
                       headers=learner).status_code == 200
    placed = client.post("/api/v1/me/orders", headers=learner, json={
        "plan_id": plan["plan_id"], "course_ids": [elective["course_id"]]})
    assert placed.status_code == 201, placed.json
    order_no = placed.json["order_no"]
    year = date.today().year
    batch_name = f"{year}年度公需科目学习卡（测试{uuid.uuid4().hex[:4]}）"
    bad_pdf = tmp_path / "发票.pdf"
    bad_pdf.write_bytes(b"GIF89a not a pdf at all")
    good_pdf = tmp_path / f"电子发票_{INVOICE_NO}.pdf"
    good_pdf.write_bytes(pdf_bytes())
    state = {}

    async def scenario(page):
        # ---- 学习卡: 发行, 销售登记 (库存不足, then a sale), 导出 -----------------------
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        nav = page.get_by_role("navigation", name="主导航")
        await nav.get_by_role("menuitem", name="学习卡").click()
        await expect(page.get_by_role("heading", name="学习卡", exact=True)).to_be_visible()
        await page.get_by_role("button", name="发行学习卡").click()
        dialog = page.get_by_role("dialog", name="发行学习卡")
        await dialog.get_by_role("button", name="确定发行").click()
        await expect(dialog.get_by_text("请填写批次名称")).to_be_visible()
        await expect(dialog.get_by_text("面值须为1–10000元，最多两位小数")).to_be_visible()
        await field(dialog, "名称").fill(batch_name)
        await field(dialog, "面值（元）").fill("10")
        quantity = field(dialog, "数量（张）")
        await quantity.fill("5")
        await quantity.press("Tab")
        await expect(field(dialog, "限定年度")).to_have_value(str(year))
        await choose(dialog, "公需科目")
        await dialog.get_by_role("button", name="确定发行").click()
        await expect(dialog).to_be_hidden()
        done = page.get_by_role("status").filter(has_text="已发行学习卡")
        await expect(done).to_contain_text(f"已发行学习卡“{batch_name}”：5 张，面值 ¥10.00")
        row = page.get_by_role("row", name=re.compile(re.escape(batch_name)))
        await expect(row).to_contain_text("已发行")
        await expect(row).to_contain_text(f"学习卡（{year}年度公需科目培训计划专用）")
        await expect(row).to_contain_text("¥10.00")
        await expect(row.get_by_label("库存 5 张，已售 0 张，已使用 0 张")).to_be_visible()
        batch = batch_named(client, headers, batch_name)
        assert (batch["status"], batch["face_fen"], batch["quantity"], batch["plan_year"],
                batch["plan_kind"]) == ("issued", 1000, 5, year, "public")
        state["cards"] = printed_cards(client, headers, batch["batch_id"])
        first, second = state["cards"][0][0], state["cards"][1][0]

        await row.get_by_role("button", name=f"销售登记：{batch_name}").click()
        sale = page.get_by_role("dialog", name="销售登记")
        await expect(sale).to_contain_text("库存 5 张")
        count = field(sale, "售出数量（张）")
        await count.fill("10")
        await count.press("Tab")
        await sale.get_by_role("button", name="登记售出").click()
        await expect(sale.get_by_role("alert")).to_contain_text("库存不足：该批次只剩5张学习卡")
        await count.fill("2")
        await count.press("Tab")
        await sale.get_by_role("button", name="登记售出").click()
        await expect(sale.get_by_role("status")).to_contain_text(
            f"已登记售出 2 张：卡号 {first} 至 {second}。")
        await expect(sale).to_contain_text("库存 3 张")
        await settled(page)
        await screenshot(page, "billing-operator-card-sale")
        await sale.get_by_role("button", name="完成").click()
        await expect(row.get_by_label("库存 3 张，已售 2 张，已使用 0 张")).to_be_visible()

        async with page.expect_download() as exported:
            await row.get_by_role("button", name=f"导出：{batch_name}").click()
        download = await exported.value
        assert download.suggested_filename == f"学习卡_{batch_name}.xlsx"
        with open(await download.path(), "rb") as fh:
            sheet = load_workbook(io.BytesIO(fh.read()), read_only=True)["学习卡"]
        assert [(n, p) for n, p, *_ in list(sheet.iter_rows(values_only=True))[1:]] \
            == state["cards"]
        await settled(page)
        await screenshot(page, "billing-operator-cards")
        await log_out(page)

        # ---- 我的账户: 学习卡充值 ------------------------------------------------------
        number, password = state["cards"][0]
        await log_in(page, uow, url, person["username"], person["password"])
        await nav.get_by_role("menuitem", name="我的账户").click()
        await expect(page.get_by_role("heading", name="我的账户")).to_be_visible()
        await expect(page.get_by_label("账户余额")).to_contain_text("¥0.00")
        redeem = page.get_by_role("form", name="学习卡充值")
        await field(redeem, "卡号").fill(number)
        await field(redeem, "密码").fill("000000000000")
        await redeem.get_by_role("button", name="充值").click()
        await expect(page.get_by_role("alert").filter(has_text="卡号或密码错误")).to_be_visible()
        await field(redeem, "密码").fill(password)
        await redeem.get_by_role("button", name="充值").click()
        pocket = f"学习卡（{year}年度公需科目培训计划专用）"
        await expect(page.get_by_role("status").filter(has_text="充值成功")).to_have_text(
            f"充值成功：学习卡 {number} 的 ¥10.00 已存入“{pocket}”。")
        await expect(page.get_by_label("账户余额")).to_contain_text("¥10.00")
        await expect(page.get_by_label(pocket)).to_contain_text("¥10.00")
        await expect(page.get_by_role("row", name=re.compile("学习卡"))).to_contain_text(number)
        await expect(field(redeem, "卡号")).to_have_value("")
        await settled(page)
        await screenshot(page, "billing-account-card")
        await field(redeem, "卡号").fill(number)
        await field(redeem, "密码").fill(password)
        await redeem.get_by_role("button", name="充值").click()
        await expect(page.get_by_role("alert").filter(has_text="已被使用")).to_contain_text(
            "该学习卡已被使用")

        # ---- 我的订单: 去支付 with the card's money ----------------------------------
        await nav.get_by_role("menuitem", name="我的订单").click()
        await expect(page.get_by_role("heading", name="我的订单")).to_be_visible()
        order = page.get_by_role("row", name=re.compile(order_no))
        await order.get_by_role("button", name="去支付").click()
        await expect(page.get_by_role("heading", name="确认订单")).to_be_visible()
        await choose(page, "余额")
        await expect(page.get_by_text("可用余额：¥10.00")).to_be_visible()
        await page.get_by_role("button", name="立即支付").click()
        await expect(page.get_by_text("支付成功", exact=True)).to_be_visible()
        assert order_row(uow, order_no)["status"] == "paid"

        # ---- 我的订单: 申请发票 ------------------------------------------------------
        await nav.get_by_role("menuitem", name="我的订单").click()
        order = page.get_by_role("row", name=re.compile(order_no))
        await expect(order).to_contain_text("已支付")
        invoicing = page.get_by_role("group", name="开发票")
        await expect(invoicing.get_by_role("button", name="申请发票")).to_be_disabled()
        await order.get_by_label(f"选择订单 {order_no} 开发票").check()
        await expect(invoicing).to_contain_text("已选 1 个订单，可开票金额 ¥10.00")
        await invoicing.get_by_role("button", name="申请发票").click()
        ask = page.get_by_role("dialog", name="申请发票")
        await expect(ask).to_contain_text(order_no)
        await expect(ask.get_by_role("row", name="开票金额")).to_contain_text("¥10.00")
        await choose(ask, "单位")
        await ask.get_by_role("button", name="提交申请").click()
        await expect(ask.get_by_text("请填写单位全称")).to_be_visible()
        await expect(ask.get_by_text("请填写纳税人识别号（统一社会信用代码）")).to_be_visible()
        await expect(ask.get_by_text("请填写接收电子发票的邮箱")).to_be_visible()
        await field(ask, "抬头").fill(COMPANY)
        await field(ask, "纳税人识别号").fill("91110000600037341X")
        await field(ask, "邮箱").fill("caiwu@example.cn")
        await ask.get_by_role("button", name="提交申请").click()
        tax_item = ask.locator(".el-form-item", has=page.locator("#invoice-tax-no"))
        await expect(tax_item).to_contain_text("纳税人识别号（统一社会信用代码）不正确")
        with uow("billing")() as u:
            assert u.session.execute(sa.select(sa.func.count()).select_from(invoices)).scalar() == 0
        await settled(page)
        await page.wait_for_timeout(300)  # the cleared fields' red borders fade out
        await screenshot(page, "billing-invoice-request")
        await field(ask, "纳税人识别号").fill(TAX_NO)
        await ask.get_by_role("button", name="提交申请").click()
        await expect(ask).to_be_hidden()
        await expect(page.get_by_role("status").filter(has_text="已提交发票申请")).to_contain_text(
            "（普通发票，¥10.00）")
        await expect(order).to_contain_text("发票待开具")
        await expect(order.get_by_label(f"选择订单 {order_no} 开发票")).to_have_count(0)
        with uow("billing")() as u:
            asked = u.session.execute(sa.select(invoices)).mappings().one()
        assert (asked["kind"], asked["title_type"], asked["title"], asked["tax_no"],
                asked["email"], asked["amount_fen"], asked["status"]) == (
            "ordinary", "company", COMPANY, TAX_NO, "caiwu@example.cn", 1000, "requested")
        state["request_no"] = asked["request_no"]

        await nav.get_by_role("menuitem", name="我的发票").click()
        await expect(page.get_by_role("heading", name="我的发票")).to_be_visible()
        mine = page.get_by_role("row", name=re.compile(state["request_no"]))
        await expect(mine).to_contain_text("待开具")
        await expect(mine.get_by_role("button", name=re.compile("下载发票"))).to_have_count(0)
        await log_out(page)

        # ---- 发票管理: 开具 with the PDF, 下载 ------------------------------------------
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        await nav.get_by_role("menuitem", name="发票管理").click()
        await expect(page.get_by_role("heading", name="发票管理")).to_be_visible()
        request = page.get_by_role("row", name=re.compile(state["request_no"]))
        await expect(request).to_contain_text(COMPANY)
        await expect(request).to_contain_text(TAX_NO)
        await expect(request).to_contain_text("¥10.00")
        await expect(request).to_contain_text(order_no)
        await expect(request).to_contain_text("待开具")

        # 单位批量申请: a company's title and pasted order numbers (this one already asked
        # for, the other unknown: billing's message)
        await page.get_by_role("button", name="单位批量申请").click()
        batch = page.get_by_role("dialog", name="单位批量申请")
        await expect(batch.get_by_role("radio", name="个人")).to_be_disabled()
        await batch.get_by_role("button", name="提交申请").click()
        await expect(batch.get_by_text("请选择要开票的订单")).to_be_visible()
        await choose(batch, "增值税专用发票")
        await field(batch, "抬头").fill(COMPANY)
        await field(batch, "纳税人识别号").fill(TAX_NO)
        await field(batch, "地址电话").fill("天津市南开区 022-12345678")
        await field(batch, "开户行及账号").fill("中国银行天津分行 1234567890123")
        await field(batch, "订单号").fill(f"{order_no}\n\nCE20000101000000000000\n{order_no}")
        await expect(batch).to_contain_text("已填写 2 个订单号")
        await batch.get_by_role("button", name="提交申请").click()
        await expect(batch.get_by_role("alert").filter(has_text="以下订单不存在")).to_have_text(
            "以下订单不存在：CE20000101000000000000")
        await batch.get_by_role("button", name="取消").click()
        await expect(batch).to_be_hidden()

        await request.get_by_role("button", name=f"开具：{state['request_no']}").click()
        issue = page.get_by_role("dialog", name="开具发票")
        await field(issue, "发票号码").fill(INVOICE_NO)
        await choose_file(page, issue, "电子发票（PDF）", bad_pdf)
        await issue.get_by_role("button", name="确定开具").click()
        file_item = issue.locator(".el-form-item", has=page.locator("#issue-file"))
        await expect(file_item).to_contain_text("电子发票须为不超过5MB的PDF文件")
        await choose_file(page, issue, "电子发票（PDF）", good_pdf)
        await settled(page)
        await screenshot(page, "billing-operator-invoice-issue")
        await issue.get_by_role("button", name="确定开具").click()
        await expect(issue).to_be_hidden()
        await expect(page.get_by_role("status").filter(has_text="已开具发票")).to_contain_text(
            f"已开具发票 {INVOICE_NO}（申请 {state['request_no']}，¥10.00）")
        await expect(request).to_have_count(0)  # no longer 待开具
        await page.locator("label.el-radio-button", has_text="已开具").click()
        await expect(request).to_contain_text("已开具")
        await expect(request).to_contain_text(f"发票号码 {INVOICE_NO}")
        await settled(page)
        await screenshot(page, "billing-operator-invoices")
        async with page.expect_download() as fetched:
            await request.get_by_role("button", name=f"下载：{state['request_no']}").click()
        download = await fetched.value
        assert download.suggested_filename == f"电子发票_{INVOICE_NO}.pdf"
        with open(await download.path(), "rb") as fh:
            assert fh.read() == good_pdf.read_bytes()

        # ---- 订单管理: find the learner's order, 退款 (an answer lost, the click retried) --
        eventually(lambda: (client.get(f"/api/v1/admin/orders?learner={LEARNER_NAME}",
                                       headers=headers).json["items"] or None), timeout=15)
        await nav.get_by_role("menuitem", name="订单管理").click()
        await expect(page.get_by_role("heading", name="订单管理")).to_be_visible()
        await field(page, "学员").fill(LEARNER_NAME)
        await page.get_by_role("button", name="查询").click()
        listed = page.get_by_role("row", name=re.compile(order_no))
        await expect(listed).to_contain_text(LEARNER_NAME)
        await expect(listed).to_contain_text(person["username"])
        await expect(listed).to_contain_text(plan["name"])
        await expect(listed).to_contain_text(elective["title"])
        await expect(listed).to_contain_text("¥10.00")
        await expect(listed).to_contain_text("已支付")
        await expect(listed).to_contain_text("余额")
        await expect(page.get_by_role("row")).to_have_count(2)  # the header and the order
        await listed.get_by_role("button", name=f"退款：订单 {order_no}").click()
        refund = page.get_by_role("dialog", name="退款")
        await expect(refund).to_contain_text("退款金额：¥10.00")
        await choose(refund, "选择课程退款")
        await expect(refund).to_contain_text("退款金额：¥0.00")
        await expect(refund.get_by_role("button", name="确定退款")).to_be_disabled()
        await choose(refund, elective["title"])
        await expect(refund).to_contain_text("退款金额：¥10.00")
        await choose(refund, "整单退款")
        await field(refund, "退款原因").fill("学员申请退课")

        lost = []

        async def lose_the_answer(route):
            lost.append(route.request.post_data_json)
            await route.fetch()  # billing refunds; the answer never reaches the page
            await route.abort("connectionreset")
        refund_url = re.compile(rf"/api/v1/admin/orders/{order_no}/refunds$")
        await page.route(refund_url, lose_the_answer)
        await refund.get_by_role("button", name="确定退款").click()
        await expect(refund.get_by_role("alert")).to_contain_text("不会重复退款")
        await page.unroute(refund_url)
        assert len(lost) == 1 and lost[0]["whole"] is True
        made = refunds_of(uow, order_no)
        assert [(r["status"], r["request_id"]) for r in made] == [("done", lost[0]["request_id"])]

        retried = []

        async def let_through(route):
            retried.append(route.request.post_data_json)
            await route.continue_()
        await page.route(refund_url, let_through)
        await refund.get_by_role("button", name="确定退款").click()
        await expect(refund.get_by_role("status")).to_contain_text(
            "退款成功：¥10.00 已原路退回（余额）")
        await expect(refund).to_contain_text("退款状态：已退款")
        await page.unroute(refund_url)
        assert [r["request_id"] for r in retried] == [lost[0]["request_id"]]  # the same request
        await settled(page)
        await screenshot(page, "billing-operator-refund")
        await refund.get_by_role("button", name="关闭", exact=True).click()
        await expect(refund).to_be_hidden()
        await expect(listed).to_contain_text("已退款")
        await expect(listed).to_contain_text("已退 ¥10.00")
        await expect(listed.get_by_role("button", name=re.compile("退款"))).to_have_count(0)
        await settled(page)
        await screenshot(page, "billing-operator-orders")
        assert len(refunds_of(uow, order_no)) == 1
        await log_out(page)

        # ---- the learner: 我的发票 已开具 (downloaded), 我的订单 已退款 -------------------
        await log_in(page, uow, url, person["username"], person["password"])
        await nav.get_by_role("menuitem", name="我的发票").click()
        mine = page.get_by_role("row", name=re.compile(state["request_no"]))
        await expect(mine).to_contain_text("已开具")
        await expect(mine).to_contain_text(f"发票号码 {INVOICE_NO}")
        await expect(mine).to_contain_text("普通发票")
        await expect(mine).to_contain_text(COMPANY)
        await expect(mine).to_contain_text(TAX_NO)
        await settled(page)
        await screenshot(page, "billing-my-invoices")
        async with page.expect_download() as fetched:
            await mine.get_by_role("button", name=re.compile("下载发票")).click()
        download = await fetched.value
        with open(await download.path(), "rb") as fh:
            assert fh.read().startswith(b"%PDF-")
        await nav.get_by_role("menuitem", name="我的订单").click()
        order = page.get_by_role("row", name=re.compile(order_no))
        await expect(order).to_contain_text("已退款")
        await nav.get_by_role("menuitem", name="我的账户").click()
        await expect(page.get_by_label(pocket)).to_contain_text("¥10.00")
        await expect(page.get_by_role("row", name=re.compile("退款"))).to_contain_text("+¥10.00")

    run_in_browser(scenario)

    with uow("billing")() as u:
        kept = u.session.execute(sa.select(ledger_entries.c.kind, ledger_entries.c.amount_fen,
                                           ledger_entries.c.pocket)
                                 .where(ledger_entries.c.user_id == user_id)
                                 .order_by(ledger_entries.c.id)).all()
        issued = u.session.execute(sa.select(invoices)).mappings().one()
    card_pocket = f"card:{year}:public"
    assert [tuple(r) for r in kept] == [("card", 1000, card_pocket), ("order", -1000, card_pocket),
                                        ("refund", 1000, card_pocket)]
    assert (issued["status"], issued["invoice_no"]) == ("issued", INVOICE_NO)
    stock = batch_named(client, headers, batch_name)
    assert (stock["unsold"], stock["sold"], stock["redeemed"]) == (3, 1, 1)
