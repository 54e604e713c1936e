"""The unit administration pages in a real browser: 本单位信息 (a contact change saved at once,
a name change going to review and withdrawn, a parent change asked), 内设部门 (a tree of
departments added, renamed and disabled), 下级单位与施教机构 (filters; a unit's admin removed,
an invitation shown as 待接受邀请), 管理员与角色 (roles made and changed; admins added in each
way, disabled, removed; an outsider added by login name is only invited)."""
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import expect

from services.common.authz import MODULES
from services.identity.models import accounts, admin_grants, roles
from services.orgtree.models import org_changes, org_units
from tests.builders import citizen_id, registration
from tests.conftest import eventually
from tests.e2e.browser import account_status, choose, field, log_in
from tests.integration.conftest import grant_admin

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def confirm(page, title, button):
    """Answer an ElMessageBox confirmation titled `title` with its `button`."""
    box = page.get_by_role("dialog", name=title, exact=True)
    await expect(box).to_be_visible()
    await box.get_by_role("button", name=button, exact=True).click()
    await expect(box).to_be_hidden()


async def pick_option(page, label, option):
    """Choose `option` in the Element Plus select labelled `label` (a person clicks the box,
    whose placeholder covers the input)."""
    await page.locator(".el-select", has=field(page, label)).click()
    await page.get_by_role("option", name=option).first.click()


def grant_of(uow, username, org_id):
    with uow("identity")() as u:
        return u.session.execute(
            sa.select(admin_grants.c.status, admin_grants.c.is_super).select_from(
                admin_grants.join(accounts, accounts.c.id == admin_grants.c.user_id))
            .where(accounts.c.username == username, admin_grants.c.org_id == org_id)
            .order_by(admin_grants.c.id.desc())).first()


def org_row(uow, org_id):
    with uow("orgtree")() as u:
        return u.session.execute(sa.select(org_units).where(org_units.c.id == org_id)
                                 ).mappings().first()


def changes_of(uow, org_id):
    with uow("orgtree")() as u:
        return u.session.execute(sa.select(org_changes.c.kind, org_changes.c.status,
                                           org_changes.c.after)
                                 .where(org_changes.c.org_id == org_id)
                                 .order_by(org_changes.c.id)).all()


def test_own_unit_and_units_below(live_gateway, run_in_browser, screenshot):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    bureau = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="bureauadmin")
    grant_admin(uow, orgs["open"], modules=["basic_info"], username="hospitaladmin")
    # An invitation the hospital sent that is not accepted yet.
    grant_admin(uow, orgs["open"], modules=["basic_info"], is_super=False, username="invitee")
    with uow("identity")() as u:
        invitee = u.session.execute(sa.select(accounts.c.id)
                                    .where(accounts.c.username == "invitee")).scalar()
        u.session.execute(sa.update(admin_grants).where(admin_grants.c.user_id == invitee)
                          .values(status="invited"))
        u.commit()

    async def scenario(page):
        await log_in(page, uow, url, *bureau, role="admin")

        # ---- 本单位信息: contacts at once; a name change goes to review, then is withdrawn ----
        await page.goto(url + "/admin/org")
        await expect(page.get_by_role("heading", name="本单位信息")).to_be_visible()
        await expect(page.get_by_text("测试人社局").first).to_be_visible()
        # An HR bureau has no parent to change.
        await expect(page.get_by_role("heading", name="更换上级部门")).to_have_count(0)
        contacts = page.get_by_role("form", name="联系方式")
        await field(page, "单位地址").fill("郑州市金水区花园路1号")
        await field(page, "联系人").fill("张联系")
        await field(page, "联系电话").fill("0371-65432100")
        await contacts.get_by_role("button", name="保存").click()
        await expect(page.get_by_text("联系方式已保存。")).to_be_visible()
        saved = org_row(uow, orgs["bureau"])
        assert (saved["address"], saved["contact_name"], saved["contact_phone"]) == (
            "郑州市金水区花园路1号", "张联系", "0371-65432100")

        info = page.get_by_role("form", name="修改单位信息")
        await info.get_by_role("button", name="提交审核").click()
        await expect(info.get_by_text("请填写新的单位名称或新的统一社会信用代码")).to_be_visible()
        await field(page, "新的单位名称").fill("测试市人社局")
        await info.get_by_role("button", name="提交审核").click()
        await expect(page.get_by_text("修改申请已提交上级单位审核。")).to_be_visible()
        await expect(field(page, "新的单位名称")).to_have_value("")
        record = page.get_by_role("row", name=re.compile("修改单位信息"))
        await expect(record).to_contain_text("审核中")
        await expect(record).to_contain_text("测试人社局 → 测试市人社局")
        assert [(c.kind, c.status) for c in changes_of(uow, orgs["bureau"])] == [
            ("info", "pending")]
        # One change at a time.
        await field(page, "新的单位名称").fill("测试市人力资源局")
        await info.get_by_role("button", name="提交审核").click()
        await expect(info.get_by_text("已有修改单位信息在审核流程中")).to_be_visible()
        await record.get_by_role("button", name="撤销").click()
        await confirm(page, "撤销修改申请", "撤销")
        await expect(page.get_by_text("已撤销该修改申请。")).to_be_visible()
        await expect(record).to_contain_text("已撤销")
        await expect(record.get_by_role("button", name="撤销")).to_have_count(0)
        assert [(c.kind, c.status) for c in changes_of(uow, orgs["bureau"])] == [
            ("info", "withdrawn")]
        assert org_row(uow, orgs["bureau"])["name"] == "测试人社局"

        # ---- 下级单位与施教机构: filters, then the hospital's admin loses their rights --------
        await page.goto(url + "/admin/subordinates")
        await expect(page.get_by_role("heading", name="下级单位与施教机构")).to_be_visible()
        await expect(page.get_by_text("共 2 个单位")).to_be_visible()
        await field(page, "单位名称").fill("需要")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("共 1 个单位")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("需要审核集团"))).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("直接通过医院"))).to_have_count(0)
        await pick_option(page, "单位类型", "主管部门")
        await page.get_by_role("button", name="查询").click()
        await expect(page.get_by_text("没有符合条件的下级单位")).to_be_visible()
        await page.get_by_role("button", name="重置").click()
        await expect(page.get_by_text("共 2 个单位")).to_be_visible()
        unit = page.get_by_role("row", name=re.compile("直接通过医院"))
        await expect(unit).to_contain_text("用人单位")
        await expect(unit).to_contain_text("测试人社局")
        await screenshot(page, "subordinates")

        await unit.get_by_role("button", name="查看管理员").click()
        dialog = page.get_by_role("dialog", name="直接通过医院的管理员")
        await expect(dialog.get_by_role("row", name=re.compile("invitee"))).to_contain_text(
            "待接受邀请")
        admin = dialog.get_by_role("row", name=re.compile("hospitaladmin"))
        await expect(admin).to_contain_text("超级管理员")
        await admin.get_by_role("button", name="删除").click()
        await confirm(page, "删除管理员", "删除")
        await expect(dialog.get_by_text("已删除“hospitaladmin”的管理员权限。")).to_be_visible()
        await expect(dialog.get_by_role("row", name=re.compile("hospitaladmin"))).to_have_count(0)
        await dialog.get_by_role("row", name=re.compile("invitee")).get_by_role(
            "button", name="撤回邀请").click()
        await confirm(page, "撤回邀请", "撤回")
        await expect(dialog.get_by_text("无管理员")).to_be_visible()

    run_in_browser(scenario)
    assert grant_of(uow, "hospitaladmin", orgs["open"]).status == "revoked"
    assert grant_of(uow, "invitee", orgs["open"]).status == "revoked"


def test_super_admin_manages_roles_and_admins(live_gateway, run_in_browser, screenshot):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    boss = grant_admin(uow, orgs["bureau"], modules=list(MODULES), username="boss")
    newcomer = citizen_id(birth="19920303", male=False)

    async def scenario(page):
        await log_in(page, uow, url, *boss, role="admin")
        await page.get_by_role("navigation", name="主导航").get_by_role(
            "menuitem", name="管理员与角色").click()
        await expect(page.get_by_role("heading", name="管理员与角色")).to_be_visible()
        roles_part = page.get_by_role("region", name="角色", exact=True)
        admins_part = page.get_by_role("region", name="管理员", exact=True)
        await expect(roles_part.get_by_role("row", name=re.compile("角色boss"))).to_be_visible()
        await expect(admins_part.get_by_role("row", name=re.compile("boss"))).to_contain_text(
            "超级管理员")

        # ---- roles: made, then given another module ----------------------------------------
        await page.get_by_role("button", name="新增角色").click()
        dialog = page.get_by_role("dialog", name="新增角色")
        await dialog.get_by_role("button", name="新增角色").click()
        await expect(dialog.get_by_text("请填写角色名称")).to_be_visible()
        await field(page, "角色名称").fill("审核员")
        await choose(page, "账号审核")
        await dialog.get_by_role("button", name="新增角色").click()
        await expect(page.get_by_text("已新增角色“审核员”。")).to_be_visible()
        role = roles_part.get_by_role("row", name=re.compile("审核员"))
        await expect(role).to_contain_text("账号审核")

        await role.get_by_role("button", name="修改").click()
        dialog = page.get_by_role("dialog", name="修改角色“审核员”")
        await expect(field(page, "角色名称")).to_have_value("审核员")
        await choose(page, "专技人员管理")
        await dialog.get_by_role("button", name="保存").click()
        await expect(page.get_by_text("已保存角色“审核员”。")).to_be_visible()
        await expect(role).to_contain_text("账号审核、专技人员管理")
        with uow("identity")() as u:
            modules = u.session.execute(sa.select(roles.c.modules).where(
                roles.c.name == "审核员", roles.c.org_id == orgs["bureau"])).scalar()
        assert sorted(modules) == ["account_review", "learner_management"]
        # A role without modules, deleted again.
        await page.get_by_role("button", name="新增角色").click()
        await field(page, "角色名称").fill("临时角色")
        await page.get_by_role("dialog", name="新增角色").get_by_role(
            "button", name="新增角色").click()
        spare = roles_part.get_by_role("row", name=re.compile("临时角色"))
        await expect(spare).to_contain_text("—")
        await spare.get_by_role("button", name="删除").click()
        await confirm(page, "删除角色", "删除")
        await expect(page.get_by_text("已删除角色“临时角色”。")).to_be_visible()
        await expect(spare).to_have_count(0)

        # ---- admins: a new user with that role, disabled, enabled, removed -----------------
        await page.get_by_role("button", name="新增管理员").click()
        dialog = page.get_by_role("dialog", name="新增管理员")
        await choose(page, "新用户")
        await dialog.get_by_role("button", name="新增管理员").click()
        await expect(dialog.get_by_text("请填写身份证号码")).to_be_visible()
        await expect(dialog.get_by_text("请选择角色")).to_be_visible()
        await field(page, "身份证号码").fill(newcomer)
        await field(page, "真实姓名").fill("吴新")
        await field(page, "手机号码").fill("13512345678")
        await pick_option(page, "角色", "审核员")
        await dialog.get_by_role("button", name="新增管理员").click()
        await expect(page.get_by_text("已新增管理员。")).to_be_visible()
        await expect(dialog).to_be_hidden()
        row = admins_part.get_by_role("row", name=re.compile("吴新"))
        await expect(row).to_contain_text("启用")
        await expect(row).to_contain_text("审核员")
        await screenshot(page, "staff")

        await row.get_by_role("button", name="禁用").click()
        await confirm(page, "禁用", "禁用")
        await expect(page.get_by_text("已禁用“吴新”。")).to_be_visible()
        await expect(row).to_contain_text("禁用")
        await expect(row.get_by_role("button", name="设为超级管理员")).to_have_count(0)
        assert grant_of(uow, "adm" + newcomer.lower(), orgs["bureau"]).status == "disabled"
        await row.get_by_role("button", name="启用").click()
        await confirm(page, "启用", "启用")
        await expect(page.get_by_text("已启用“吴新”。")).to_be_visible()
        await expect(row.get_by_role("button", name="禁用")).to_be_visible()

        await row.get_by_role("button", name="重置密码").click()
        await confirm(page, "重置密码", "重置密码")
        await expect(page.get_by_text("已将“吴新”的密码重置为证件号码后六位。")).to_be_visible()

        # A role still held cannot be deleted; a cancelled confirmation does nothing.
        await role.get_by_role("button", name="删除").click()
        await confirm(page, "删除角色", "删除")
        await expect(page.get_by_text("该角色仍有管理员在使用")).to_be_visible()
        await row.get_by_role("button", name="删除").click()
        await confirm(page, "删除", "取消")
        await expect(row).to_be_visible()
        await row.get_by_role("button", name="删除").click()
        await confirm(page, "删除", "删除")
        await expect(page.get_by_text("已删除“吴新”的管理员权限。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("吴新"))).to_have_count(0)

    run_in_browser(scenario)
    assert grant_of(uow, "adm" + newcomer.lower(), orgs["bureau"]).status == "revoked"
    assert account_status(uow, "adm" + newcomer.lower()) == "active"


def test_an_employer_admin_keeps_its_departments(live_gateway, run_in_browser, screenshot):
    url, uow, orgs = live_gateway["url"], live_gateway["uow"], live_gateway["orgs"]
    employer = grant_admin(uow, orgs["open"], modules=["basic_info"], username="deptadmin")

    async def scenario(page):
        await log_in(page, uow, url, *employer, role="admin")
        await page.goto(url + "/admin/departments")
        await expect(page.get_by_role("heading", name="内设部门")).to_be_visible()
        await expect(page.get_by_text("“直接通过医院”下还没有内设部门。")).to_be_visible()
        tree = page.get_by_role("tree", name="内设部门")
        await tree.get_by_role("button", name="在 直接通过医院 下新增部门").click()
        dialog = page.get_by_role("dialog", name="在“直接通过医院”下新增部门")
        await dialog.get_by_role("button", name="新增").click()
        await expect(dialog.get_by_text("请填写部门名称")).to_be_visible()
        await field(page, "新部门名称").fill("内科")
        await dialog.get_by_role("button", name="新增").click()
        await expect(page.get_by_text("已在“直接通过医院”下新增“内科”。")).to_be_visible()
        await expect(page.get_by_text("下还没有内设部门")).to_have_count(0)

        await tree.get_by_role("button", name="在 内科 下新增下级部门").click()
        await field(page, "新部门名称").fill("心内科")
        await page.get_by_role("dialog", name="在“内科”下新增部门").get_by_role(
            "button", name="新增").click()
        await expect(page.get_by_text("已在“内科”下新增“心内科”。")).to_be_visible()
        inner = tree.get_by_role("treeitem", name=re.compile("^心内科"))
        await expect(inner).to_be_visible()
        # The same name twice under one parent is refused beside the field.
        await tree.get_by_role("button", name="在 内科 下新增下级部门").click()
        await field(page, "新部门名称").fill("心内科")
        dialog = page.get_by_role("dialog", name="在“内科”下新增部门")
        await dialog.get_by_role("button", name="新增").click()
        await expect(dialog.get_by_text("同一单位下已有同名部门")).to_be_visible()
        await dialog.get_by_role("button", name="取消").click()

        await tree.get_by_role("button", name="改名 心内科").click()
        await field(page, "新的部门名称").fill("心血管内科")
        await page.get_by_role("dialog", name="部门改名").get_by_role("button", name="保存").click()
        await expect(page.get_by_text("已将“心内科”改名为“心血管内科”。")).to_be_visible()
        await expect(tree.get_by_role("treeitem", name=re.compile("^心血管内科"))).to_be_visible()

        await tree.get_by_role("button", name="停用 内科").click()
        await confirm(page, "停用部门", "停用")
        await expect(page.get_by_text("已停用“内科”。")).to_be_visible()
        medicine = tree.get_by_role("treeitem", name=re.compile("^内科"))
        await expect(medicine).to_contain_text("已停用")
        await expect(tree.get_by_role("button", name="在 内科 下新增下级部门")).to_have_count(0)
        await expect(tree.get_by_role("button", name="启用 内科")).to_be_visible()
        await screenshot(page, "departments")

        # ---- 本单位信息 of an employer: the review setting and 更换上级部门 --------------------
        await page.goto(url + "/admin/org")
        await expect(page.get_by_role("heading", name="更换上级部门")).to_be_visible()
        await choose(page, "需要审核")
        await page.get_by_role("form", name="联系方式").get_by_role("button", name="保存").click()
        await expect(page.get_by_text("联系方式已保存。")).to_be_visible()
        move = page.get_by_role("form", name="更换上级部门")
        await move.get_by_role("button", name="提交审核").click()
        await expect(move.get_by_text("请选择新的上级部门")).to_be_visible()
        await field(page, "新的上级部门").click()
        picker = page.get_by_role("dialog", name="选择新的上级部门")
        await picker.get_by_label("按单位名称搜索").fill("需要审核")
        await picker.get_by_role("button", name="选择 需要审核集团").click()
        await expect(picker).to_be_hidden()
        await move.get_by_role("button", name="提交审核").click()
        await expect(page.get_by_text(
            "更换上级部门为“需要审核集团”的申请已提交，待原上级和新上级审核。")).to_be_visible()
        record = page.get_by_role("row", name=re.compile("更换上级部门"))
        await expect(record).to_contain_text("测试人社局 → 需要审核集团")
        await expect(record).to_contain_text("原上级：待审核；新上级：待审核")
        await screenshot(page, "my-org")

    run_in_browser(scenario)
    with uow("orgtree")() as u:
        rows = {r.name: r for r in u.session.execute(sa.select(org_units).where(
            org_units.c.type == "internal_dept"))}
    assert set(rows) == {"内科", "心血管内科"}
    assert rows["内科"].parent_id == orgs["open"] and rows["内科"].status == "disabled"
    assert rows["心血管内科"].parent_id == rows["内科"].id
    assert org_row(uow, orgs["open"])["review_members"] is True
    [change] = changes_of(uow, orgs["open"])
    assert (change.kind, change.status, change.after) == (
        "parent", "pending", {"parent_id": orgs["reviewing"]})


def test_an_outsider_added_by_login_name_is_invited(live_gateway, run_in_browser):
    url, uow, orgs, client = (live_gateway["url"], live_gateway["uow"], live_gateway["orgs"],
                              live_gateway["client"])
    boss = grant_admin(uow, orgs["open"], modules=list(MODULES), username="openboss",
                       person_org=orgs["open"])
    outsider = registration(orgs["other"], real_name="韩梅")
    member = registration(orgs["open"], real_name="孙立")
    for person in (outsider, member):
        assert client.post("/api/v1/auth/register", json=person).status_code == 201
    for person in (outsider, member):
        eventually(lambda p=person: account_status(uow, p["username"]) == "active")

    async def scenario(page):
        await log_in(page, uow, url, *boss, role="admin")
        await page.goto(url + "/admin/staff")
        await page.get_by_role("button", name="新增管理员").click()
        dialog = page.get_by_role("dialog", name="新增管理员")
        await field(page, "用户名或身份证号码").fill("nobody-here")
        await pick_option(page, "角色", "角色openboss")
        await dialog.get_by_role("button", name="新增管理员").click()
        await expect(dialog.get_by_text("系统中没有该用户")).to_be_visible()
        await field(page, "用户名或身份证号码").fill(outsider["username"])
        await dialog.get_by_role("button", name="新增管理员").click()
        await expect(page.get_by_text(re.compile("已向其发出邀请"))).to_be_visible()
        await expect(dialog).to_be_hidden()
        row = page.get_by_role("row", name=re.compile("韩梅"))
        await expect(row).to_contain_text("待接受")
        await expect(row.get_by_role("button", name="撤回邀请")).to_be_visible()
        await expect(row.get_by_role("button", name="重置密码")).to_have_count(0)
        await expect(row.get_by_role("button", name="禁用")).to_have_count(0)

        # 本单位人员: found by name among the unit's people, added at once.
        await page.get_by_role("button", name="新增管理员").click()
        await choose(page, "本单位人员")
        await page.get_by_label("按姓名查找本单位人员").fill("孙")
        await dialog.get_by_role("button", name="查找").click()
        await dialog.get_by_role("button", name="选择 孙立").click()
        await expect(dialog.get_by_text("已选择：孙立")).to_be_visible()
        await pick_option(page, "角色", "角色openboss")
        await dialog.get_by_role("button", name="新增管理员").click()
        await expect(page.get_by_text("已新增管理员。")).to_be_visible()
        await expect(page.get_by_role("row", name=re.compile("孙立"))).to_contain_text("启用")

    run_in_browser(scenario)
    invited = grant_of(uow, outsider["username"], orgs["open"])
    assert (invited.status, invited.is_super) == ("invited", False)
    assert grant_of(uow, member["username"], orgs["open"]).status == "active"
