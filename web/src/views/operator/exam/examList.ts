// 考试管理 and 考试记录's pure parts: an exam's status and the action it offers (发布 a draft,
// 关闭 a published one) with what its confirmation says, its facts as one line each, and an
// attempt's record and log as the operator reads them.
import type { components } from "@/api/schema";
import { timeText } from "@/views/learning/archiveFormat";

import { MODE_LABELS, REVIEW_ANSWER_OPTIONS, REVIEW_KEY_OPTIONS, SCORE_RULE_OPTIONS } from "./examForm";

export type Exam = components["schemas"]["Exam"];
export type AttemptRecord = components["schemas"]["AttemptRecord"];
export type AttemptLog = components["schemas"]["AttemptLog"];
export type LogEntry = components["schemas"]["LogEntry"];
export type ExamStatus = "draft" | "published" | "closed";
export type ExamAction = "publish" | "close";

export const EXAM_STATUS_OPTIONS: { value: ExamStatus; label: string }[] = [
  { value: "draft", label: "未发布" }, { value: "published", label: "已发布" },
  { value: "closed", label: "已关闭" }];
const STATUS_TAGS: Record<string, "info" | "success" | "warning"> = { draft: "info",
  published: "success", closed: "warning" };
export const ACTION_LABELS: Record<ExamAction, string> = { publish: "发布", close: "关闭" };

export interface ExamFilters {
  status: ExamStatus | "";
  q: string;
}
export const EMPTY_EXAM_FILTERS: ExamFilters = { status: "", q: "" };

export function statusTag(exam: Pick<Exam, "status" | "status_label">):
  { label: string; type: "info" | "success" | "warning" } {
  const known = EXAM_STATUS_OPTIONS.find((s) => s.value === exam.status);
  return { label: exam.status_label || known?.label || exam.status || "",
    type: STATUS_TAGS[exam.status ?? ""] ?? "info" };
}

/** The status change an exam offers (besides 编辑 and 考试记录). */
export function actionOf(status: string | undefined): ExamAction | null {
  if (status === "draft") return "publish";
  if (status === "published") return "close";
  return null;
}

/** An exam may be edited until it is closed. */
export function editable(status: string | undefined): boolean {
  return status !== "closed";
}

export function confirmText(exam: Pick<Exam, "name">, action: ExamAction): string {
  return action === "publish"
    ? `确定发布考试“${exam.name}”吗？发布后，已完成课程学习的学员即可在“我的考试”中参加考试。`
    : `确定关闭考试“${exam.name}”吗？关闭后学员不能再开始该考试，正在进行的考试到时自动交卷。`;
}

/** "2026-03-01 08:00 至 2026-03-31 18:00" (Beijing time). */
export function windowText(exam: Pick<Exam, "opens_at" | "closes_at">): string {
  return `${timeText(exam.opens_at)} 至 ${timeText(exam.closes_at)}`;
}

/** 可考次数: "3 次", "不限"; with 免考次数 when set. */
export function attemptsText(exam: Pick<Exam, "attempts_allowed" | "exempt_attempts">): string {
  const allowed = exam.attempts_allowed === null || exam.attempts_allowed === undefined
    ? "不限" : `${exam.attempts_allowed} 次`;
  return exam.exempt_attempts ? `${allowed}（免考 ${exam.exempt_attempts} 次）` : allowed;
}

function labelOf(options: { value: string; label: string }[], value: string | undefined): string {
  return options.find((o) => o.value === value)?.label ?? value ?? "";
}

/** "随机抽题 · 成绩取最高分 · 交卷后可查看作答 · 考试结束后可查看答案". */
export function rulesText(exam: Pick<Exam, "paper_rule" | "score_rule" | "review_answers" |
  "review_key">): string {
  const mode = (exam.paper_rule as { mode?: string } | undefined)?.mode === "fixed" ? "fixed"
    : "random";
  const answers = exam.review_answers === "never" ? "不允许查看作答"
    : `${labelOf(REVIEW_ANSWER_OPTIONS, exam.review_answers)}可查看作答`;
  const key = exam.review_key === "never" ? "不允许查看答案"
    : `${labelOf(REVIEW_KEY_OPTIONS, exam.review_key)}可查看答案`;
  return [MODE_LABELS[mode], `成绩取${labelOf(SCORE_RULE_OPTIONS, exam.score_rule)}`, answers, key]
    .join(" · ");
}

// ---- 考试记录 -----------------------------------------------------------------------------

export const LOG_KIND_LABELS: Record<string, string> = { start: "开始考试", resume: "继续考试",
  save: "保存答案", focus_lost: "离开考试页面", focus_back: "回到考试页面", submit: "交卷",
  expire: "到时自动交卷" };

/** "王晓（wangxiao）", the username alone when no name is known. */
export function candidateText(record: Pick<AttemptRecord, "real_name" | "username" | "user_id">):
  string {
  if (record.real_name && record.username) return `${record.real_name}（${record.username}）`;
  return record.real_name || record.username || `用户 ${record.user_id ?? ""}`;
}

export function passedText(passed: boolean | null | undefined): string {
  return passed === true ? "及格" : passed === false ? "不及格" : "—";
}

export function logKindLabel(kind: string | undefined): string {
  return LOG_KIND_LABELS[kind ?? ""] ?? kind ?? "";
}

/** What a log entry's detail says: "试卷共 9 题", "已答 6 题（本次保存 2 题）", "得分 60，已答 6 题". */
export function logDetail(entry: Pick<LogEntry, "kind" | "detail">): string {
  const d = (entry.detail ?? {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" ? v : Array.isArray(v) ? v.length : null);
  switch (entry.kind) {
    case "start": return n(d.questions) !== null ? `试卷共 ${n(d.questions)} 题` : "";
    case "save": {
      const changed = n(d.changed);
      return `已答 ${n(d.answered) ?? 0} 题${changed ? `（本次保存 ${changed} 题）` : ""}`;
    }
    case "submit":
    case "expire": return `得分 ${n(d.score) ?? 0}，已答 ${n(d.answered) ?? 0} 题`;
    default: return "";
  }
}

const SECONDS = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric",
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  hourCycle: "h23" });
const NO_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** An ISO time in Beijing time to the second, "2026-03-05 14:30:05" ("—" when missing). */
export function secondsText(iso: string | null | undefined): string {
  if (!iso) return "—";
  const at = new Date(NO_OFFSET.test(iso) ? `${iso}Z` : iso);
  if (Number.isNaN(at.getTime())) return "—";
  const p = Object.fromEntries(SECONDS.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A log's entries with their times (Beijing, to the second), labels and details, oldest
 * first. */
export function logLines(log: LogEntry[] | undefined):
  { kind: string; label: string; at: string; detail: string }[] {
  return (log ?? []).map((e) => ({ kind: e.kind ?? "", label: logKindLabel(e.kind),
    at: secondsText(e.at), detail: logDetail(e) }));
}
