import { describe, expect, it } from "vitest";

import { menusFor } from "@/menus";
import { routes } from "@/router/routes";
import { emptyOffline, hoursDisplay, offlineBody, offlineProblems, type OfflineValues }
  from "@/views/admin/learners/offlineRecord";
import { certificateState, courseKindLabel, courseTotals, dateText, examText, hoursOf,
  hoursText, kindLabel, pageOf, statusLabel, statusTag, studiedPair, tabOf, tenthsOf, timeText,
  verifyPath, type PlanRecord } from "@/views/learning/archiveFormat";
import { chapterNames, missingCourses, noteProblem, playerPath, positionText }
  from "@/views/learning/notesList";
import { certificateFacts, codeProblem, isRevoked, normalizeCode, sameHash, sha256Hex }
  from "@/views/public/certificateVerify";

describe("学习档案's formatting", () => {
  it("shows UTC times in Beijing time", () => {
    expect(timeText("2026-03-04T17:05:00+00:00")).toBe("2026-03-05 01:05");
    expect(timeText("2026-03-05T02:30:00Z")).toBe("2026-03-05 10:30");
    expect(dateText("2026-12-31T16:00:00+00:00")).toBe("2027-01-01");
    expect(timeText("2026-03-05T02:30:00.123456")).toBe("2026-03-05 10:30"); // no offset: UTC
    expect(timeText(null)).toBe("—");
    expect(dateText("not a time")).toBe("—");
  });

  it("shows hours as the API states them, studied / completed side by side", () => {
    expect(hoursOf("6.0")).toBe("6.0");
    expect(hoursOf(null)).toBe("0.0");
    expect(studiedPair("1.5", "0.0")).toBe("1.5 / 0.0");
    expect(studiedPair(undefined, "2.0")).toBe("0.0 / 2.0");
    expect(tenthsOf("6.5")).toBe(65);
    expect(tenthsOf("12")).toBe(120);
    expect(tenthsOf("x")).toBe(0);
    expect(hoursText(65)).toBe("6.5");
    expect(hoursText(0)).toBe("0.0");
  });

  it("labels states, kinds and exams", () => {
    expect(statusTag("passed")).toBe("success");
    expect(statusTag("learning")).toBe("primary");
    expect(statusTag("not_activated")).toBe("info");
    expect(statusLabel("passed")).toBe("已通过");
    expect(statusLabel("learning", "学习中")).toBe("学习中");
    expect(kindLabel("professional")).toBe("专业科目");
    expect(kindLabel("public", "公需科目")).toBe("公需科目");
    expect(courseKindLabel("required")).toBe("必修");
    expect(courseKindLabel("elective")).toBe("选修");
    expect(examText({ exam_required: true, exam_passed: true, exam_score: 86 })).toBe("86 分（通过）");
    expect(examText({ exam_required: true, exam_passed: false, exam_score: null })).toBe("未考");
    expect(examText({ exam_required: false, exam_score: null })).toBe("无需考试");
  });

  it("offers 打印证书 only for an issued certificate, and says why not otherwise", () => {
    const base: PlanRecord = { status: "passed" };
    expect(certificateState({ ...base, certificate_code: "AB12-CD34-EF56-GH78",
      certificate_status: "issued" })).toEqual({ printable: true, text: "已发证", tag: "success" });
    expect(certificateState({ ...base, certificate_status: "pending" }))
      .toMatchObject({ printable: false, text: "证书制作中" });
    expect(certificateState({ ...base, certificate_code: null, certificate_status: "revoked" }))
      .toMatchObject({ printable: false, text: "证书已撤销", tag: "danger" });
    expect(certificateState({ status: "learning" })).toMatchObject({ printable: false,
      text: "未获得" });
    expect(verifyPath("AB12-CD34")).toBe("/verify/AB12-CD34");
  });

  it("sums a record's courses exactly, and pages the lists answered whole", () => {
    expect(courseTotals([{ hours: "6.0", completed: true }, { hours: "0.5", completed: false },
      { hours: "1.5", completed: true }])).toEqual({ hours: "8.0", completedHours: "7.5",
      completed: 2, count: 3 });
    expect(courseTotals(undefined)).toEqual({ hours: "0.0", completedHours: "0.0", completed: 0,
      count: 0 });
    const items = Array.from({ length: 23 }, (_, i) => i);
    expect(pageOf(items, 1, 10)).toEqual(items.slice(0, 10));
    expect(pageOf(items, 3, 10)).toEqual([20, 21, 22]);
    expect(pageOf(null, 1, 10)).toEqual([]);
  });

  it("reads the archive's tab from the address", () => {
    expect(tabOf("history")).toBe("history");
    expect(tabOf("offline")).toBe("offline");
    expect(tabOf(undefined)).toBe("current");
    expect(tabOf("nonsense")).toBe("current");
  });
});

describe("我的笔记", () => {
  it("shows the video position as mm:ss", () => {
    expect(positionText(0)).toBe("00:00");
    expect(positionText(75)).toBe("01:15");
    expect(positionText(3599)).toBe("59:59");
    expect(positionText(3725)).toBe("1:02:05");
    expect(positionText(undefined)).toBe("00:00");
  });

  it("names chapters from the course's catalogue and links to the player", () => {
    const names = chapterNames([{ chapter_id: 5, seq: 1, title: "导论" },
      { chapter_id: 6, seq: 2, title: "  " }]);
    expect(names.get(5)).toBe("导论");
    expect(names.get(6)).toBe("第2节");
    expect(missingCourses([{ course_id: 1 }, { course_id: 2 }, { course_id: 1 }], new Set([2])))
      .toEqual([1]);
    expect(playerPath({ course_id: 3, chapter_id: 9 })).toBe("/courses/3/chapters/9");
  });

  it("checks an edited note", () => {
    expect(noteProblem("   ")).toBe("请输入笔记内容");
    expect(noteProblem("x".repeat(2001))).toBe("笔记不能超过2000字");
    expect(noteProblem(" 要点 ")).toBeNull();
  });
});

describe("证书验证", () => {
  it("makes a typed code canonical and refuses what cannot be one", () => {
    expect(normalizeCode(" 7k3m9qxd 2hpw br4t ")).toBe("7K3M-9QXD-2HPW-BR4T");
    expect(normalizeCode("7K3M-9QXD-2HPW-BR4T")).toBe("7K3M-9QXD-2HPW-BR4T");
    expect(normalizeCode("7k3m—9qxd")).toBe("7K3M-9QXD");
    expect(codeProblem("")).toBe("请输入证书编号");
    expect(codeProblem("证书123")).toContain("字母、数字");
    expect(codeProblem("7k3m9qxd2hpwbr4t")).toBeNull();
  });

  it("lists every field of the certificate", () => {
    const facts = certificateFacts({ code: "A", learner_name: "张三", id_number_masked: "1201**",
      plan_name: "2026年公需科目", plan_year: "2026", hours_total: "8.0", required_hours: "6.0",
      elective_hours: "2.0", completed_on: "2026-05-01", issued_on: "2026-05-01",
      issuer: "天津市专业技术人员继续教育平台" });
    expect(facts.map((f) => f.label)).toEqual(["证书编号", "姓名", "证件号码", "培训计划", "年度",
      "总学时", "必修学时", "选修学时", "完成日期", "发证日期", "发证机构"]);
    expect(facts.find((f) => f.label === "总学时")?.value).toBe("8.0 学时");
    expect(facts.find((f) => f.label === "年度")?.value).toBe("2026 年");
    expect(certificateFacts({}).every((f) => f.value === "—")).toBe(true);
    expect(isRevoked({ status: "revoked" })).toBe(true);
    expect(isRevoked({ status: "issued" })).toBe(false);
  });

  it("computes a file's SHA-256 and compares it with the issued one", async () => {
    const abc = new TextEncoder().encode("abc");
    const hex = await sha256Hex(abc);
    expect(hex).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sameHash(hex, hex.toUpperCase())).toBe(true);
    expect(sameHash(hex, "00")).toBe(false);
    expect(sameHash("", "")).toBe(false);
  });
});

describe("录入线下档案", () => {
  const today = new Date(2026, 4, 20);
  const good: OfflineValues = { year: "2026", title: "会计人员面授培训", kind: "professional",
    hours: "8", organiser: " 市财政局 ", completed_on: "2026-05-10" };

  it("accepts a complete record and sends it as the API takes it", () => {
    expect(offlineProblems(good, today)).toEqual({});
    expect(offlineBody(good)).toEqual({ year: 2026, title: "会计人员面授培训", kind: "professional",
      hours: "8", organiser: "市财政局", completed_on: "2026-05-10" });
    expect(offlineBody({ ...good, organiser: "  " }).organiser).toBeNull();
    expect(hoursDisplay("8")).toBe("8.0");
    expect(emptyOffline(today)).toMatchObject({ year: "2026", kind: "public", hours: "" });
  });

  it("marks each wrong field", () => {
    expect(offlineProblems({ year: "26", title: "x", kind: "", hours: "8.25", organiser: "",
      completed_on: "" }, today)).toEqual({ year: "年度须为2000–2100",
      title: "请输入培训项目名称（至少2个字）", kind: "请选择类别",
      hours: "学时须为0–999，最多一位小数，如 8 或 8.5", completed_on: "请选择完成日期" });
    expect(offlineProblems({ ...good, hours: "0" }, today).hours).toBe("学时须大于0");
    expect(offlineProblems({ ...good, hours: "1000" }, today).hours).toContain("0–999");
    expect(offlineProblems({ ...good, completed_on: "2026-06-01" }, today).completed_on)
      .toBe("完成日期不能晚于今天");
  });
});

describe("the archive's pages and menu entries", () => {
  it("puts 历史课程, 我的档案 and 我的笔记 in the learner's navigation", () => {
    const user = { user_id: 1, username: "u", role: "learner" as const };
    const items = menusFor(user).flatMap((g) => g.items);
    expect(items).toEqual(expect.arrayContaining([
      { path: "/history", label: "历史课程" }, { path: "/archive", label: "我的档案" },
      { path: "/notes", label: "我的笔记" }]));
    const admin = menusFor({ ...user, role: "admin", modules: ["learner_management"] })
      .flatMap((g) => g.items.map((i) => i.path));
    expect(admin).not.toContain("/archive");
  });

  it("routes the learner's pages, the public verification and the admin's view", () => {
    const all = routes.flatMap((r) => (r.children ?? []).map((c) => ({ path: c.path, meta: c.meta })));
    const meta = (path: string) => all.find((r) => r.path === path)?.meta;
    expect(meta("archive")).toMatchObject({ auth: true, roles: ["learner"] });
    expect(meta("archive/:enrolmentId(\\d+)")).toMatchObject({ auth: true, roles: ["learner"] });
    expect(meta("history")).toMatchObject({ auth: true, roles: ["learner"] });
    expect(meta("notes")).toMatchObject({ auth: true, roles: ["learner"] });
    // no login, and no redirect away for someone signed in
    expect(meta("verify/:code")).toEqual({ title: "证书验证" });
    expect(meta("verify")).toEqual({ title: "证书验证" });
    expect(meta("admin/learners/:userId(\\d+)/archive"))
      .toMatchObject({ auth: true, module: "learner_management" });
  });
});
