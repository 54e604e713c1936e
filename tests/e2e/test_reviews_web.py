"""The 审核 pages and 人员调动 in a real browser: the employer's admin approves a pending
registration on 审核注册人员 and rejects a learner's name change, with a reason, on 人员信息变更审核;
the parent's admin approves registered units on 审核单位注册 (one only after confirming its
failed check digit) and a unit's name change on 单位信息变更审核; the receiving admin accepts
one transfer and refuses another, with a reason, on 人员调动."""
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.identity.models import people, person_changes
from services.orgtree.models import memberships, org_units, transfers
from tests.builders import citizen_id, new_applicant, org_form, registration, uscc
from tests.conftest import eventually
from tests.e2e.browser import account_status, captcha_answer, choose, field, log_in
from tests.integration.conftest import grant_admin, upload_scan

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def api_login(client, uow, username, password, role="learner"):
    """Bearer headers for `username`, logging in through the API with captcha on."""
    captcha_id = client.get("/api/v1/auth/captcha").json["captcha_id"]
    response = client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": role, "captcha_id": captcha_id,
        "captcha_answer": captcha_answer(uow, captcha_id).lower()})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def register_active(client, uow, org_id, real_name):
    person = registration(org_id, real_name=real_name)
    response = client.post("/api/v1/auth/register", json=person)
    assert response.status_code == 201, response.json
    eventually(lambda: account_status(uow, person["username"]) == "active")
    return person, response.json["user_id"]


def one(uow_factory, service, query):
    with uow_factory(service)() as uow:
        return uow.session.execute(query).first()


async def tick(row):
    """Tick a row's checkbox as a person does (Element Plus hides the native input)."""
    await row.locator("label.el-checkbox").click()
    await expect(row.get_by_role("checkbox")).to_be_checked()


async def settled(page):
    """Wait until Element Plus's transitions (checkbox ticks, dialogs) have finished."""
    await page.evaluate("""Promise.all(document.getAnimations()
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
        .map((a) => a.finished.catch(() => null)))""")


async def shot(screenshot, page, name):
    await settled(page)
    await screenshot(page, name)


def row_of(page, text):
    return page.get_by_role("row", name=re.compile(re.escape(text)))


def test_member_registration_approved_and_name_change_rejected(live_gateway, run_in_browser,
                                                               screenshot):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    learner, learner_id = register_active(client, uow, orgs["open"], "赵明")
    admin = grant_admin(uow, orgs["open"], modules=["account_review"], username="openreviewer")
    # the employer starts reviewing its people: the next registration waits for the admin
    with uow("orgtree")() as u:
        u.session.execute(sa.update(org_units).where(org_units.c.id == orgs["open"])
                          .values(review_members=True))
        u.commit()
    waiting = registration(orgs["open"], real_name="钱芳")
    assert client.post("/api/v1/auth/register", json=waiting).status_code == 201
    eventually(lambda: one(uow, "orgtree", sa.select(memberships.c.status)
                           .where(memberships.c.real_name == "钱芳")))
    assert account_status(uow, waiting["username"]) != "active"
    # the learner asks to change their name (the learner's own page is another screen)
    me = api_login(client, uow, learner["username"], learner["password"])
    asked = client.post("/api/v1/me/info-changes", headers=me, json={"real_name": "赵明远"})
    assert asked.status_code == 201, asked.json

    async def scenario(page):
        await log_in(page, uow, url, *admin, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="审核注册人员").click()
        await expect(page.get_by_role("heading", name="审核注册人员")).to_be_visible()
        row = row_of(page, "钱芳")
        await expect(row).to_contain_text("直接通过医院")
        await expect(row).to_contain_text("*")  # the ID number is masked
        await expect(page.get_by_text("共 1 条")).to_be_visible()
        # the filter by name: nobody by another name waits
        await field(page, "姓名").fill("没有这人")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("没有待审核的人员注册。")).to_be_visible()
        await field(page, "姓名").fill("钱")
        await page.get_by_role("button", name="查询").click()
        # nothing ticked: refused before anything is sent
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("请先勾选要审核的申请")).to_be_visible()
        await tick(row)
        await expect(page.get_by_text("已选择 1 条")).to_be_visible()
        await shot(screenshot, page, "member-reviews")
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("已通过 1 条。")).to_be_visible()
        await expect(page.get_by_text("没有待审核的人员注册。")).to_be_visible()

        # ---- 人员信息变更审核: rejected, with a reason ---------------------------------------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="人员信息变更审核").click()
        await expect(page.get_by_role("heading", name="人员信息变更审核")).to_be_visible()
        change = row_of(page, "赵明")
        await expect(change).to_contain_text("姓名：赵明 → 赵明远")
        await tick(change)
        await shot(screenshot, page, "person-change-reviews")
        await page.get_by_role("button", name="批量驳回").click()
        dialog = page.get_by_role("dialog", name="驳回申请")
        await expect(dialog).to_contain_text("将驳回所选的 1 条申请")
        await dialog.get_by_role("button", name="确认驳回").click()
        await expect(dialog.get_by_text("驳回时须填写原因")).to_be_visible()
        await field(dialog, "驳回原因").fill("请上传户籍变更证明")
        await expect(dialog.get_by_text("驳回时须填写原因")).to_have_count(0)
        await dialog.get_by_role("button", name="确认驳回").click()
        await expect(page.get_by_text("已驳回 1 条。")).to_be_visible()
        await expect(dialog).to_be_hidden()
        await expect(page.get_by_text("没有待审核的信息变更。")).to_be_visible()

    run_in_browser(scenario)
    approved = one(uow, "orgtree", sa.select(memberships.c.status, memberships.c.decided_by)
                   .where(memberships.c.real_name == "钱芳"))
    assert approved.status == "approved" and approved.decided_by is not None
    assert eventually(lambda: account_status(uow, waiting["username"]) == "active")
    rejected = one(uow, "identity", sa.select(person_changes.c.status, person_changes.c.reason)
                   .where(person_changes.c.user_id == learner_id))
    assert (rejected.status, rejected.reason) == ("rejected", "请上传户籍变更证明")
    assert one(uow, "identity", sa.select(people.c.real_name)
               .where(people.c.user_id == learner_id)).real_name == "赵明"


def test_parent_admin_approves_units_and_a_unit_change(live_gateway, run_in_browser,
                                                       screenshot):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    admin = grant_admin(uow, orgs["bureau"], modules=["account_review"], username="bureaureview")
    registered = {}
    for name, code in (("网页审核医院", uscc()), ("早期代码单位", uscc(valid=False))):
        scan = upload_scan(client)
        assert scan.status_code == 201, scan.json
        response = client.post("/api/v1/orgs/registrations", json=org_form(
            scan.json["certificate_id"], orgs["bureau"], "employer", name,
            new_applicant(f"{name}申请人", citizen_id()), uscc=code))
        assert response.status_code == 201, response.json
        registered[name] = response.json["org_id"]
    # the hospital below asks to be renamed
    unit_admin = grant_admin(uow, orgs["open"], modules=["basic_info"], username="openunit")
    asked = client.post("/api/v1/admin/org/changes", json={"name": "网页改名医院"},
                        headers=api_login(client, uow, *unit_admin, role="admin"))
    assert asked.status_code == 201, asked.json

    async def scenario(page):
        await log_in(page, uow, url, *admin, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="审核单位注册").click()
        await expect(page.get_by_role("heading", name="审核单位注册")).to_be_visible()
        hospital, early = row_of(page, "网页审核医院"), row_of(page, "早期代码单位")
        await expect(hospital).to_contain_text("测试人社局")
        await expect(hospital).to_contain_text("用人单位")
        await expect(hospital.get_by_role("link", name="查看扫描件")).to_have_attribute(
            "target", "_blank")
        await expect(early).to_contain_text("代码校验未通过")
        await expect(hospital).not_to_contain_text("代码校验未通过")
        # both at once: the one with the failed check digit is skipped, and told why
        await tick(hospital)
        await tick(early)
        await page.get_by_role("button", name="批量通过").click()
        outcome = page.get_by_role("status").filter(has_text="已通过 1 条，1 条未处理。")
        await expect(outcome).to_contain_text(
            "早期代码单位：统一社会信用代码校验未通过，须确认后再审核通过")
        await expect(hospital).to_have_count(0)
        await shot(screenshot, page, "org-reviews")
        # confirmed after checking the scan
        await tick(early)
        await choose(page, "已核对扫描件")
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("已通过 1 条。", exact=True)).to_be_visible()
        await expect(page.get_by_text("没有待审核的单位注册。")).to_be_visible()

        # ---- 单位信息变更审核 --------------------------------------------------------------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="单位信息变更审核").click()
        await expect(page.get_by_role("heading", name="单位信息变更审核")).to_be_visible()
        change = row_of(page, "直接通过医院")
        await expect(change).to_contain_text("修改单位信息")
        await expect(change).to_contain_text("直接通过医院 → 网页改名医院")
        await expect(change).to_contain_text("—")  # no parents decide an info change
        await field(page, "单位名称").fill("别的单位")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("没有待审核的单位信息变更。")).to_be_visible()
        await page.get_by_role("button", name="重置").click()
        await tick(change)
        await shot(screenshot, page, "org-change-reviews")
        await page.get_by_role("button", name="批量通过").click()
        await expect(page.get_by_text("已通过 1 条。")).to_be_visible()
        await expect(page.get_by_text("没有待审核的单位信息变更。")).to_be_visible()

    run_in_browser(scenario)
    for org_id in registered.values():
        assert one(uow, "orgtree", sa.select(org_units.c.status)
                   .where(org_units.c.id == org_id)).status == "approved"
    assert one(uow, "orgtree", sa.select(org_units.c.name)
               .where(org_units.c.id == orgs["open"])).name == "网页改名医院"


def test_receiving_admin_accepts_and_refuses_transfers(live_gateway, run_in_browser,
                                                        screenshot):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    _, sun = register_active(client, uow, orgs["open"], "孙立")
    _, li = register_active(client, uow, orgs["open"], "李强")
    sender = api_login(client, uow, *grant_admin(uow, orgs["bureau"], username="sender",
                                                 modules=["learner_management"]), role="admin")
    for user_id in (sun, li):
        sent = client.post("/api/v1/admin/transfers", headers=sender, json={
            "user_id": user_id, "to_org_id": orgs["reviewing"], "note": "工作调动"})
        assert sent.status_code == 201, sent.json
    receiver = grant_admin(uow, orgs["reviewing"], modules=["learner_management"],
                           username="receiver")

    async def scenario(page):
        await log_in(page, uow, url, *receiver, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="人员调动").click()
        await expect(page.get_by_role("heading", name="人员调动")).to_be_visible()
        incoming, other = row_of(page, "孙立"), row_of(page, "李强")
        await expect(incoming).to_contain_text("待确认")
        await expect(incoming).to_contain_text("直接通过医院")
        await expect(incoming).to_contain_text("工作调动")
        await shot(screenshot, page, "transfers")
        await incoming.get_by_role("button", name="接收").click()
        await expect(page.get_by_text("已接收“孙立”调入本单位。")).to_be_visible()
        await expect(incoming).to_have_count(0)  # no longer waiting

        await other.get_by_role("button", name="拒绝").click()
        dialog = page.get_by_role("dialog", name="拒绝调入")
        await dialog.get_by_role("button", name="确认拒绝").click()
        await expect(dialog.get_by_text("拒绝调入时须填写原因")).to_be_visible()
        await field(dialog, "拒绝原因").fill("本单位暂无编制")
        await dialog.get_by_role("button", name="确认拒绝").click()
        await expect(page.get_by_text("已拒绝“李强”的调入。")).to_be_visible()
        await expect(page.get_by_text("没有调动记录。")).to_be_visible()

        # every status: both records, decided, without buttons
        await page.locator(".el-form-item", has=field(page, "状态")).locator(
            ".el-select__wrapper").click()
        await page.get_by_role("option", name="全部").click()
        await page.get_by_role("button", name="查询").click()
        await expect(incoming).to_contain_text("已接收")
        await expect(other).to_contain_text("已拒绝")
        await expect(other).to_contain_text("本单位暂无编制")
        await expect(page.get_by_role("button", name="接收")).to_have_count(0)

    run_in_browser(scenario)
    assert one(uow, "orgtree", sa.select(memberships.c.org_id)
               .where(memberships.c.user_id == sun)).org_id == orgs["reviewing"]
    assert one(uow, "orgtree", sa.select(memberships.c.org_id)
               .where(memberships.c.user_id == li)).org_id == orgs["open"]
    decided = {r.user_id: (r.status, r.reason) for r in (
        one(uow, "orgtree", sa.select(transfers.c.user_id, transfers.c.status, transfers.c.reason)
            .where(transfers.c.user_id == user_id)) for user_id in (sun, li))}
    assert decided == {sun: ("accepted", None), li: ("rejected", "本单位暂无编制")}
