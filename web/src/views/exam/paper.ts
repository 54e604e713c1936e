// 考试页面's pure parts (seed §3, figure 3.2): the paper in sections by type (一、单选题 …
// with their count and points), each question's options under the letters shown (A, B, …
// by position: a shuffled paper keeps each option's own key, which is what is sent), the
// learner's answer as the page holds it and as PUT …/answers takes it, which answers
// changed since the last save, and the answer card's colours (蓝色 answered, 红色 marked,
// 灰色 not yet answered).
import type { components } from "@/api/schema";

export type Attempt = components["schemas"]["Attempt"];
export type PaperQuestion = components["schemas"]["PaperQuestion"];
export type QuestionType = "single" | "multiple" | "judge" | "fill";
/** Why the paper closed: 交卷 here, the deadline, or the server closed it (another tab). */
export type EndReason = "submitted" | "deadline" | "closed";

export const TYPE_ORDER: readonly QuestionType[] = ["single", "multiple", "judge", "fill"];
export const TYPE_LABELS: Record<QuestionType, string> = { single: "单选题", multiple: "多选题",
  judge: "判断题", fill: "填空题" };

/** An answer as the page holds it: a single choice's key ("" while none), a multiple
 * choice's keys, a judgement (null while none), a fill question's text per blank. */
export type LocalAnswer = string | string[] | boolean | null;
/** An answer as PUT /me/attempts/{token}/answers takes it; null clears it. */
export type WireAnswer = string | string[] | boolean | null;

export function typeOf(question: Pick<PaperQuestion, "type">): QuestionType {
  return TYPE_ORDER.includes(question.type as QuestionType) ? question.type as QuestionType
    : "single";
}

export function blanksOf(question: Pick<PaperQuestion, "blanks">): number {
  return Math.max(1, question.blanks ?? 1);
}

const NUMERALS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** 1 → "一", 10 → "十", 12 → "十二", 20 → "二十", 99 → "九十九". */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return NUMERALS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? "" : NUMERALS[tens]}十${ones ? NUMERALS[ones] : ""}`;
}

export interface NumberedQuestion {
  question: PaperQuestion;
  /** Its number on the paper, from 1, counted across the sections. */
  number: number;
}

export interface PaperSection {
  type: QuestionType;
  /** "一、单选题". */
  heading: string;
  count: number;
  /** The section's points. */
  points: number;
  /** Each question's score when they are all the same, else null. */
  each: number | null;
  questions: NumberedQuestion[];
}

/** The paper in sections, in the order the server gave (it groups by type already); a
 * type that comes back after another is joined to its first section. */
export function sectionsOf(questions: PaperQuestion[]): PaperSection[] {
  const byType = new Map<QuestionType, PaperQuestion[]>();
  for (const q of questions) {
    const type = typeOf(q);
    byType.set(type, [...(byType.get(type) ?? []), q]);
  }
  const sections: PaperSection[] = [];
  let number = 0;
  for (const [type, group] of byType) {
    const scores = group.map((q) => q.score ?? 0);
    sections.push({
      type, heading: `${chineseNumeral(sections.length + 1)}、${TYPE_LABELS[type]}`,
      count: group.length, points: scores.reduce((a, b) => a + b, 0),
      each: scores.every((s) => s === scores[0]) ? scores[0] : null,
      questions: group.map((question) => ({ question, number: ++number })),
    });
  }
  return sections;
}

/** "（共4题，每题10分，共40分）" or, when the scores differ, "（共2题，共25分）". */
export function sectionNote(section: Pick<PaperSection, "count" | "points" | "each">): string {
  const each = section.each !== null ? `，每题${section.each}分` : "";
  return `（共${section.count}题${each}，共${section.points}分）`;
}

export interface ShownOption {
  /** The option's own key: what is sent and what the key names. */
  key: string;
  /** The letter shown, by position. */
  letter: string;
  text: string;
}

const LETTERS = "ABCDEFGH";

/** The options under the letters shown (A, B, … in the order given). */
export function shownOptions(question: Pick<PaperQuestion, "options">): ShownOption[] {
  return (question.options ?? []).map((o, i) => ({ key: o.key ?? "", letter: LETTERS[i] ?? "?",
    text: o.text ?? "" }));
}

/** The letters shown for option keys ("C","A" on a shuffled paper → "AB"), in shown order. */
export function lettersOf(question: Pick<PaperQuestion, "options">, keys: string[]): string {
  return shownOptions(question).filter((o) => keys.includes(o.key)).map((o) => o.letter).join("");
}

/** A question not answered yet, as the page holds it. */
export function emptyAnswer(question: PaperQuestion): LocalAnswer {
  switch (typeOf(question)) {
    case "multiple": return [];
    case "judge": return null;
    case "fill": return Array.from({ length: blanksOf(question) }, () => "");
    default: return "";
  }
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

/** The page's answer from what the server saved (["B"], ["A","C"], [true], ["32"]). */
export function fromSaved(question: PaperQuestion, saved: unknown): LocalAnswer {
  const values = listOf(saved);
  switch (typeOf(question)) {
    case "single": return typeof values[0] === "string" ? values[0] : "";
    case "multiple": return values.filter((v): v is string => typeof v === "string").sort();
    case "judge": return typeof values[0] === "boolean" ? values[0] : null;
    case "fill": return Array.from({ length: blanksOf(question) }, (_, i) =>
      (values[i] === null || values[i] === undefined ? "" : String(values[i])));
  }
}

/** Answered: a choice made, a judgement given, some blank filled. */
export function isAnswered(question: PaperQuestion, answer: LocalAnswer): boolean {
  switch (typeOf(question)) {
    case "single": return typeof answer === "string" && answer !== "";
    case "multiple": return Array.isArray(answer) && answer.length > 0;
    case "judge": return typeof answer === "boolean";
    case "fill": return Array.isArray(answer) && answer.some((b) => b.trim() !== "");
  }
}

/** What PUT …/answers takes for the page's answer: "B", ["A","C"], true, ["32",""]; null for
 * an answer taken back (the server forgets it). */
export function toWire(question: PaperQuestion, answer: LocalAnswer): WireAnswer {
  if (!isAnswered(question, answer)) return null;
  switch (typeOf(question)) {
    case "multiple": return [...(answer as string[])].sort();
    case "fill": return (answer as string[]).map((b) => b.slice(0, 200));
    default: return answer;
  }
}

/** The answers (question id → wire form) in `current` that differ from `saved`; an id
 * missing from `saved` was never answered (null). */
export function changedAnswers(saved: Record<string, WireAnswer>,
  current: Record<string, WireAnswer>): Record<string, WireAnswer> {
  const changed: Record<string, WireAnswer> = {};
  for (const [id, value] of Object.entries(current)) {
    if (JSON.stringify(value ?? null) !== JSON.stringify(saved[id] ?? null)) changed[id] = value;
  }
  return changed;
}

/** The marked question ids in one order (the server keeps them sorted). */
export function sortedMarks(marks: Iterable<number>): number[] {
  return [...new Set(marks)].sort((a, b) => a - b);
}

export function sameMarks(a: number[], b: number[]): boolean {
  const x = sortedMarks(a);
  const y = sortedMarks(b);
  return x.length === y.length && x.every((id, i) => id === y[i]);
}

export type CardState = "marked" | "answered" | "blank";
export const CARD_STATE_LABELS: Record<CardState, string> = { marked: "已标记",
  answered: "已作答", blank: "未作答" };

/** A number's colour on the answer card: red when marked (answered or not), blue when
 * answered, grey otherwise. */
export function cardState(answered: boolean, marked: boolean): CardState {
  if (marked) return "marked";
  return answered ? "answered" : "blank";
}

/** How many of `questions` have no answer in `answers` (by id). */
export function unansweredCount(questions: PaperQuestion[],
  answers: Record<string, LocalAnswer>): number {
  return questions.filter((q) => !isAnswered(q, answers[String(q.id)] ?? emptyAnswer(q))).length;
}

/** The question's element id on the page (the card's numbers scroll to it). */
export function questionAnchor(id: number | undefined): string {
  return `question-${id ?? 0}`;
}

/** What 交卷's confirmation says. */
export function submitQuestion(unanswered: number): string {
  return unanswered > 0
    ? `还有 ${unanswered} 道题未作答，交卷后不能再修改答案。确定交卷吗？`
    : "所有试题均已作答。交卷后不能再修改答案，确定交卷吗？";
}

/** The exam's hints shown in red at the top of the paper. */
export function paperHints(attempt: Pick<Attempt, "duration_minutes" | "pass_score" |
  "total_score">): string[] {
  return [
    `考试时长 ${attempt.duration_minutes ?? 0} 分钟，从开始考试时计时；倒计时结束时系统按最后保存的答案自动交卷。`,
    "答案在作答后自动保存；刷新页面或在其他页面打开，可继续本次考试。",
    "不确定的题目可点击“标记”，答题卡中标记的题号显示为红色，已答为蓝色，未答为灰色。",
    "考试期间请勿离开考试页面，离开页面的次数将被记录。",
    `本次考试满分 ${attempt.total_score ?? 0} 分，${attempt.pass_score ?? 0} 分及格。`,
  ];
}
