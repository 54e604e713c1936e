// 考试 form's pure parts: the values as typed — the paper rule as rows (随机抽题: 题型, 数量,
// 每题分值, 难度, 知识点; 固定试题: chosen questions with a score each), times in Beijing time
// ("2026-03-05 14:30") — the body the API takes (times as ISO with +08:00, 不限 as null), the
// paper's total the rows make, and the checks worth making before sending (the rules against
// the bank — enough questions of a kind, 及格线 within the total — are the service's and
// come back beside their fields).
import type { components } from "@/api/schema";
import { timeText } from "@/views/learning/archiveFormat";

import { tagsOf, type Difficulty, type QuestionType } from "./questionForm";

export type Exam = components["schemas"]["Exam"];
export type ExamBody = components["schemas"]["ExamBody"];
export type ScoreRule = NonNullable<ExamBody["score_rule"]>;
export type ReviewAnswers = NonNullable<ExamBody["review_answers"]>;
export type ReviewKey = NonNullable<ExamBody["review_key"]>;
export type ExamType = NonNullable<ExamBody["exam_type"]>;
export type PaperMode = "random" | "fixed";

export const SCORE_RULE_OPTIONS: { value: ScoreRule; label: string }[] = [
  { value: "highest", label: "最高分" }, { value: "first", label: "首次成绩" },
  { value: "last", label: "末次成绩" }, { value: "average", label: "平均分" }];
export const REVIEW_ANSWER_OPTIONS: { value: ReviewAnswers; label: string }[] = [
  { value: "after_submit", label: "交卷后" }, { value: "after_close", label: "考试结束后" },
  { value: "never", label: "不允许" }];
export const REVIEW_KEY_OPTIONS: { value: ReviewKey; label: string }[] = [
  { value: "after_submit", label: "交卷后" }, { value: "after_pass", label: "通过考试后" },
  { value: "after_close", label: "考试结束后" }, { value: "never", label: "不允许" }];
export const EXAM_TYPES: ExamType[] = ["自考", "统考"];
export const MODE_LABELS: Record<PaperMode, string> = { random: "随机抽题", fixed: "固定试题" };

/** Every field the form shows a message beside (the API's names). */
export const EXAM_FIELDS = ["name", "course_id", "plan_id", "exam_type", "paper_rule",
  "pass_score", "duration_minutes", "opens_at", "closes_at", "attempts_allowed",
  "exempt_attempts", "score_rule", "review_answers", "review_key", "shuffle_questions",
  "shuffle_options"] as const;
export type ExamField = (typeof EXAM_FIELDS)[number];

export interface DrawRow {
  type: QuestionType;
  count: number;
  score: number;
  /** 0: any difficulty (不限). */
  difficulty: Difficulty | 0;
  /** 知识点, comma-separated; empty: any. */
  tags: string;
}

export interface FixedItem {
  question_id: number;
  score: number;
  /** What the list shows of it (from the bank). */
  type?: string;
  stem?: string;
}

export interface ExamValues {
  name: string;
  course_id: number | null;
  plan_id: number | null;
  exam_type: ExamType;
  mode: PaperMode;
  draws: DrawRow[];
  items: FixedItem[];
  pass_score: number;
  duration_minutes: number;
  /** Beijing time, "YYYY-MM-DD HH:mm". */
  opens_at: string;
  closes_at: string;
  limited: boolean;
  attempts_allowed: number;
  exempt_attempts: number;
  score_rule: ScoreRule;
  review_answers: ReviewAnswers;
  review_key: ReviewKey;
  shuffle_questions: boolean;
  shuffle_options: boolean;
}

/** "2026-03-05 14:30" (Beijing time) as ISO with its offset: "2026-03-05T14:30:00+08:00";
 * "" when it is not such a time. */
export function beijingIso(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(text.trim());
  return m ? `${m[1]}T${m[2]}${m[3] ?? ":00"}+08:00` : "";
}

/** An ISO time as the form's Beijing time, "2026-03-05 14:30" ("" when missing). */
export function beijingText(iso: string | null | undefined): string {
  const text = timeText(iso);
  return text === "—" ? "" : text;
}

/** Epoch ms → the form's Beijing time, minutes rounded down. */
export function beijingOf(epochMs: number): string {
  return beijingText(new Date(epochMs).toISOString());
}

export function newDraw(type: QuestionType = "single"): DrawRow {
  return { type, count: 10, score: type === "multiple" ? 4 : 2, difficulty: 0, tags: "" };
}

/** A new exam: 随机抽题 of 10 单选题 at 10 points (100), 60 to pass, 60 minutes, open from
 * now for 30 days, attempts not limited, the highest score counting. */
export function newExamValues(nowMs: number): ExamValues {
  return {
    name: "", course_id: null, plan_id: null, exam_type: "自考", mode: "random",
    draws: [{ type: "single", count: 10, score: 10, difficulty: 0, tags: "" }], items: [],
    pass_score: 60, duration_minutes: 60, opens_at: beijingOf(nowMs),
    closes_at: beijingOf(nowMs + 30 * 86_400_000), limited: false, attempts_allowed: 3,
    exempt_attempts: 0, score_rule: "highest", review_answers: "after_submit",
    review_key: "after_close", shuffle_questions: true, shuffle_options: true,
  };
}

function numberOf(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** The form's values of an exam the API answered. */
export function examValues(exam: Exam): ExamValues {
  const rule = (exam.paper_rule ?? {}) as { mode?: string; draws?: unknown[]; items?: unknown[] };
  const draws = (rule.draws ?? []).map((d): DrawRow => {
    const draw = d as Record<string, unknown>;
    const difficulty = numberOf(draw.difficulty, 0);
    return { type: String(draw.type ?? "single") as QuestionType, count: numberOf(draw.count, 1),
      score: numberOf(draw.score, 1),
      difficulty: [1, 2, 3].includes(difficulty) ? difficulty as Difficulty : 0,
      tags: Array.isArray(draw.tags) ? draw.tags.join(", ") : "" };
  });
  const items = (rule.items ?? []).map((i) => {
    const item = i as Record<string, unknown>;
    return { question_id: numberOf(item.question_id, 0), score: numberOf(item.score, 1) };
  });
  return {
    name: exam.name ?? "", course_id: exam.course_id ?? null, plan_id: exam.plan_id ?? null,
    exam_type: exam.exam_type === "统考" ? "统考" : "自考",
    mode: rule.mode === "fixed" ? "fixed" : "random", draws: draws.length ? draws : [newDraw()],
    items, pass_score: exam.pass_score ?? 60, duration_minutes: exam.duration_minutes ?? 60,
    opens_at: beijingText(exam.opens_at), closes_at: beijingText(exam.closes_at),
    limited: exam.attempts_allowed !== null && exam.attempts_allowed !== undefined,
    attempts_allowed: exam.attempts_allowed ?? 3, exempt_attempts: exam.exempt_attempts ?? 0,
    score_rule: (exam.score_rule ?? "highest") as ScoreRule,
    review_answers: (exam.review_answers ?? "after_submit") as ReviewAnswers,
    review_key: (exam.review_key ?? "after_close") as ReviewKey,
    shuffle_questions: exam.shuffle_questions ?? true,
    shuffle_options: exam.shuffle_options ?? true,
  };
}

/** The paper rule the API takes. */
export function paperRule(values: Pick<ExamValues, "mode" | "draws" | "items">):
  Record<string, unknown> {
  if (values.mode === "fixed") {
    return { mode: "fixed", items: values.items.map((i) => ({ question_id: i.question_id,
      score: i.score })) };
  }
  return { mode: "random", draws: values.draws.map((d) => {
    const draw: Record<string, unknown> = { type: d.type, count: d.count, score: d.score };
    if (d.difficulty) draw.difficulty = d.difficulty;
    const tags = tagsOf(d.tags);
    if (tags.length) draw.tags = tags;
    return draw;
  }) };
}

/** 总分 the rows make: Σ 数量 × 每题分值, or Σ each fixed question's score. */
export function ruleTotal(values: Pick<ExamValues, "mode" | "draws" | "items">): number {
  const whole = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  if (values.mode === "fixed") return values.items.reduce((sum, i) => sum + whole(i.score), 0);
  return values.draws.reduce((sum, d) => sum + whole(d.count) * whole(d.score), 0);
}

/** How many questions the rows draw. */
export function ruleCount(values: Pick<ExamValues, "mode" | "draws" | "items">): number {
  if (values.mode === "fixed") return values.items.length;
  return values.draws.reduce((sum, d) => sum + (d.count > 0 ? Math.floor(d.count) : 0), 0);
}

/** A row asking more of a type than the bank's active questions of it hold (with a
 * difficulty or 知识点 the bank may hold fewer still: the service says so on saving). */
export function drawShortfall(draw: DrawRow, counts: Record<string, number> | undefined):
  string | null {
  if (!counts) return null;
  const held = counts[draw.type] ?? 0;
  return draw.count > held ? `题库中启用的该题型试题只有 ${held} 道` : null;
}

export interface ExamDraft {
  body: ExamBody | null;
  problems: Partial<Record<ExamField, string>>;
}

/** The body to send, or the problems to show beside the fields first. */
export function examBody(values: ExamValues): ExamDraft {
  const problems: Partial<Record<ExamField, string>> = {};
  const name = values.name.trim();
  if (!name) problems.name = "请填写考试名称";
  if (!values.course_id) problems.course_id = "请选择考试的课程";
  if (values.mode === "fixed" && !values.items.length) problems.paper_rule = "请从题库中选择试题";
  if (values.mode === "random" && !values.draws.length) problems.paper_rule = "请添加抽题规则";
  const total = ruleTotal(values);
  if (!problems.paper_rule && total <= 0) problems.paper_rule = "试卷总分须大于0";
  if (!(values.pass_score >= 1)) problems.pass_score = "请填写及格线";
  else if (total > 0 && values.pass_score > total) {
    problems.pass_score = `及格线不能超过总分 ${total} 分`;
  }
  if (!(values.duration_minutes >= 1 && values.duration_minutes <= 600)) {
    problems.duration_minutes = "考试时长须在1到600分钟之间";
  }
  const opens = beijingIso(values.opens_at);
  const closes = beijingIso(values.closes_at);
  if (!opens) problems.opens_at = "请选择开始时间";
  if (!closes) problems.closes_at = "请选择结束时间";
  else if (opens && Date.parse(closes) <= Date.parse(opens)) {
    problems.closes_at = "结束时间须晚于开始时间";
  }
  if (Object.keys(problems).length) return { body: null, problems };
  return { body: {
    name, course_id: values.course_id, plan_id: values.plan_id, exam_type: values.exam_type,
    paper_rule: paperRule(values), pass_score: values.pass_score,
    duration_minutes: values.duration_minutes, opens_at: opens, closes_at: closes,
    attempts_allowed: values.limited ? values.attempts_allowed : null,
    exempt_attempts: values.exempt_attempts, score_rule: values.score_rule,
    review_answers: values.review_answers, review_key: values.review_key,
    shuffle_questions: values.shuffle_questions, shuffle_options: values.shuffle_options,
  }, problems };
}
