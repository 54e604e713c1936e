import { describe, expect, it } from "vitest";

import { acceptsDepartments, actionTexts, addAdminBody, addedMessage, adminActions,
  canChangeParent, certificateProblem, departmentNameProblem, diffValue, infoChangeBody,
  parentDecisions, parentSelectable, roleBody, unitAdminNote,
  type AddAdminInput } from "@/views/admin/orgadmin/rules";

const input = (changes: Partial<AddAdminInput>): AddAdminInput => ({ way: "existing", role_id: 3,
  login_name: "", member: null, id_number: "", real_name: "", mobile: "", email: "", ...changes });

describe("本单位信息", () => {
  it("offers 更换上级部门 only to units that registered under a parent", () => {
    expect(canChangeParent("employer")).toBe(true);
    expect(canChangeParent("training_institution")).toBe(true);
    expect(canChangeParent("hr_bureau")).toBe(false);
    expect(canChangeParent(undefined)).toBe(false);
  });

  it("lets an employer choose a bureau, department or employer, but not itself or its parent", () => {
    const pick = parentSelectable({ id: 5, type: "employer", parent_id: 1 });
    expect(pick({ id: 2, type: "supervising_dept" })).toBe(true);
    expect(pick({ id: 7, type: "employer" })).toBe(true);
    expect(pick({ id: 5, type: "employer" })).toBe(false);
    expect(pick({ id: 1, type: "hr_bureau" })).toBe(false);
    expect(pick({ id: 9, type: "internal_dept" })).toBe(false);
    const supervising = parentSelectable({ id: 5, type: "supervising_dept", parent_id: 1 });
    expect(supervising({ id: 7, type: "employer" })).toBe(false);
    expect(supervising({ id: 8, type: "hr_bureau" })).toBe(true);
  });

  it("builds a name / code change, refusing an empty or unchanged one", () => {
    expect(infoChangeBody({ name: " 新名称 ", uscc: "" }, { name: "旧名称" }))
      .toEqual({ body: { name: "新名称", uscc: null } });
    expect(infoChangeBody({ name: "", uscc: "91410100ma12345x" }, { name: "旧名称" }))
      .toEqual({ body: { name: null, uscc: "91410100MA12345X" } });
    expect(infoChangeBody({ name: " ", uscc: "" }, { name: "旧名称" })).toHaveProperty("error");
    expect(infoChangeBody({ name: "旧名称", uscc: "" }, { name: "旧名称" }))
      .toEqual({ error: "新的单位名称与当前名称相同" });
  });

  it("checks a certificate scan's type and size before uploading", () => {
    expect(certificateProblem({ type: "image/png", size: 1000 })).toBeNull();
    expect(certificateProblem({ type: "application/pdf", size: 5 * 1024 * 1024 })).toBeNull();
    expect(certificateProblem({ type: "image/gif", size: 10 })).toMatch("JPG");
    expect(certificateProblem({ type: "image/jpeg", size: 5 * 1024 * 1024 + 1 })).toMatch("5MB");
  });

  it("reads diffs and the two parents' decisions", () => {
    expect(diffValue(null)).toBe("（空）");
    expect(diffValue("")).toBe("（空）");
    expect(diffValue(true)).toBe("是");
    expect(diffValue("甲")).toBe("甲");
    expect(parentDecisions({ kind: "parent", status: "pending", old_parent_decision: "approved",
      new_parent_decision: null })).toBe("原上级：已通过；新上级：待审核");
    expect(parentDecisions({ kind: "parent", status: "approved" })).toBe("");
    expect(parentDecisions({ kind: "info", status: "pending" })).toBe("");
  });
});

describe("内设部门", () => {
  it("keeps departments under employers and enabled departments only", () => {
    expect(acceptsDepartments({ type: "employer" })).toBe(true);
    expect(acceptsDepartments({ type: "internal_dept", status: "approved" })).toBe(true);
    expect(acceptsDepartments({ type: "internal_dept", status: "disabled" })).toBe(false);
    expect(acceptsDepartments({ type: "hr_bureau" })).toBe(false);
  });

  it("asks for a name of at most 100 characters", () => {
    expect(departmentNameProblem("  ")).toBe("请填写部门名称");
    expect(departmentNameProblem("内科")).toBeNull();
    expect(departmentNameProblem("科".repeat(101))).toMatch("100");
  });
});

describe("下级单位的管理员", () => {
  it("marks invitations, the super admin and disabled admins", () => {
    expect(unitAdminNote({ status: "invited", is_super: false })).toBe("待接受邀请");
    expect(unitAdminNote({ status: "active", is_super: true })).toBe("超级管理员");
    expect(unitAdminNote({ status: "disabled", is_super: false })).toBe("已禁用");
    expect(unitAdminNote({ status: "active", is_super: false })).toBe("");
  });
});

describe("管理员与角色", () => {
  it("offers only 撤回邀请 for an invitation, nothing for the super admin or oneself", () => {
    expect(adminActions({ status: "invited", user_id: 4 }, 1)).toEqual(["withdraw"]);
    expect(adminActions({ status: "active", is_super: true, user_id: 4 }, 1)).toEqual([]);
    expect(adminActions({ status: "active", user_id: 1 }, 1)).toEqual([]);
    expect(adminActions({ status: "active", user_id: 4 }, 1))
      .toEqual(["disable", "make_super", "reset_password", "remove"]);
    expect(adminActions({ status: "disabled", user_id: 4 }, 1))
      .toEqual(["enable", "reset_password", "remove"]);
  });

  it("names who each confirmation and result is about", () => {
    expect(actionTexts("disable", "吴新").done).toBe("已禁用“吴新”。");
    expect(actionTexts("withdraw", "韩梅").done).toBe("已撤回对“韩梅”的邀请。");
    expect(actionTexts("make_super", "吴新").confirm).toContain("您将不再是超级管理员");
  });

  it("builds the body of each way to add an admin, or says what is missing", () => {
    expect(addAdminBody(input({ login_name: " hanmei " })))
      .toEqual({ body: { role_id: 3, login_name: "hanmei" } });
    expect(addAdminBody(input({ login_name: "", role_id: null })))
      .toEqual({ errors: { role_id: "请选择角色", login_name: "请填写用户名或身份证号码" } });
    expect(addAdminBody(input({ way: "member", member: { user_id: 12 } })))
      .toEqual({ body: { role_id: 3, user_id: 12 } });
    expect(addAdminBody(input({ way: "member" }))).toEqual({ errors: { user_id: "请选择本单位人员" } });
    expect(addAdminBody(input({ way: "new", id_number: "41010519920303002x", real_name: " 吴新 ",
      mobile: "13512345678" }))).toEqual({ body: { role_id: 3, new_person: {
      id_number: "41010519920303002X", real_name: "吴新", mobile: "13512345678", email: null } } });
    const missing = addAdminBody(input({ way: "new", mobile: "135" }));
    expect(missing).toEqual({ errors: { "new_person.id_number": "请填写身份证号码",
      "new_person.real_name": "请填写真实姓名" } });
  });

  it("says an outsider is only invited", () => {
    expect(addedMessage({ status: "invited" })).toContain("已向其发出邀请");
    expect(addedMessage({ status: "active" })).toBe("已新增管理员。");
  });

  it("asks a role for a name", () => {
    expect(roleBody(" 审核员 ", ["account_review"]))
      .toEqual({ body: { name: "审核员", modules: ["account_review"] } });
    expect(roleBody("", [])).toEqual({ errors: { name: "请填写角色名称" } });
  });
});
