import { describe, expect, it } from "vitest";

import { localTime, progressRows, statusTagType } from "@/views/public/register/progress";
import {
  accountProblems, applicantProblems, basicProblems, canBeParent, codeProblems, emptyOrgForm,
  emptyPersonForm, factsOfCitizenId, firstStepOf, MAX_SCAN_BYTES, orgRegistrationBody,
  passwordProblem, personProblems, registerBody, stepOfField, strengthOf,
} from "@/views/public/register/rules";

describe("the password rule", () => {
  it("says the first broken rule, as identity checks it", () => {
    expect(passwordProblem("")).toBe("请输入密码");
    expect(passwordProblem("abc\tdef12")).toBe("密码不能包含换行、制表符等不可见字符");
    expect(passwordProblem("ab1")).toBe("密码长度须为8–64位");
    expect(passwordProblem("abcdefgh")).toBe("密码须至少包含字母、数字、符号中的两种");
    expect(passwordProblem("Zhang_123", "zhang_123")).toBe("密码不能与用户名相同");
    expect(passwordProblem("pass word 1")).toBe("");
    expect(passwordProblem("Passw0rd!", "someone")).toBe("");
  });

  it("rates the strength", () => {
    expect(strengthOf("")).toEqual({ level: 0, label: "无" });
    expect(strengthOf("abcdefgh")).toEqual({ level: 1, label: "弱" });
    expect(strengthOf("abcdefg1")).toEqual({ level: 2, label: "中" });
    expect(strengthOf("abcdefghijk1")).toEqual({ level: 3, label: "强" });
    expect(strengthOf("Passw0rd!")).toEqual({ level: 3, label: "强" });
  });
});

describe("用户注册", () => {
  const filled = () => ({ ...emptyPersonForm(), username: "wang_li", password: "Passw0rd!",
    password_confirm: "Passw0rd!", real_name: " 王丽 ", mobile: "13912345678",
    id_number: "120101198805170023", birth_date: "1988-05-17", gender: "female",
    title_status: "未取得" });

  it("checks the account step", () => {
    expect(accountProblems(emptyPersonForm())).toEqual({ username: "请输入用户名",
      password: "请输入密码", password_confirm: "请再次输入密码" });
    expect(accountProblems({ ...filled(), username: "1abc", password_confirm: "other" }))
      .toEqual({ username: "用户名须为4–20位字母、数字或下划线，且以字母开头",
        password_confirm: "两次输入的密码不一致" });
    expect(accountProblems(filled())).toEqual({});
  });

  it("requires the title fields only of people who hold a title", () => {
    expect(personProblems(filled(), true)).toEqual({});
    expect(personProblems({ ...filled(), title_status: "已取得" }, true)).toEqual({
      title_level: "已取得职称时须填写职称级别",
      professional_title: "已取得职称时须填写专业技术职称" });
    expect(personProblems({ ...filled(), mobile: "12345" }, false)).toEqual({
      org_id: "请选择所属组织机构", mobile: "手机号须为11位中国大陆手机号码" });
  });

  it("reads the birth date and the sex off a citizen ID", () => {
    expect(factsOfCitizenId("120101198805170023")).toEqual({ birth_date: "1988-05-17",
      gender: "female" });
    expect(factsOfCitizenId("12010119790921001X")).toEqual({ birth_date: "1979-09-21",
      gender: "male" });
    expect(factsOfCitizenId("120101199902300011")?.birth_date).toBeNull(); // no 30 February
    expect(factsOfCitizenId("E12345678")).toBeNull();
  });

  it("sends trimmed values, optional ones empty as null", () => {
    const body = registerBody({ ...filled(), education: "大学本科" }, 7);
    expect(body).toMatchObject({ username: "wang_li", org_id: 7, real_name: "王丽",
      id_type: "id_card", gender: "female", education: "大学本科", email: null,
      ethnicity: null, title_level: null, title_date: null });
  });

  it("sends a server message back to the step showing its field", () => {
    expect(stepOfField("username")).toBe(0);
    expect(stepOfField("id_number")).toBe(1);
  });
});

describe("单位注册", () => {
  it("takes parents of the kinds the server allows", () => {
    expect(canBeParent("supervising_dept", "hr_bureau")).toBe(true);
    expect(canBeParent("supervising_dept", "employer")).toBe(false);
    expect(canBeParent("employer", "employer")).toBe(true);
    expect(canBeParent("training_institution", "employer")).toBe(false);
    expect(canBeParent("", "supervising_dept")).toBe(true); // as for an employer
  });

  it("checks each step", () => {
    const form = emptyOrgForm();
    expect(codeProblems(form, null, false)).toEqual({ type: "请选择注册类型",
      uscc: "请填写统一社会信用代码或组织机构代码", certificate: "请上传代码证扫描件" });
    form.type = "training_institution";
    form.org_code = "12345678-9";
    expect(codeProblems(form, { size: MAX_SCAN_BYTES + 1 }, false))
      .toEqual({ certificate: "扫描件不能超过5MB" });
    expect(codeProblems(form, null, true)).toEqual({});
    expect(basicProblems(form, false)).toEqual({ parent_id: "请选择上级单位",
      name: "请填写单位名称", address: "请填写单位地址", contact_name: "请填写联系人",
      contact_phone: "请填写联系电话", institution_level: "请选择继续教育基地级别" });
    form.applicant.existing = "no";
    form.applicant.id_number = "12010119790921001X";
    form.applicant.password = "short";
    expect(applicantProblems(form)).toEqual({
      "applicant.password": "密码长度须为8–64位",
      "applicant.password_confirm": "两次输入的密码不一致",
      "applicant.real_name": "请填写真实姓名",
      "applicant.mobile": "手机号须为11位中国大陆手机号码" });
    form.applicant.existing = "yes";
    expect(applicantProblems(form)).toEqual({});
  });

  it("sends only an existing applicant's login, and a new one's details", () => {
    const form = emptyOrgForm();
    Object.assign(form, { type: "employer", uscc: " 91120101MA0000000X ", name: "某医院",
      address: "路1号", contact_name: "刘", contact_phone: "022-1", review_members: "no",
      institution_level: "省级" });
    Object.assign(form.applicant, { existing: "yes", id_number: "12010119790921001X",
      password: "pw", real_name: "不发送" });
    const body = orgRegistrationBody(form, 3, "cert-1");
    expect(body).toMatchObject({ type: "employer", parent_id: 3, uscc: "91120101MA0000000X",
      org_code: null, region: null, institution_level: null, review_members: false,
      certificate_id: "cert-1" });
    expect(body.applicant).toEqual({ existing: true, id_number: "12010119790921001X",
      password: "pw" });
    form.applicant.existing = "no";
    form.applicant.mobile = "13612345678";
    expect(orgRegistrationBody(form, 3, "cert-1").applicant).toMatchObject({ existing: false,
      real_name: "不发送", mobile: "13612345678", email: null, landline: null });
  });

  it("goes back to the first step with a server message", () => {
    expect(firstStepOf(["applicant.mobile", "name"], 2)).toBe(1);
    expect(firstStepOf(["certificate_id"], 2)).toBe(0);
    expect(firstStepOf(["unknown"], 2)).toBe(2);
  });
});

describe("注册审核进度查询", () => {
  it("lists the person's own registration and their units'", () => {
    const rows = progressRows({ status: "pending_review", status_label: "待审核",
      reviewing_org: "需要审核集团", registered_at: "2026-03-05T06:07:08+00:00",
      can_withdraw: true, org_registrations: [{ org_id: 9, name: "某医院", type_label: "用人单位",
        status: "rejected", reviewing_org: "测试人社局", registered_at: "2026-03-01T00:00:00Z",
        reason: "代码证不清晰", can_withdraw: false }] });
    expect(rows.map((r) => [r.what, r.status, r.reviewingOrg, r.canWithdraw, r.orgId])).toEqual([
      ["个人注册", "待审核", "需要审核集团", true, null],
      ["用人单位注册：某医院", "审核未通过", "测试人社局", false, 9]]);
    expect(rows[1].reason).toBe("代码证不清晰");
    expect(progressRows({ status: null, org_registrations: [] })).toEqual([]);
  });

  it("shows times and statuses", () => {
    expect(localTime(null)).toBe("—");
    expect(localTime("2026-03-05T06:07:08Z")).toMatch(/2026/);
    expect(statusTagType("pending")).toBe("warning");
    expect(statusTagType("rejected")).toBe("danger");
    expect(statusTagType("withdrawn")).toBe("info");
  });
});
