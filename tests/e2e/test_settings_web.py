"""个人设置 and 管理首页 in a real browser: a learner reads their profile and changes the mobile
number (stored in identity, shown after a reload); a learner whose password an admin reset
must change it before anything else opens; a learner asks for a name change, sees the
reviewer's reason and withdraws a second request; a person invited to be a unit's admin
accepts in the browser and then logs in to 管理首页 as that admin."""
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.common.authz import MODULES
from services.identity.models import accounts, admin_grants, people, person_changes
from tests.builders import registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, captcha_answer, field, log_in
from tests.integration.conftest import grant_admin, operator_account

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def api_login(client, uow, username, password, role="admin"):
    """Bearer headers of a login through the gateway's API (captcha read off identity's
    store, as a person reads the image)."""
    captcha_id = client.get("/api/v1/auth/captcha").json["captcha_id"]
    response = client.post("/api/v1/auth/login", json={
        "username": username, "password": password, "role": role, "captcha_id": captcha_id,
        "captcha_answer": captcha_answer(uow, captcha_id).lower()})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def registered(live_gateway, unit="open", **overrides):
    """A learner registered in `unit` (直接通过医院) and admitted: (registration, user id)."""
    client, uow, orgs = live_gateway["client"], live_gateway["uow"], live_gateway["orgs"]
    person = registration(orgs[unit], **overrides)
    response = client.post("/api/v1/auth/register", json=person)
    assert response.status_code == 201, response.json
    eventually(lambda: account_status(uow, person["username"]) == "active")
    return person, response.json["user_id"]


async def fits_the_width(page):
    """Nothing sticks out sideways (a wide table scrolls inside its own box)."""
    return await page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def row_of(uow, service, query):
    with uow(service)() as u:
        return u.session.execute(query).first()


def test_profile_shows_the_person_and_saves_a_new_mobile(live_gateway, run_in_browser,
                                                         screenshot, tmp_path):
    url, uow = live_gateway["url"], live_gateway["uow"]
    person, user_id = registered(live_gateway, real_name="李文静")
    new_mobile = "137" + person["mobile"][3:]

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        # A learner's first page is 学习首页 (我的课程); 个人资料 is under 个人设置.
        await expect(page.get_by_role("heading", name="我的课程", exact=True)).to_be_visible()
        await expect(page).to_have_url(re.compile(r"/courses$"))
        await page.goto(url + "/settings/profile")
        await expect(page.get_by_role("heading", name="个人资料", exact=True)).to_be_visible()
        facts = page.locator(".readonly")
        for shown in (person["username"], "直接通过医院", "李文静", "居民身份证",
                      person["id_number"], "1990-01-01", "男"):
            await expect(facts).to_contain_text(shown)
        await expect(page.get_by_text("以上信息不能在此直接修改")).to_be_visible()
        mobile = field(page, "手机号")
        await expect(mobile).to_have_value(person["mobile"])
        await expect(field(page, "专业技术职称")).to_have_value("工程师")
        await screenshot(page, "profile")

        # Nothing changed: nothing is sent.
        save = page.get_by_role("button", name="保存修改")
        await save.click()
        await expect(page.get_by_text("没有需要保存的修改。")).to_be_visible()

        # A malformed number is refused beside the field, and kept as typed.
        await mobile.fill("12345")
        await save.click()
        item = page.locator(".el-form-item", has=mobile)
        await expect(item.locator(".el-form-item__error")).to_have_text(
            "手机号须为11位中国大陆手机号码")
        await expect(mobile).to_be_focused()
        await expect(mobile).to_have_value("12345")

        # 撤销修改 goes back to what is saved.
        await page.get_by_role("button", name="撤销修改").click()
        await expect(mobile).to_have_value(person["mobile"])
        await expect(item.locator(".el-form-item__error")).to_have_count(0)

        await mobile.fill(new_mobile)
        await save.click()
        await expect(page.get_by_text("个人资料已保存。")).to_be_visible()
        assert row_of(uow, "identity", sa.select(people.c.mobile)
                      .where(people.c.user_id == user_id))[0] == new_mobile
        # Saved on the server: a reload (same session) shows the new number.
        await page.reload()
        await expect(field(page, "手机号")).to_have_value(new_mobile)

        # On a phone the page fits the width.
        await page.set_viewport_size({"width": 375, "height": 800})
        await expect(field(page, "手机号")).to_be_visible()
        await expect(page.locator(".el-loading-mask")).to_have_count(0)
        assert await fits_the_width(page)
        await page.screenshot(path=str(tmp_path / "profile-phone.png"), full_page=True)

    run_in_browser(scenario)


def test_a_reset_password_must_be_changed_before_anything_else(live_gateway, run_in_browser,
                                                                screenshot):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    person, user_id = registered(live_gateway)
    admin = api_login(client, uow, *grant_admin(uow, orgs["bureau"], username="resetter"))
    reset = client.post(f"/api/v1/admin/learners/{user_id}/password-reset", headers=admin)
    assert reset.status_code == 200, reset.json
    reset_password = person["id_number"][-6:]
    new_password = "Fresh-start1"

    async def scenario(page):
        await log_in(page, uow, url, person["username"], reset_password)
        await expect(page.get_by_role("heading", name="修改密码", exact=True)).to_be_visible()
        await expect(page).to_have_url(re.compile(r"/settings/password$"))
        await expect(page.get_by_text("您的密码已被重置，请先修改密码后再使用平台。")).to_be_visible()
        await expect(page.get_by_text("密码被管理员重置后，原密码为证件号码后六位")).to_be_visible()
        # No menu, and the other tabs cannot be opened.
        await expect(page.get_by_role("navigation", name="主导航")).to_have_count(0)
        tabs = page.get_by_role("navigation", name="个人设置")
        await expect(tabs.get_by_role("link", name="个人资料")).to_have_count(0)
        await expect(tabs.get_by_text("个人资料")).to_have_attribute("title", "请先修改密码")
        await screenshot(page, "password")

        # Any other page leads back here.
        await page.goto(url + "/settings/profile")
        await expect(page).to_have_url(re.compile(r"/settings/password$"))
        await expect(page.get_by_role("heading", name="修改密码", exact=True)).to_be_visible()

        # The browser's own checks, beside each field.
        await field(page, "旧密码").fill(reset_password)
        await field(page, "新密码").fill("short")
        await expect(page.get_by_text("密码强度：弱")).to_be_visible()
        await field(page, "确认密码").fill("other")
        await page.get_by_role("button", name="修改并保存").click()
        new_item = page.locator(".el-form-item", has=field(page, "新密码"))
        await expect(new_item.locator(".el-form-item__error")).to_have_text("密码长度须为8–64位")
        confirm_item = page.locator(".el-form-item", has=field(page, "确认密码"))
        await expect(confirm_item.locator(".el-form-item__error")).to_have_text(
            "两次输入的新密码不一致")
        await expect(field(page, "新密码")).to_be_focused()

        # The server's: a wrong old password.
        await field(page, "旧密码").fill("000000")
        await field(page, "新密码").fill(new_password)
        await expect(page.get_by_text("密码强度：强")).to_be_visible()
        await field(page, "确认密码").fill(new_password)
        await page.get_by_role("button", name="修改并保存").click()
        old_item = page.locator(".el-form-item", has=field(page, "旧密码"))
        await expect(old_item.locator(".el-form-item__error")).to_have_text("原密码不正确")
        await expect(field(page, "新密码")).to_have_value(new_password)
        assert row_of(uow, "identity", sa.select(accounts.c.must_change_password)
                      .where(accounts.c.id == user_id))[0] is True

        await field(page, "旧密码").fill(reset_password)
        await page.get_by_role("button", name="修改并保存").click()
        # Let in: the learner's home (我的课程), with the menu back.
        await expect(page.get_by_role("heading", name="我的课程", exact=True)).to_be_visible()
        await expect(page.get_by_text("密码修改成功。其他设备上的登录已全部失效。")).to_be_visible()
        await expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
        await page.goto(url + "/settings/profile")
        await expect(field(page, "手机号")).to_have_value(person["mobile"])
        assert row_of(uow, "identity", sa.select(accounts.c.must_change_password)
                      .where(accounts.c.id == user_id))[0] is False

        # The new password is the one that logs in now.
        await page.get_by_role("button", name="退出登录").click()
        await log_in(page, uow, url, person["username"], new_password)
        await expect(page.get_by_role("heading", name="我的课程", exact=True)).to_be_visible()

    run_in_browser(scenario)


def test_a_learner_asks_to_change_their_name_and_withdraws(live_gateway, run_in_browser,
                                                           screenshot, tmp_path):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    person, user_id = registered(live_gateway, real_name="赵明")
    reviewer = grant_admin(uow, orgs["open"], modules=["account_review"], username="namereviewer")

    def changes():
        with uow("identity")() as u:
            return [tuple(r) for r in u.session.execute(
                sa.select(person_changes.c.after, person_changes.c.status)
                .where(person_changes.c.user_id == user_id).order_by(person_changes.c.id))]

    def reject_pending(reason):
        headers = api_login(client, uow, *reviewer)
        pending = client.get("/api/v1/admin/person-change-reviews", headers=headers).json
        ids = [c["change_id"] for c in pending["items"]]
        assert len(ids) == 1, pending
        done = client.post("/api/v1/admin/person-change-reviews/decisions", headers=headers,
                           json={"change_ids": ids, "decision": "reject", "reason": reason})
        assert done.json["decided"] == ids, done.json

    async def scenario(page):
        await log_in(page, uow, url, person["username"], person["password"])
        await page.goto(url + "/settings/profile")  # a learner starts at 我的课程
        await page.get_by_role("navigation", name="个人设置").get_by_role(
            "link", name="姓名证件修改").click()
        await expect(page.get_by_role("heading", name="姓名证件修改")).to_be_visible()
        await expect(page.get_by_text("还没有修改申请。")).to_be_visible()
        await expect(field(page, "姓名")).to_have_value("赵明")

        # Nothing differs: refused before sending.
        submit = page.get_by_role("button", name="提交单位审核")
        await submit.click()
        await expect(page.get_by_text("没有需要修改的内容")).to_be_visible()

        await field(page, "姓名").fill("赵明远")
        await submit.click()
        await expect(page.get_by_text("修改申请已提交，所在单位审核通过后生效。")).to_be_visible()
        first = page.get_by_role("row", name=re.compile("姓名：赵明 → 赵明远"))
        await expect(first).to_contain_text("审核中")
        assert changes() == [({"real_name": "赵明远"}, "pending")]
        await screenshot(page, "info-changes")

        # One request at a time: the service's refusal is shown.
        await submit.click()
        await expect(page.get_by_text("已有信息修改在审核中，请等待审核或撤销后再提交")).to_be_visible()

        # The unit rejects it with a reason; the learner sees the reason.
        reject_pending("请上传户籍变更证明")
        await page.reload()
        await expect(first).to_contain_text("已驳回")
        await expect(first).to_contain_text("请上传户籍变更证明")
        await expect(first.get_by_role("button", name="撤销")).to_have_count(0)
        await expect(field(page, "姓名")).to_have_value("赵明")

        # A second request, withdrawn while pending.
        await field(page, "姓名").fill("赵明亮")
        await submit.click()
        second = page.get_by_role("row", name=re.compile("姓名：赵明 → 赵明亮"))
        await expect(second).to_contain_text("审核中")
        await second.get_by_role("button", name="撤销").click()
        await expect(page.get_by_text("已撤销该修改申请。")).to_be_visible()
        await expect(second).to_contain_text("已撤销")
        await expect(second.get_by_role("button", name="撤销")).to_have_count(0)
        assert changes() == [({"real_name": "赵明远"}, "rejected"),
                             ({"real_name": "赵明亮"}, "withdrawn")]

        # The name is unchanged.
        await page.get_by_role("navigation", name="个人设置").get_by_role(
            "link", name="个人资料").click()
        await expect(page.locator(".readonly")).to_contain_text("赵明")
        await expect(page.locator(".readonly")).not_to_contain_text("赵明远")

        await page.go_back()
        await page.set_viewport_size({"width": 375, "height": 800})
        await expect(second).to_contain_text("已撤销")
        assert await fits_the_width(page)
        await page.screenshot(path=str(tmp_path / "info-changes-phone.png"), full_page=True)

    run_in_browser(scenario)


def test_an_invited_person_accepts_and_opens_admin_home(live_gateway, run_in_browser,
                                                        screenshot):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    outsider, user_id = registered(live_gateway, unit="other", real_name="韩梅")
    # The invitations: the super admins of two units add the outsider by login name.
    for unit, boss in (("open", "openboss"), ("reviewing", "groupboss")):
        headers = api_login(client, uow, *grant_admin(uow, orgs[unit], modules=list(MODULES),
                                                       username=boss, person_org=orgs[unit]))
        role_id = client.get("/api/v1/admin/roles", headers=headers).json[0]["id"]
        added = client.post("/api/v1/admin/admins", headers=headers, json={
            "login_name": outsider["username"], "role_id": role_id})
        assert added.status_code in (200, 201), added.json
    operator_account(uow)

    def grant_statuses():
        with uow("identity")() as u:
            return dict(u.session.execute(
                sa.select(admin_grants.c.org_id, admin_grants.c.status)
                .where(admin_grants.c.user_id == user_id)).all())

    assert grant_statuses() == {orgs["open"]: "invited", orgs["reviewing"]: "invited"}

    async def scenario(page):
        await log_in(page, uow, url, outsider["username"], outsider["password"])
        await page.goto(url + "/settings/profile")  # invitations are shown on 个人资料
        invitation = page.get_by_role("region", name="管理员邀请")
        await expect(invitation).to_contain_text("直接通过医院")
        await expect(invitation).to_contain_text("角色“角色openboss”")
        await expect(invitation).to_contain_text("需要审核集团")
        await expect(invitation).to_contain_text("接受前您不具有该单位的任何管理权限。")

        # 拒绝 asks first; cancelling keeps the invitation.
        group = invitation.locator("li", has_text="需要审核集团")
        await group.get_by_role("button", name="拒绝").click()
        confirm = page.get_by_role("dialog", name="拒绝邀请")
        await expect(confirm).to_contain_text("拒绝“需要审核集团”的管理员邀请？")
        await confirm.get_by_role("button", name="取消").click()
        await expect(confirm).to_be_hidden()
        await expect(group).to_be_visible()
        await group.get_by_role("button", name="拒绝").click()
        await confirm.get_by_role("button", name="拒绝邀请").click()
        await expect(invitation.get_by_text("您已拒绝“需要审核集团”的管理员邀请。")).to_be_visible()
        await expect(group).to_have_count(0)

        await invitation.get_by_role("button", name="接受").click()
        await expect(invitation.get_by_text(re.compile("您已接受邀请，成为“直接通过医院”的管理员"))) \
            .to_be_visible()
        await expect(invitation.get_by_role("button", name="接受")).to_have_count(0)
        assert grant_statuses() == {orgs["open"]: "active", orgs["reviewing"]: "declined"}

        # The grant counts from a login as admin: the card leads there.
        await invitation.get_by_role("button", name="退出并以管理员身份登录").click()
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await expect(page.get_by_text("请选择“管理员登录”，登录后即可管理该单位。")).to_be_visible()
        await log_in(page, uow, url, outsider["username"], outsider["password"], role="admin")
        await expect(page.get_by_role("heading", name="管理首页")).to_be_visible()
        await expect(page.locator(".eyebrow")).to_have_text("管理员")
        await expect(page.get_by_role("region", name="管理员邀请")).to_have_count(0)
        main = page.locator("main")
        for group_title, link, hint in (
                ("审核账户", "审核注册人员", "本单位及下级单位专技人员的注册"),
                ("单位", "本单位信息", "联系方式、修改单位信息、更换上级部门、变更记录"),
                ("专技人员管理", "学员管理", "查询、导出、重置密码、调出；批量导入")):
            region = main.get_by_role("region", name=group_title, exact=True)
            await expect(region.get_by_role("link", name=link)).to_be_visible()
            await expect(region).to_contain_text(hint)
        # An invited admin is not the unit's super admin.
        await expect(main.get_by_role("link", name="管理员与角色")).to_have_count(0)
        await screenshot(page, "admin-home")
        await main.get_by_role("link", name="学员管理").click()
        await expect(page).to_have_url(re.compile(r"/admin/learners$"))

        # The operator's 管理首页: every platform function but the units' own pages.
        await page.get_by_role("button", name="退出登录").click()
        await log_in(page, uow, url, "operator", "Operator@2026", role="operator")
        await expect(page.get_by_role("heading", name="管理首页")).to_be_visible()
        await expect(page.locator(".eyebrow")).to_have_text("平台运营")
        await expect(main.get_by_role("link", name="审核单位注册")).to_be_visible()
        await expect(main.get_by_role("link", name="学员管理")).to_be_visible()
        await expect(main.get_by_role("link", name="本单位信息")).to_have_count(0)
        await expect(main.get_by_role("link", name="管理员与角色")).to_have_count(0)

    run_in_browser(scenario)
