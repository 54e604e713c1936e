import { describe, expect, it } from "vitest";

import { diffText, idNumberProblem, infoChanges, infoValuesOf } from "@/views/me/infoChangeForm";
import { passwordChangeProblems, passwordProblem, strengthOf } from "@/rules/password";
import { profileChanges, profileProblems, today, valuesOf, type Profile }
  from "@/views/me/profileForm";

describe("passwordProblem", () => {
  it("accepts 8–64 printable characters of two kinds, not the username", () => {
    expect(passwordProblem("Passw0rd!", "li")).toBe("");
    expect(passwordProblem("with space 1", "li")).toBe("");
  });
  it("names the first broken rule", () => {
    expect(passwordProblem("")).toBe("请输入密码");
    expect(passwordProblem("abc\tdef12")).toBe("密码不能包含换行、制表符等不可见字符");
    expect(passwordProblem("ab1")).toBe("密码长度须为8–64位");
    expect(passwordProblem("a1".repeat(33))).toBe("密码长度须为8–64位");
    expect(passwordProblem("abcdefgh")).toBe("密码须至少包含字母、数字、符号中的两种");
    expect(passwordProblem("Wang2026", "wang2026")).toBe("密码不能与用户名相同");
  });
  it("counts characters, not UTF-16 units", () => {
    expect(passwordProblem("密码😀😀😀😀1")).toBe("密码长度须为8–64位");
    expect(passwordProblem("密码😀😀😀😀12")).toBe("");
  });
});

describe("strengthOf", () => {
  it("grades empty, rule-breaking, fair and strong passwords", () => {
    expect(strengthOf("")).toEqual({ level: 0, label: "无" });
    expect(strengthOf("abc")).toEqual({ level: 1, label: "弱" });
    expect(strengthOf("abcd1234")).toEqual({ level: 2, label: "中" });
    expect(strengthOf("abcd1234!")).toEqual({ level: 3, label: "强" });
    expect(strengthOf("abcdefgh1234")).toEqual({ level: 3, label: "强" });
  });
});

describe("passwordChangeProblems", () => {
  it("asks for every field", () => {
    expect(passwordChangeProblems({ old_password: "", new_password: "",
      new_password_confirm: "" })).toEqual({ old_password: "请输入原密码",
      new_password: "请输入密码", new_password_confirm: "请再次输入新密码" });
  });
  it("refuses the old password again and a confirmation that differs", () => {
    expect(passwordChangeProblems({ old_password: "Passw0rd!", new_password: "Passw0rd!",
      new_password_confirm: "Passw0rd?" })).toEqual({ new_password: "新密码不能与原密码相同",
      new_password_confirm: "两次输入的新密码不一致" });
  });
  it("passes a good change", () => {
    expect(passwordChangeProblems({ old_password: "123456", new_password: "Fresh-start1",
      new_password_confirm: "Fresh-start1" }, "li")).toEqual({});
  });
});

const saved: Profile = { mobile: "13800000000", email: null, ethnicity: "汉族",
  title_status: "已取得", title_level: "中级", professional_title: "工程师",
  title_date: "2018-06-01", education: null, political_status: "群众" };

describe("profileChanges", () => {
  it("sends nothing when nothing changed", () => {
    expect(profileChanges(valuesOf(saved), saved)).toEqual({});
  });
  it("sends changed fields, trimmed, and emptied optional ones as null", () => {
    const values = { ...valuesOf(saved), mobile: " 13900000000 ", political_status: "",
      email: "li@example.com" };
    expect(profileChanges(values, saved)).toEqual({ mobile: "13900000000",
      political_status: null, email: "li@example.com" });
  });
  it("does not send an empty required field that never had a value", () => {
    const blank: Profile = { ...saved, title_status: null };
    expect(profileChanges({ ...valuesOf(blank) }, blank)).toEqual({});
  });
});

describe("profileProblems", () => {
  it("checks the mobile number and a held title's level and name", () => {
    const values = { ...valuesOf(saved), mobile: "12345", title_level: "",
      professional_title: " " };
    expect(profileProblems(values, profileChanges(values, saved))).toEqual({
      mobile: "手机号须为11位中国大陆手机号码", title_level: "已取得职称时须填写职称级别",
      professional_title: "已取得职称时须填写专业技术职称" });
  });
  it("lets a person without a title leave level and name empty", () => {
    const values = { ...valuesOf(saved), title_status: "未取得", title_level: "",
      professional_title: "" };
    expect(profileProblems(values, profileChanges(values, saved))).toEqual({});
  });
  it("requires 工作职称 once it had a value", () => {
    const values = { ...valuesOf(saved), title_status: "" };
    expect(profileProblems(values, profileChanges(values, saved)).title_status)
      .toBe("请选择是否已取得职称");
  });
});

describe("today", () => {
  it("is the local date as YYYY-MM-DD", () => {
    expect(today(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });
});

describe("infoChanges", () => {
  const person: Profile = { real_name: "赵明", id_type: "id_card", birth_date: "1990-01-01",
    gender: "male", id_number_masked: "1201**********1234" };
  it("sends only what differs, and a document number only when typed", () => {
    expect(infoChanges(infoValuesOf(person), person)).toEqual({});
    expect(infoChanges({ ...infoValuesOf(person), real_name: " 赵明远 " }, person))
      .toEqual({ real_name: "赵明远" });
    expect(infoChanges({ ...infoValuesOf(person), id_number: "120101199001011234" }, person))
      .toEqual({ id_number: "120101199001011234" });
  });
  it("checks a citizen ID's length, not other documents", () => {
    expect(idNumberProblem({ id_number: "12345" }, person)).toBe("身份证号码须为18位");
    expect(idNumberProblem({ id_number: "12010119900101123X" }, person)).toBe("");
    expect(idNumberProblem({ id_type: "passport", id_number: "E1234567" }, person)).toBe("");
  });
});

describe("diffText", () => {
  it("shows each field before and after", () => {
    expect(diffText([{ label: "姓名", before: "赵明", after: "赵明远" },
      { label: "性别", before: null, after: "女" }])).toBe("姓名：赵明 → 赵明远；性别：（空） → 女");
    expect(diffText(undefined)).toBe("");
  });
});
