"""Registering in a real browser (the Vue client served by the gateway, the real services
and broker behind it, captcha on).

A person registers through the two-step 用户注册 wizard (employer picked in the org tree),
then logs in (a wrong captcha first, then the right one) and logs out; a person of a unit
that reviews its members is told to wait, finds the registration pending in
注册审核进度查询 and withdraws it; a unit registers through 单位注册 (code, scan upload,
parent picked in the tree, a new applicant account), finds itself pending in the progress
query and withdraws its registration there."""
import random
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.identity.models import accounts, people
from services.orgtree.models import org_units
from tests.builders import citizen_id, png_scan, uscc
from tests.e2e.browser import (CAPTCHA_URL, account_status, captcha_answer, captcha_id_of, choose,
                               field, until)

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def person_of(uow_factory, username):
    with uow_factory("identity")() as uow:
        return uow.session.execute(
            sa.select(people).select_from(accounts.join(people, people.c.user_id == accounts.c.id))
            .where(accounts.c.username == username)).mappings().first()


def unit_of(uow_factory, name):
    with uow_factory("orgtree")() as uow:
        return uow.session.execute(sa.select(org_units).where(org_units.c.name == name)
                                   ).mappings().first()


async def pick_org(page, label, expand, name):
    """Open the org picker labelled `label` (its button shows 选择单位), expand `expand` in
    the tree (if given) and choose `name`."""
    picker = field(page, label)
    await expect(picker).to_have_text("选择单位")
    await picker.click()
    dialog = page.get_by_role("dialog")
    if expand:
        await dialog.locator(".el-tree-node__content", has_text=expand).first.click()
    await dialog.get_by_role("button", name=f"选择 {name}").click()
    await expect(dialog).to_be_hidden()


async def select_option(page, label, option):
    """Choose `option` in the Element Plus select labelled `label` (a person clicks the
    select's box, which covers its input)."""
    box = page.locator(".el-select", has=field(page, label))
    await box.click()
    await page.get_by_role("option", name=option, exact=True).click()
    await expect(page.get_by_role("listbox")).to_be_hidden()
    await expect(box).to_contain_text(option)


async def fill_account_step(page, person):
    await expect(page.get_by_role("heading", name="填写账号信息")).to_be_visible()
    await field(page, "用户名").fill(person["username"])
    await field(page, "密码").fill(person["password"])
    await field(page, "确认密码").fill(person["password"])
    await page.get_by_role("button", name="下一步").click()
    await expect(page.get_by_role("heading", name="填写个人信息")).to_be_visible()


async def fill_person_step(page, person):
    await field(page, "真实姓名").fill(person["real_name"])
    await field(page, "手机号").fill(person["mobile"])
    await field(page, "证件号码").fill(person["id_number"])
    await field(page, "证件号码").press("Tab")  # the citizen ID fills in birth date and sex
    await choose(page, "未取得")


def test_register_then_log_in_and_out(live_gateway, run_in_browser, screenshot):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    n = random.randint(100000, 999999)
    person = {"username": f"e2e{n}", "password": "Passw0rd!", "real_name": "李文静",
              "mobile": f"139{n:06d}00", "id_number": citizen_id(birth="19880517", male=False)}

    async def scenario(page):
        await page.goto(url + "/")
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await page.get_by_role("link", name="立即注册").click()

        # ---- step 1: the account; its checks are told beside the fields ------------------
        await expect(page.get_by_role("heading", name="用户注册")).to_be_visible()
        await expect(page.get_by_role("heading", name="填写账号信息")).to_be_visible()
        await field(page, "用户名").fill("9bad")
        await field(page, "密码").fill(person["password"])
        await field(page, "确认密码").fill("Passw0rd?")
        await page.get_by_role("button", name="下一步").click()
        await expect(page.get_by_text("用户名须为4–20位字母、数字或下划线，且以字母开头")).to_be_visible()
        await expect(page.get_by_text("两次输入的密码不一致")).to_be_visible()
        await expect(page.get_by_text("密码强度：强")).to_be_visible()
        await fill_account_step(page, person)

        # ---- step 2: the person; the employer is picked in the org tree --------------------
        await page.get_by_role("button", name="注册", exact=True).click()
        await expect(page.get_by_text("请选择所属组织机构")).to_be_visible()
        await pick_org(page, "所属组织机构", "测试人社局", "直接通过医院")
        picked = page.locator(".org-current")
        await expect(picked).to_contain_text("直接通过医院")
        await expect(picked).not_to_contain_text("需单位审核")
        await fill_person_step(page, person)
        await expect(field(page, "出生日期")).to_have_value("1988-05-17")
        await expect(page.get_by_role("radio", name="女", exact=True)).to_be_checked()
        # Holding a title makes its level and name required.
        await choose(page, "已取得")
        await page.get_by_role("button", name="注册", exact=True).click()
        await expect(page.get_by_text("已取得职称时须填写职称级别")).to_be_visible()
        await select_option(page, "职称级别", "中级")
        await field(page, "专业技术职称").fill("主治医师")
        await select_option(page, "学历", "大学本科")
        await screenshot(page, "register")
        await page.get_by_role("button", name="注册", exact=True).click()

        # ---- done: an employer that admits at once needs no review -----------------------
        await expect(page.get_by_role("heading", name="注册成功")).to_be_visible()
        await expect(page.get_by_text(person["username"], exact=True)).to_be_visible()
        await expect(page.get_by_text("您现在可以使用用户名或证件号码登录平台。")).to_be_visible()
        stored = person_of(uow, person["username"])
        assert stored["org_id"] == orgs["open"]
        assert (stored["real_name"], stored["gender"], str(stored["birth_date"])) == (
            person["real_name"], "female", "1988-05-17")
        assert (stored["title_status"], stored["title_level"], stored["education"]) == (
            "已取得", "中级", "大学本科")
        assert stored["email"] is None
        # Identity activates the account when orgtree's membership event comes back.
        await until(lambda: account_status(uow, person["username"]) == "active")

        async with page.expect_response(CAPTCHA_URL) as first:
            await page.get_by_role("button", name="立即登录").click()
        first_id = await captcha_id_of(first)

        # ---- 登录: a wrong captcha is refused in Chinese, and the captcha is replaced -------
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await expect(page.get_by_text(f"注册成功，请使用用户名“{person['username']}”")).to_be_visible()
        await field(page, "用户名或身份证号").fill(person["username"])
        await field(page, "密码").fill(person["password"])
        captcha_input = field(page, "验证码")
        await captcha_input.fill("1111")  # never an answer: the alphabet has no 1
        async with page.expect_response(CAPTCHA_URL) as second:
            await page.get_by_role("button", name="登录", exact=True).click()
        second_id = await captcha_id_of(second)
        assert second_id != first_id
        form_item = page.locator(".el-form-item", has=captcha_input)
        await expect(form_item.locator(".el-form-item__error")).to_have_text("验证码错误，请重新输入")
        await expect(captcha_input).to_have_value("")

        # ---- 登录 with the answer of the captcha the page shows now ------------------------
        await captcha_input.fill(captcha_answer(uow, second_id).lower())
        await page.get_by_role("button", name="登录", exact=True).click()
        await expect(page.get_by_role("heading", name="我的课程")).to_be_visible()
        await expect(page).to_have_url(re.compile(r"/courses$"))

        # ---- 退出登录 -----------------------------------------------------------------------
        await page.get_by_role("button", name="退出登录").click()
        await expect(page.get_by_text("您已安全退出登录。")).to_be_visible()
        await expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
        await expect(page.get_by_role("button", name="退出登录")).to_have_count(0)

    run_in_browser(scenario)


def test_a_reviewed_registration_waits_and_is_withdrawn(live_gateway, run_in_browser):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    n = random.randint(100000, 999999)
    person = {"username": f"rev{n}", "password": "Passw0rd!", "real_name": "赵敏",
              "mobile": f"138{n:06d}00", "id_number": citizen_id(birth="19920303")}

    async def scenario(page):
        await page.goto(url + "/register")
        await fill_account_step(page, person)
        await pick_org(page, "所属组织机构", "测试人社局", "需要审核集团")
        await expect(page.locator(".org-current")).to_contain_text("需单位审核")
        await fill_person_step(page, person)
        await page.get_by_role("button", name="注册", exact=True).click()

        # ---- a unit that reviews its members: the person is told to wait --------------------
        await expect(page.get_by_role("heading", name="注册成功")).to_be_visible()
        await expect(page.get_by_text("您的注册信息已提交至「需要审核集团」审核")).to_be_visible()
        await expect(page.get_by_role("button", name="返回登录")).to_be_visible()
        assert person_of(uow, person["username"])["org_id"] == orgs["reviewing"]
        assert account_status(uow, person["username"]) == "pending_review"

        # ---- 注册审核进度查询: pending with that unit; withdrawn with the password ---------
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "link", name="审核进度查询").click()
        await expect(page.get_by_role("heading", name="注册审核进度查询")).to_be_visible()
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("请输入姓名")).to_be_visible()
        await field(page, "姓名").fill(person["real_name"])
        await field(page, "证件号码").fill(person["id_number"])
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile("个人注册"))
        await expect(row).to_contain_text("待审核")
        await expect(row).to_contain_text("需要审核集团")

        await row.get_by_role("button", name="撤回申请").click()
        prompt = page.get_by_role("dialog", name="撤回申请")
        await prompt.get_by_placeholder("注册时设置的密码").fill("Wrong0pass!")
        await prompt.get_by_role("button", name="撤回申请").click()
        await expect(page.get_by_text("密码不正确")).to_be_visible()
        assert account_status(uow, person["username"]) == "pending_review"

        await row.get_by_role("button", name="撤回申请").click()
        await prompt.get_by_placeholder("注册时设置的密码").fill(person["password"])
        await prompt.get_by_role("button", name="撤回申请").click()
        await expect(page.get_by_text("已撤回申请，您可以重新注册。")).to_be_visible()
        await expect(page.get_by_text("没有查到待审核或已审核的注册。")).to_be_visible()
        assert account_status(uow, person["username"]) is None

    run_in_browser(scenario)


def test_a_unit_registers_and_withdraws_its_registration(live_gateway, run_in_browser,
                                                         screenshot, tmp_path):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    n = random.randint(1000, 9999)
    unit = f"网页注册医院{n}"
    applicant_id = citizen_id(birth="19790921")
    code = uscc()
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_scan((300, 200)))

    async def scenario(page):
        await page.goto(url + "/org-register")
        await expect(page.get_by_role("heading", name="单位注册")).to_be_visible()

        # ---- step 1: type, code and the scan, checked before it is uploaded ----------------
        await expect(page.get_by_role("heading", name="填写代码并上传扫描件")).to_be_visible()
        await page.get_by_role("button", name="下一步").click()
        await expect(page.get_by_text("请选择注册类型")).to_be_visible()
        await expect(page.get_by_text("请填写统一社会信用代码或组织机构代码")).to_be_visible()
        await expect(page.get_by_text("请上传代码证扫描件")).to_be_visible()
        await choose(page, "用人单位")
        await field(page, "统一社会信用代码").fill(code)
        async with page.expect_file_chooser() as chooser:
            await field(page, "组织机构代码证 / 统一社会信用代码证扫描件").click()
        await (await chooser.value).set_files(str(scan))
        await expect(page.get_by_text("已选择：scan.png")).to_be_visible()
        await page.get_by_role("button", name="下一步").click()

        # ---- step 2: the unit; its parent is picked in the tree -----------------------------
        await expect(page.get_by_role("heading", name="填写单位基本信息")).to_be_visible()
        await page.get_by_role("button", name="上一步").click()
        await expect(page.get_by_text("扫描件已上传并通过核验")).to_be_visible()
        await page.get_by_role("button", name="下一步").click()
        await expect(page.get_by_role("heading", name="填写单位基本信息")).to_be_visible()
        await pick_org(page, "上级单位", None, "测试人社局")
        await expect(page.locator(".org-current")).to_contain_text("测试人社局")
        await field(page, "单位名称").fill(unit)
        await field(page, "单位地址").fill("天津市河西区友谊路1号")
        await field(page, "联系人").fill("刘主任")
        await field(page, "联系电话").fill("022-88886666")
        await choose(page, "无需审核")
        await screenshot(page, "org-register")
        await page.get_by_role("button", name="下一步").click()

        # ---- step 3: a new applicant account ---------------------------------------------
        await expect(page.get_by_role("heading", name="申请人账户")).to_be_visible()
        await choose(page, "非本系统用户")
        await field(page, "身份证号码").fill(applicant_id)
        await field(page, "密码").fill("Unit@2026x")
        await field(page, "确认密码").fill("Unit@2026y")
        await field(page, "真实姓名").fill("刘建明")
        await field(page, "手机号码").fill("13612345678")
        await page.get_by_role("button", name="注册", exact=True).click()
        await expect(page.get_by_text("两次输入的密码不一致")).to_be_visible()
        await field(page, "确认密码").fill("Unit@2026x")
        await page.get_by_role("button", name="注册", exact=True).click()

        await expect(page.get_by_role("heading", name="注册成功")).to_be_visible()
        await expect(page.get_by_text("「测试人社局」")).to_be_visible()
        stored = unit_of(uow, unit)
        assert stored["status"] == "pending"
        assert stored["parent_id"] == orgs["bureau"]
        assert (stored["type"], stored["uscc"], stored["review_members"]) == (
            "employer", code, False)

        # ---- 注册审核进度查询: pending with the bureau -----------------------------------------
        await page.get_by_role("link", name="注册审核进度查询").click()
        await expect(page.get_by_role("heading", name="注册审核进度查询")).to_be_visible()
        await field(page, "姓名").fill("刘建明")
        await field(page, "证件号码").fill(applicant_id)
        await page.get_by_role("button", name="查询").click()
        row = page.get_by_role("row", name=re.compile(unit))
        await expect(row).to_contain_text("用人单位注册")
        await expect(row).to_contain_text("待审核")
        await expect(row).to_contain_text("测试人社局")
        await screenshot(page, "registration-status")

        # ---- 撤回申请 with the applicant's password ----------------------------------------
        await row.get_by_role("button", name="撤回申请").click()
        prompt = page.get_by_role("dialog", name="撤回申请")
        await prompt.get_by_role("button", name="撤回申请").click()
        await expect(prompt.get_by_text("请输入密码")).to_be_visible()
        await prompt.get_by_placeholder("注册时设置的密码").fill("Unit@2026x")
        await prompt.get_by_role("button", name="撤回申请").click()
        await expect(page.get_by_text("已撤回申请，您可以重新注册。")).to_be_visible()
        assert unit_of(uow, unit)["status"] == "withdrawn"

    run_in_browser(scenario)
