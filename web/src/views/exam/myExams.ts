// 我的考试's pure parts (seed §2.4 and §3, figure 3.1; §10.1 问题三): each exam's facts as
// one line each — 考试时间范围, 考试时长, 剩余考试次数 (不限 when the exam sets none) — its
// status tag, whether 去考试 (or 继续考试, an attempt being open) is offered, and what the
// confirmation before starting says.
import type { components } from "@/api/schema";
import { timeText } from "@/views/learning/archiveFormat";

export type MyExam = components["schemas"]["MyExam"];
export type TagType = "success" | "primary" | "info" | "warning" | "danger";

export const STATUS_LABELS: Record<string, string> = { not_started: "未开始", available: "可考试",
  in_progress: "考试中", taken: "已考", passed: "已通过", failed: "未通过", ended: "已结束",
  unavailable: "不可考试" };

const TAGS: Record<string, TagType> = { available: "primary", in_progress: "warning",
  taken: "primary", passed: "success", failed: "danger" };

/** The statuses that offer 去考试 / 继续考试. */
export const TAKEABLE = ["available", "taken", "in_progress"];

export function statusTag(exam: Pick<MyExam, "status" | "status_label">):
  { label: string; type: TagType } {
  const status = exam.status ?? "";
  return { label: exam.status_label || STATUS_LABELS[status] || status,
    type: TAGS[status] ?? "info" };
}

/** 去考试 (or 继续考试) is offered: the exam is scheduled and may be taken now. */
export function canTake(exam: Pick<MyExam, "exam_id" | "status">): boolean {
  return exam.exam_id !== null && exam.exam_id !== undefined
    && TAKEABLE.includes(exam.status ?? "");
}

/** 继续考试 when an attempt is open (another tab, a reload), else 去考试. */
export function actionLabel(exam: Pick<MyExam, "open_attempt">): string {
  return exam.open_attempt ? "继续考试" : "去考试";
}

/** A count of attempts: "2 次", or "不限" when the exam sets no limit (null). */
export function timesText(n: number | null | undefined): string {
  return n === null || n === undefined ? "不限" : `${n} 次`;
}

/** "2026-03-01 08:00 至 2026-03-31 18:00" (Beijing time), "—" when not scheduled. */
export function windowText(exam: Pick<MyExam, "opens_at" | "closes_at">): string {
  if (!exam.opens_at && !exam.closes_at) return "—";
  return `${timeText(exam.opens_at)} 至 ${timeText(exam.closes_at)}`;
}

export function minutesText(minutes: number | null | undefined): string {
  return minutes ? `${minutes} 分钟` : "—";
}

export function scoreText(score: number | null | undefined): string {
  return score === null || score === undefined ? "—" : `${score} 分`;
}

/** The page of an attempt (the paper, or its result once graded). */
export function attemptPath(token: string): string {
  return `/exams/attempts/${encodeURIComponent(token)}`;
}

/** What the confirmation before 去考试 says: the exam's duration and rules. */
export function startRules(exam: MyExam): string[] {
  const left = exam.remaining_attempts === null || exam.remaining_attempts === undefined
    ? "考试次数不限" : `剩余考试次数 ${exam.remaining_attempts} 次${
      exam.remaining_exempt_attempts ? `（另有免考次数 ${exam.remaining_exempt_attempts} 次）` : ""}`;
  return [
    `考试时长 ${exam.duration_minutes ?? 0} 分钟，点击“确定”后立即开始计时，中途离开不停止计时。`,
    `满分 ${exam.total_score ?? 0} 分，${exam.pass_score ?? 0} 分及格；${left}，开始考试即计为一次。`,
    "答案自动保存；倒计时结束时，系统按最后保存的答案自动交卷。",
    "考试期间请勿离开考试页面，离开页面的次数将被记录。",
  ];
}
