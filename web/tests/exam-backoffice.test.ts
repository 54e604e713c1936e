import { describe, expect, it } from "vitest";

import { ADMIN_MENU, menusFor } from "@/menus";
import { routes } from "@/router/routes";
import { importResult } from "@/views/operator/catalogue/courseImport";
import { beijingIso, beijingText, drawShortfall, examBody, examValues, newExamValues, paperRule,
  ruleCount, ruleTotal, type ExamValues } from "@/views/operator/exam/examForm";
import { actionOf, attemptsText, candidateText, confirmText, editable, logDetail, logLines,
  passedText, rulesText, secondsText, statusTag } from "@/views/operator/exam/examList";
import { acceptedOf, answerSummary, bankQuery, countsOf, EMPTY_BANK_FILTERS, newQuestionValues,
  questionBody, questionValues, removeOption, tagsOf } from "@/views/operator/exam/questionForm";

describe("题库: the question form", () => {
  it("sends a single choice with its options and letter", () => {
    const values = { ...newQuestionValues("single"), stem: " 每年应完成多少学时？ ",
      options: ["24", "32", "48"], single: "B", tags: "政策，法规, 政策", difficulty: 1 as const };
    expect(questionBody(values)).toEqual({ problems: {}, body: { type: "single",
      stem: "每年应完成多少学时？", options: ["24", "32", "48"], answer: ["B"], difficulty: 1,
      tags: ["政策", "法规"], analysis: null } });
  });

  it("says what is missing before sending", () => {
    const blank = questionBody({ ...newQuestionValues("single"), options: ["甲", ""] });
    expect(blank.body).toBeNull();
    expect(blank.problems).toEqual({ stem: "请填写题干", options: "请填写选项B，或删除该选项",
      answer: "请选择正确答案" });
    const multiple = questionBody({ ...newQuestionValues("multiple"), stem: "多选",
      options: ["甲", "乙", "丙"], multiple: ["A"] });
    expect(multiple.problems.answer).toBe("多选题至少有两个正确答案");
    const judge = questionBody({ ...newQuestionValues("judge"), stem: "判断" });
    expect(judge.problems.answer).toBe("请选择“对”或“错”");
    const fill = questionBody({ ...newQuestionValues("fill"), stem: "填空", blanks: ["32", " | "] });
    expect(fill.problems.answer).toBe("请填写第2空的答案");
    const tags = questionBody({ ...newQuestionValues("judge"), stem: "判断", judge: true,
      tags: Array.from({ length: 11 }, (_, i) => `点${i}`).join(",") });
    expect(tags.problems.tags).toBe("知识点最多10个");
  });

  it("sends 判断 as a judgement and 填空 as each blank's accepted texts", () => {
    expect(questionBody({ ...newQuestionValues("judge"), stem: "对吗", judge: false,
      options: ["甲"] }).body).toMatchObject({ type: "judge", options: [], answer: false });
    expect(questionBody({ ...newQuestionValues("fill"), stem: "（　）和（　）",
      blanks: ["32|三十二", "北京"] }).body).toMatchObject({ answer: [["32", "三十二"], ["北京"]] });
    expect(acceptedOf(" 32 | 三十二 |")).toEqual(["32", "三十二"]);
    expect(tagsOf("政策，法规、 政策")).toEqual(["政策", "法规"]);
  });

  it("moves the answer with the options when one is removed", () => {
    const values = { ...newQuestionValues("multiple"), options: ["甲", "乙", "丙", "丁"],
      multiple: ["B", "D"], single: "C" };
    expect(removeOption(values, 0)).toMatchObject({ options: ["乙", "丙", "丁"],
      multiple: ["A", "C"], single: "B" });
    expect(removeOption(values, 1)).toMatchObject({ multiple: ["C"] });
    const two = { ...values, options: ["甲", "乙"] };
    expect(removeOption(two, 0)).toBe(two); // at least two options
  });

  it("reads a question back into the form and shows answers in the list", () => {
    expect(questionValues({ type: "fill", stem: "（　）", answer: [["32", "三十二"]], difficulty: 3,
      tags: ["政策"], options: [] })).toMatchObject({ type: "fill", blanks: ["32|三十二"],
      difficulty: 3, tags: "政策" });
    expect(questionValues({ type: "multiple", stem: "多选", answer: ["C", "A"],
      options: [{ key: "A", text: "甲" }, { key: "B", text: "乙" }, { key: "C", text: "丙" }] }))
      .toMatchObject({ options: ["甲", "乙", "丙"], multiple: ["A", "C"] });
    expect(questionValues({ type: "judge", stem: "判断", answer: [true] }).judge).toBe(true);
    expect(answerSummary({ type: "multiple", answer: ["A", "C"] })).toBe("AC");
    expect(answerSummary({ type: "judge", answer: [false] })).toBe("错");
    expect(answerSummary({ type: "fill", answer: [["32", "三十二"], ["北京"]] }))
      .toBe("32 或 三十二；北京");
  });

  it("queries the bank with the filters set and counts active questions by type", () => {
    expect(bankQuery({ ...EMPTY_BANK_FILTERS, page: 1, page_size: 20 }))
      .toEqual({ page: 1, page_size: 20 });
    expect(bankQuery({ type: "judge", difficulty: 2, status: "retired", q: " 学时 ", page: 2,
      page_size: 50 })).toEqual({ type: "judge", difficulty: 2, status: "retired", q: "学时",
      page: 2, page_size: 50 });
    expect(countsOf({ single: 6, fill: 1 }).map((c) => `${c.label}${c.count}`))
      .toEqual(["单选题6", "多选题0", "判断题0", "填空题1"]);
  });

  it("says what a question import did, in questions", () => {
    expect(importResult({ status: "done", total_rows: 15, imported: 13, failed: 2 }, "道试题"))
      .toEqual({ kind: "warning", text: "共 15 行：导入 13 道试题，失败 2 行。" });
  });
});

describe("考试: the exam form", () => {
  const now = Date.parse("2026-03-05T02:00:00Z"); // 10:00 in Beijing
  const filled = (): ExamValues => ({ ...newExamValues(now), name: "二十大精神考试", course_id: 7,
    draws: [{ type: "single", count: 4, score: 10, difficulty: 0, tags: "" },
      { type: "multiple", count: 2, score: 15, difficulty: 2, tags: "政策, 法规" },
      { type: "judge", count: 2, score: 10, difficulty: 0, tags: "" },
      { type: "fill", count: 1, score: 10, difficulty: 0, tags: "" }] });

  it("adds up the paper's total and count", () => {
    expect(ruleTotal(filled())).toBe(100);
    expect(ruleCount(filled())).toBe(9);
    expect(ruleTotal({ mode: "fixed", draws: [], items: [{ question_id: 1, score: 5 },
      { question_id: 2, score: 15 }] })).toBe(20);
    expect(ruleTotal({ mode: "random", items: [], draws: [
      { type: "single", count: Number.NaN, score: 10, difficulty: 0, tags: "" }] })).toBe(0);
  });

  it("sends times in Beijing time with their offset", () => {
    expect(beijingIso("2026-03-05 10:00")).toBe("2026-03-05T10:00:00+08:00");
    expect(beijingIso("2026-03-05T10:00:30")).toBe("2026-03-05T10:00:30+08:00");
    expect(beijingIso("")).toBe("");
    expect(beijingText("2026-03-05T02:00:00+00:00")).toBe("2026-03-05 10:00");
    expect(beijingText(null)).toBe("");
    expect(newExamValues(now)).toMatchObject({ opens_at: "2026-03-05 10:00",
      closes_at: "2026-04-04 10:00", pass_score: 60, limited: false });
  });

  it("builds the body: the rule's rows, 不限 as null", () => {
    const draft = examBody({ ...filled(), limited: false, plan_id: 3 });
    expect(draft.problems).toEqual({});
    expect(draft.body).toMatchObject({ name: "二十大精神考试", course_id: 7, plan_id: 3,
      exam_type: "自考", opens_at: "2026-03-05T10:00:00+08:00", attempts_allowed: null,
      pass_score: 60, duration_minutes: 60, score_rule: "highest" });
    expect(draft.body?.paper_rule).toEqual({ mode: "random", draws: [
      { type: "single", count: 4, score: 10 },
      { type: "multiple", count: 2, score: 15, difficulty: 2, tags: ["政策", "法规"] },
      { type: "judge", count: 2, score: 10 }, { type: "fill", count: 1, score: 10 }] });
    expect(examBody({ ...filled(), limited: true, attempts_allowed: 2 }).body?.attempts_allowed)
      .toBe(2);
    expect(paperRule({ mode: "fixed", draws: [], items: [{ question_id: 5, score: 20,
      stem: "题干" }] })).toEqual({ mode: "fixed", items: [{ question_id: 5, score: 20 }] });
  });

  it("says what is wrong before sending", () => {
    const draft = examBody({ ...newExamValues(now), pass_score: 120, closes_at: "2026-03-01 10:00" });
    expect(draft.body).toBeNull();
    expect(draft.problems).toEqual({ name: "请填写考试名称", course_id: "请选择考试的课程",
      pass_score: "及格线不能超过总分 100 分", closes_at: "结束时间须晚于开始时间" });
    expect(examBody({ ...filled(), mode: "fixed", items: [] }).problems.paper_rule)
      .toBe("请从题库中选择试题");
    expect(drawShortfall({ type: "fill", count: 2, score: 5, difficulty: 0, tags: "" },
      { fill: 1 })).toBe("题库中启用的该题型试题只有 1 道");
    expect(drawShortfall({ type: "fill", count: 1, score: 5, difficulty: 0, tags: "" },
      { fill: 1 })).toBeNull();
  });

  it("reads an exam back into the form", () => {
    const values = examValues({ name: "考试", course_id: 7, plan_id: null, exam_type: "统考",
      paper_rule: { mode: "random", draws: [{ type: "judge", count: 3, score: 5, difficulty: 1,
        tags: ["政策"] }] }, pass_score: 10, duration_minutes: 20,
      opens_at: "2026-03-05T02:00:00+00:00", closes_at: "2026-03-06T02:00:00+00:00",
      attempts_allowed: null, exempt_attempts: 1, score_rule: "last", review_answers: "never",
      review_key: "after_pass", shuffle_questions: false, shuffle_options: true });
    expect(values).toMatchObject({ exam_type: "统考", mode: "random", limited: false,
      opens_at: "2026-03-05 10:00", closes_at: "2026-03-06 10:00", exempt_attempts: 1,
      score_rule: "last", shuffle_questions: false,
      draws: [{ type: "judge", count: 3, score: 5, difficulty: 1, tags: "政策" }] });
    expect(examValues({ paper_rule: { mode: "fixed", items: [{ question_id: 9, score: 4 }] },
      attempts_allowed: 2 })).toMatchObject({ mode: "fixed", limited: true, attempts_allowed: 2,
      items: [{ question_id: 9, score: 4 }] });
  });
});

describe("考试管理 and 考试记录", () => {
  it("offers 发布 for a draft and 关闭 for a published exam, confirmed first", () => {
    expect(actionOf("draft")).toBe("publish");
    expect(actionOf("published")).toBe("close");
    expect(actionOf("closed")).toBeNull();
    expect(editable("closed")).toBe(false);
    expect(editable("published")).toBe(true);
    expect(confirmText({ name: "考试" }, "publish")).toContain("确定发布考试“考试”吗");
    expect(confirmText({ name: "考试" }, "close")).toContain("正在进行的考试到时自动交卷");
    expect(statusTag({ status: "published" })).toEqual({ label: "已发布", type: "success" });
  });

  it("states the attempts and the rules in one line each", () => {
    expect(attemptsText({ attempts_allowed: null, exempt_attempts: 0 })).toBe("不限");
    expect(attemptsText({ attempts_allowed: 2, exempt_attempts: 1 })).toBe("2 次（免考 1 次）");
    expect(rulesText({ paper_rule: { mode: "fixed" }, score_rule: "highest",
      review_answers: "after_submit", review_key: "never" }))
      .toBe("固定试题 · 成绩取最高分 · 交卷后可查看作答 · 不允许查看答案");
  });

  it("names the candidate and reads the log", () => {
    expect(candidateText({ real_name: "王晓", username: "wangxiao" })).toBe("王晓（wangxiao）");
    expect(candidateText({ real_name: null, username: "wangxiao" })).toBe("wangxiao");
    expect(passedText(true)).toBe("及格");
    expect(passedText(null)).toBe("—");
    expect(secondsText("2026-03-05T02:00:05+00:00")).toBe("2026-03-05 10:00:05");
    expect(logDetail({ kind: "start", detail: { questions: 9 } })).toBe("试卷共 9 题");
    expect(logDetail({ kind: "save", detail: { answered: 6, changed: ["1", "2"] } }))
      .toBe("已答 6 题（本次保存 2 题）");
    expect(logDetail({ kind: "expire", detail: { score: 60, answered: 6 } }))
      .toBe("得分 60，已答 6 题");
    expect(logLines([{ kind: "focus_lost", at: "2026-03-05T02:00:05+00:00" }]))
      .toEqual([{ kind: "focus_lost", label: "离开考试页面", at: "2026-03-05 10:00:05",
        detail: "" }]);
  });

  it("puts 题库管理 and 考试管理 in the operator's menus only, and routes them", () => {
    const group = ADMIN_MENU.find((g) => g.title === "考试");
    expect(group?.items.map((i) => [i.path, i.label])).toEqual([
      ["/operator/question-bank", "题库管理"], ["/operator/exams", "考试管理"]]);
    const operator = menusFor({ user_id: 1, username: "op", role: "operator" })
      .flatMap((g) => g.items.map((i) => i.path));
    expect(operator).toEqual(expect.arrayContaining(["/operator/question-bank", "/operator/exams"]));
    const admin = menusFor({ user_id: 1, username: "a", role: "admin", is_super: true,
      modules: ["statistics", "learner_management"] }).flatMap((g) => g.items.map((i) => i.path));
    expect(admin).not.toContain("/operator/exams");
    const all = routes.flatMap((r) => r.children ?? []);
    for (const path of ["operator/question-bank", "operator/exams", "operator/exams/new",
      "operator/exams/:id(\\d+)", "operator/exams/:id(\\d+)/attempts"]) {
      expect(all.find((r) => r.path === path)?.meta).toMatchObject({ auth: true,
        roles: ["operator"] });
    }
  });
});
