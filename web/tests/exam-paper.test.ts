import { describe, expect, it } from "vitest";

import { menusFor } from "@/menus";
import { routes } from "@/router/routes";
import { anchorOf, clockText, countdownText, epochOf, remainingMs, serverNow } from "@/views/exam/examClock";
import { actionLabel, attemptPath, canTake, startRules, statusTag, timesText, windowText,
  type MyExam } from "@/views/exam/myExams";
import { cardState, changedAnswers, chineseNumeral, emptyAnswer, fromSaved, isAnswered,
  lettersOf, paperHints, sameMarks, sectionNote, sectionsOf, shownOptions, sortedMarks,
  submitQuestion, toWire, unansweredCount, type PaperQuestion } from "@/views/exam/paper";
import { answerText, closedByLabel, isRight, pointsText, reviewNote,
  waitForGrade } from "@/views/exam/review";

const single: PaperQuestion = { id: 11, type: "single", stem: "单选", score: 10,
  options: [{ key: "C", text: "丙" }, { key: "A", text: "甲" }, { key: "B", text: "乙" }] };
const multiple: PaperQuestion = { id: 12, type: "multiple", stem: "多选", score: 15,
  options: [{ key: "B", text: "乙" }, { key: "A", text: "甲" }, { key: "C", text: "丙" }] };
const judge: PaperQuestion = { id: 13, type: "judge", stem: "判断", score: 10, options: [] };
const fill: PaperQuestion = { id: 14, type: "fill", stem: "填空（　）（　）", score: 10, options: [],
  blanks: 2 };

describe("the paper's sections", () => {
  it("writes section numbers in Chinese", () => {
    expect([1, 2, 3, 4, 9, 10, 11, 20, 21, 99].map(chineseNumeral))
      .toEqual(["一", "二", "三", "四", "九", "十", "十一", "二十", "二十一", "九十九"]);
  });

  it("groups the questions by type with headings, counts, points and running numbers", () => {
    const paper = [single, { ...single, id: 21 }, multiple, judge, fill];
    const sections = sectionsOf(paper);
    expect(sections.map((s) => s.heading)).toEqual(["一、单选题", "二、多选题", "三、判断题", "四、填空题"]);
    expect(sections[0]).toMatchObject({ count: 2, points: 20, each: 10 });
    expect(sections.flatMap((s) => s.questions.map((q) => q.number))).toEqual([1, 2, 3, 4, 5]);
    expect(sectionNote(sections[0])).toBe("（共2题，每题10分，共20分）");
    // a fixed paper may score the questions of a type differently
    const mixed = sectionsOf([single, { ...single, id: 22, score: 5 }]);
    expect(sectionNote(mixed[0])).toBe("（共2题，共15分）");
    // a paper without singles starts at 一
    expect(sectionsOf([judge, fill]).map((s) => s.heading)).toEqual(["一、判断题", "二、填空题"]);
  });

  it("letters the options by position while keeping each option's own key", () => {
    expect(shownOptions(single)).toEqual([{ key: "C", letter: "A", text: "丙" },
      { key: "A", letter: "B", text: "甲" }, { key: "B", letter: "C", text: "乙" }]);
    expect(lettersOf(multiple, ["A", "C"])).toBe("BC");
  });
});

describe("answers as the page holds them and as they are sent", () => {
  it("reads what the server saved", () => {
    expect(fromSaved(single, ["A"])).toBe("A");
    expect(fromSaved(single, undefined)).toBe("");
    expect(fromSaved(multiple, ["C", "A"])).toEqual(["A", "C"]);
    expect(fromSaved(judge, [false])).toBe(false);
    expect(fromSaved(judge, null)).toBeNull();
    expect(fromSaved(fill, ["32"])).toEqual(["32", ""]);
    expect(emptyAnswer(fill)).toEqual(["", ""]);
    expect(emptyAnswer(multiple)).toEqual([]);
  });

  it("tells answered from not", () => {
    expect(isAnswered(single, "")).toBe(false);
    expect(isAnswered(single, "B")).toBe(true);
    expect(isAnswered(multiple, [])).toBe(false);
    expect(isAnswered(judge, null)).toBe(false);
    expect(isAnswered(judge, false)).toBe(true);
    expect(isAnswered(fill, [" ", ""])).toBe(false);
    expect(isAnswered(fill, ["", "北京"])).toBe(true);
  });

  it("sends the API's shapes, null for an answer taken back", () => {
    expect(toWire(single, "B")).toBe("B");
    expect(toWire(multiple, ["C", "A"])).toEqual(["A", "C"]);
    expect(toWire(judge, true)).toBe(true);
    expect(toWire(judge, false)).toBe(false);
    expect(toWire(fill, ["32", ""])).toEqual(["32", ""]);
    expect(toWire(single, "")).toBeNull();
    expect(toWire(multiple, [])).toBeNull();
    expect(toWire(fill, ["", " "])).toBeNull();
  });

  it("finds the answers changed since the last save", () => {
    const saved = { 11: "A", 12: ["A", "C"], 13: null };
    expect(changedAnswers(saved, { 11: "A", 12: ["A", "C"], 13: null })).toEqual({});
    expect(changedAnswers(saved, { 11: "B", 12: ["A", "C"], 13: true, 14: null }))
      .toEqual({ 11: "B", 13: true });
    // taken back: sent as null so the server forgets it
    expect(changedAnswers(saved, { 11: null })).toEqual({ 11: null });
    expect(changedAnswers({}, { 14: ["32", ""] })).toEqual({ 14: ["32", ""] });
  });

  it("compares marks in any order", () => {
    expect(sortedMarks([13, 11, 13])).toEqual([11, 13]);
    expect(sameMarks([13, 11], [11, 13])).toBe(true);
    expect(sameMarks([11], [11, 13])).toBe(false);
  });
});

describe("the answer card", () => {
  it("colours marked red, answered blue, the rest grey", () => {
    expect(cardState(true, true)).toBe("marked");
    expect(cardState(false, true)).toBe("marked");
    expect(cardState(true, false)).toBe("answered");
    expect(cardState(false, false)).toBe("blank");
  });

  it("counts what is left for 交卷's confirmation", () => {
    const paper = [single, multiple, judge, fill];
    expect(unansweredCount(paper, { 11: "A", 13: false })).toBe(2);
    expect(submitQuestion(2)).toContain("还有 2 道题未作答");
    expect(submitQuestion(0)).toContain("所有试题均已作答");
    expect(paperHints({ duration_minutes: 30, pass_score: 60, total_score: 100 }).join(""))
      .toContain("考试时长 30 分钟");
  });
});

describe("the countdown by the server's clock", () => {
  it("counts from the server's time, whatever the computer's clock says", () => {
    // the server said 10:00:00 when the page's monotonic clock read 5,000 ms
    const anchor = anchorOf("2026-03-05T10:00:00+00:00", 5_000)!;
    const deadline = "2026-03-05T10:30:00+00:00";
    expect(remainingMs(deadline, anchor, 5_000)).toBe(30 * 60_000);
    expect(remainingMs(deadline, anchor, 65_000)).toBe(29 * 60_000);
    expect(remainingMs(deadline, anchor, 5_000 + 31 * 60_000)).toBe(0);
    expect(serverNow(anchor, 6_000)).toBe(epochOf("2026-03-05T10:00:01Z"));
    // a time without an offset is UTC
    expect(remainingMs("2026-03-05T10:30:00", anchor, 5_000)).toBe(30 * 60_000);
    expect(remainingMs(deadline, null, 0)).toBe(0);
    expect(anchorOf("not a time", 0)).toBeNull();
  });

  it("shows hh:mm:ss, rounding seconds up", () => {
    expect(countdownText(90 * 60_000)).toBe("01:30:00");
    expect(countdownText(29 * 60_000 + 59_001)).toBe("00:30:00");
    expect(countdownText(6_500)).toBe("00:00:07");
    expect(countdownText(0)).toBe("00:00:00");
    expect(countdownText(-5)).toBe("00:00:00");
  });

  it("says when answers were saved in Beijing time", () => {
    expect(clockText("2026-03-05T06:30:05+00:00")).toBe("14:30:05");
    expect(clockText(null)).toBe("");
  });
});

describe("我的考试", () => {
  const exam: MyExam = { exam_id: 3, name: "二十大精神考试", status: "available",
    status_label: "可考试", duration_minutes: 30, total_score: 100, pass_score: 60,
    remaining_attempts: 2, remaining_exempt_attempts: 0, open_attempt: null,
    opens_at: "2026-03-01T00:00:00+00:00", closes_at: "2026-03-31T10:00:00+00:00" };

  it("offers 去考试 only when the exam may be taken, 继续考试 when one is open", () => {
    expect(canTake(exam)).toBe(true);
    expect(canTake({ ...exam, status: "taken" })).toBe(true);
    expect(canTake({ ...exam, status: "in_progress" })).toBe(true);
    for (const status of ["unavailable", "not_started", "passed", "failed", "ended"]) {
      expect(canTake({ ...exam, status })).toBe(false);
    }
    expect(canTake({ ...exam, exam_id: null })).toBe(false); // 管理员尚未安排考试
    expect(actionLabel(exam)).toBe("去考试");
    expect(actionLabel({ open_attempt: "ab".repeat(16) })).toBe("继续考试");
    expect(attemptPath("ab".repeat(16))).toBe(`/exams/attempts/${"ab".repeat(16)}`);
  });

  it("says 不限 for no limit and shows the window in Beijing time", () => {
    expect(timesText(null)).toBe("不限");
    expect(timesText(2)).toBe("2 次");
    expect(windowText(exam)).toBe("2026-03-01 08:00 至 2026-03-31 18:00");
    expect(windowText({ opens_at: null, closes_at: null })).toBe("—");
    expect(statusTag(exam)).toEqual({ label: "可考试", type: "primary" });
    expect(statusTag({ status: "passed" })).toEqual({ label: "已通过", type: "success" });
    expect(startRules(exam).join("")).toContain("考试时长 30 分钟");
    expect(startRules({ ...exam, remaining_attempts: null }).join("")).toContain("考试次数不限");
  });

  it("is in the learner's navigation after 历史课程, and routed", () => {
    const items = menusFor({ user_id: 1, username: "u", role: "learner" }).flatMap((g) => g.items);
    const labels = items.map((i) => i.label);
    expect(items).toEqual(expect.arrayContaining([{ path: "/exams", label: "我的考试" }]));
    expect(labels.indexOf("历史课程")).toBeLessThan(labels.indexOf("我的考试"));
    expect(labels.indexOf("我的考试")).toBeLessThan(labels.indexOf("我的档案"));
    const all = routes.flatMap((r) => r.children ?? []);
    for (const path of ["exams", "exams/attempts/:token([0-9a-f]{32})"]) {
      expect(all.find((r) => r.path === path)?.meta).toMatchObject({ auth: true,
        roles: ["learner"] });
    }
  });
});

describe("the result and review", () => {
  it("shows answers and keys as the paper showed them", () => {
    expect(answerText(single, ["A"])).toBe("B"); // key A is the 2nd option shown
    expect(answerText(multiple, ["A", "C"])).toBe("BC");
    expect(answerText(judge, [true])).toBe("对");
    expect(answerText(judge, [false])).toBe("错");
    expect(answerText(fill, ["32", "北京"])).toBe("第1空：32；第2空：北京");
    expect(answerText({ ...fill, blanks: 1 }, [["32", "三十二"]])).toBe("32 或 三十二");
    expect(answerText(single, null)).toBe("未作答");
    expect(answerText(fill, ["", ""])).toBe("未作答");
  });

  it("says how it ended, the points, and what is not open yet", () => {
    expect(closedByLabel("learner")).toBe("考生交卷");
    expect(closedByLabel("deadline")).toBe("到时自动交卷");
    expect(pointsText({ points: 10, score: 10 })).toBe("10 / 10 分");
    expect(isRight({ points: 10, score: 10 })).toBe(true);
    expect(isRight({ points: 0, score: 10 })).toBe(false);
    expect(reviewNote({ answers: false, key: false })).toContain("暂不开放查看作答");
    expect(reviewNote({ answers: true, key: false })).toContain("正确答案暂未开放");
    expect(reviewNote({ answers: true, key: true })).toBeNull();
  });

  it("asks until the server has graded the attempt, and gives up in time", async () => {
    let t = 0;
    const slept: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => { slept.push(ms); t += ms; } };
    const answers = [{ status: "open" }, { status: "open" }, { status: "graded", score: 80 }];
    const graded = await waitForGrade(async () => answers.shift()!, { ...clock, intervalMs: 1000 });
    expect(graded).toEqual({ status: "graded", score: 80 });
    expect(slept).toEqual([1000, 1000]);

    t = 0;
    const never = await waitForGrade(async () => ({ status: "open" }),
      { ...clock, intervalMs: 1000, timeoutMs: 3000 });
    expect(never).toBeNull();

    const fatal = await waitForGrade(async () => { throw new Error("404"); },
      { ...clock, fatal: () => true });
    expect(fatal).toBeNull();
  });
});
