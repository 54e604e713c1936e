// 题库管理's pure parts: the question form's values as typed (options A–F, the answer as
// radios, checkboxes, 对 / 错, or each blank's accepted texts split by "|"), the body the API
// takes, the checks worth making before sending (blanks; the service checks again and its
// messages come back beside the fields), the answer as the list shows it, and the bank's
// filters and per-type counts.
import type { components } from "@/api/schema";

export type Question = components["schemas"]["Question"];
export type QuestionBody = components["schemas"]["QuestionBody"];
export type QuestionType = QuestionBody["type"];
export type Difficulty = 1 | 2 | 3;

export const TYPE_OPTIONS: { value: QuestionType; label: string }[] = [
  { value: "single", label: "单选题" }, { value: "multiple", label: "多选题" },
  { value: "judge", label: "判断题" }, { value: "fill", label: "填空题" }];
export const TYPE_LABELS: Record<QuestionType, string> = { single: "单选题", multiple: "多选题",
  judge: "判断题", fill: "填空题" };
export const DIFFICULTY_OPTIONS: { value: Difficulty; label: string }[] = [
  { value: 1, label: "易" }, { value: 2, label: "中" }, { value: 3, label: "难" }];
export const STATUS_OPTIONS = [{ value: "active", label: "启用" }, { value: "retired", label: "停用" }];

export const OPTION_LETTERS = "ABCDEF";
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = OPTION_LETTERS.length;
export const MAX_BLANKS = 10;
export const MAX_TAGS = 10;

/** Every field the dialog shows a message beside (the API's names). */
export const QUESTION_FIELDS = ["type", "stem", "options", "answer", "difficulty", "tags",
  "analysis"] as const;
export type QuestionField = (typeof QUESTION_FIELDS)[number];

export interface QuestionValues {
  type: QuestionType;
  stem: string;
  /** Option texts, A first (choice questions). */
  options: string[];
  /** 单选题's answer: a letter, "" while none. */
  single: string;
  /** 多选题's answer: letters. */
  multiple: string[];
  /** 判断题's answer, null while none. */
  judge: boolean | null;
  /** 填空题: each blank's accepted texts, "|" between them ("32|三十二"). */
  blanks: string[];
  difficulty: Difficulty;
  /** 知识点, comma-separated. */
  tags: string;
  analysis: string;
}

export function isChoice(type: QuestionType): boolean {
  return type === "single" || type === "multiple";
}

export function newQuestionValues(type: QuestionType = "single"): QuestionValues {
  return { type, stem: "", options: ["", "", "", ""], single: "", multiple: [], judge: null,
    blanks: [""], difficulty: 2, tags: "", analysis: "" };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v ?? "")) : [];
}

/** The form's values of a question the API answered. */
export function questionValues(q: Question): QuestionValues {
  const type = (TYPE_OPTIONS.some((t) => t.value === q.type) ? q.type : "single") as QuestionType;
  const values = newQuestionValues(type);
  values.stem = q.stem ?? "";
  values.difficulty = ([1, 2, 3].includes(q.difficulty ?? 0) ? q.difficulty : 2) as Difficulty;
  values.tags = (q.tags ?? []).join(", ");
  values.analysis = q.analysis ?? "";
  const answer = Array.isArray(q.answer) ? q.answer : [q.answer];
  if (isChoice(type)) {
    values.options = (q.options ?? []).map((o) => o.text ?? "");
    if (type === "single") values.single = stringsOf(answer)[0] ?? "";
    else values.multiple = stringsOf(answer).sort();
  } else if (type === "judge") {
    values.judge = typeof answer[0] === "boolean" ? answer[0] : null;
  } else {
    values.blanks = answer.map((b) => (Array.isArray(b) ? b.map(String).join("|") : String(b ?? "")));
    if (!values.blanks.length) values.blanks = [""];
  }
  return values;
}

/** Option `index` removed: later letters move up one, and the answer follows them. */
export function removeOption(values: QuestionValues, index: number): QuestionValues {
  if (values.options.length <= MIN_OPTIONS) return values;
  const shift = (letter: string): string | null => {
    const at = OPTION_LETTERS.indexOf(letter);
    if (at === index) return null;
    return at > index ? OPTION_LETTERS[at - 1] : letter;
  };
  return { ...values, options: values.options.filter((_, i) => i !== index),
    single: values.single ? shift(values.single) ?? "" : "",
    multiple: values.multiple.map(shift).filter((l): l is string => l !== null).sort() };
}

/** 知识点 typed with commas (either width) as a list, blanks and repeats left out. */
export function tagsOf(text: string): string[] {
  return [...new Set(text.split(/[,，、]/).map((t) => t.trim()).filter(Boolean))];
}

/** Each blank's accepted texts ("32|三十二" → ["32", "三十二"]). */
export function acceptedOf(blank: string): string[] {
  return blank.split("|").map((t) => t.trim()).filter(Boolean);
}

export interface QuestionDraft {
  body: QuestionBody | null;
  problems: Partial<Record<QuestionField, string>>;
}

/** The body to send, or the problems to show beside the fields first. */
export function questionBody(values: QuestionValues): QuestionDraft {
  const problems: Partial<Record<QuestionField, string>> = {};
  const stem = values.stem.trim();
  if (!stem) problems.stem = "请填写题干";
  else if (stem.length > 2000) problems.stem = "题干最多2000字";
  const choice = isChoice(values.type);
  const options = values.options.map((o) => o.trim());
  let answer: unknown = null;
  if (choice) {
    const blank = options.findIndex((o) => !o);
    if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
      problems.options = `选择题须有${MIN_OPTIONS}至${MAX_OPTIONS}个选项`;
    } else if (blank >= 0) {
      problems.options = `请填写选项${OPTION_LETTERS[blank]}，或删除该选项`;
    }
    const letters = OPTION_LETTERS.slice(0, options.length);
    if (values.type === "single") {
      if (!values.single || !letters.includes(values.single)) problems.answer = "请选择正确答案";
      answer = [values.single];
    } else {
      const picked = values.multiple.filter((l) => letters.includes(l)).sort();
      if (picked.length < 2) problems.answer = "多选题至少有两个正确答案";
      answer = picked;
    }
  } else if (values.type === "judge") {
    if (values.judge === null) problems.answer = "请选择“对”或“错”";
    answer = values.judge;
  } else {
    const blanks = values.blanks.map(acceptedOf);
    const empty = blanks.findIndex((b) => !b.length);
    if (!blanks.length) problems.answer = "请填写答案";
    else if (empty >= 0) problems.answer = `请填写第${empty + 1}空的答案`;
    answer = blanks;
  }
  const tags = tagsOf(values.tags);
  if (tags.length > MAX_TAGS) problems.tags = `知识点最多${MAX_TAGS}个`;
  else if (tags.some((t) => t.length > 30)) problems.tags = "每个知识点最多30字";
  if (values.analysis.length > 2000) problems.analysis = "解析最多2000字";
  if (Object.keys(problems).length) return { body: null, problems };
  return { body: { type: values.type, stem, options: choice ? options : [], answer,
    difficulty: values.difficulty, tags, analysis: values.analysis.trim() || null }, problems };
}

/** The answer as the bank's list shows it: "B", "AC", "对", "32 或 三十二；北京". */
export function answerSummary(q: Pick<Question, "type" | "answer">): string {
  const answer = Array.isArray(q.answer) ? q.answer : [q.answer];
  if (q.type === "judge") return answer[0] === true ? "对" : answer[0] === false ? "错" : "—";
  if (q.type === "fill") {
    return answer.map((b) => (Array.isArray(b) ? b.join(" 或 ") : String(b ?? ""))).join("；") || "—";
  }
  return answer.map(String).join("") || "—";
}

export interface BankFilters {
  type: QuestionType | "";
  difficulty: Difficulty | null;
  status: "active" | "retired" | "";
  q: string;
}

export const EMPTY_BANK_FILTERS: BankFilters = { type: "", difficulty: null, status: "", q: "" };

/** The query of GET /admin/courses/{course_id}/questions (empty filters left out). */
export function bankQuery(filters: BankFilters & { page: number; page_size: number }) {
  return { type: filters.type || undefined, difficulty: filters.difficulty ?? undefined,
    status: filters.status || undefined, q: filters.q.trim() || undefined, page: filters.page,
    page_size: filters.page_size };
}

/** The bank's active questions per type, in the paper's order: [["单选题", 6], …]. */
export function countsOf(counts: Record<string, number> | undefined):
  { type: QuestionType; label: string; count: number }[] {
  return TYPE_OPTIONS.map((t) => ({ type: t.value, label: t.label, count: counts?.[t.value] ?? 0 }));
}
