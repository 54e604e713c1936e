// 学习档案's pure parts, shared by the learner's 我的档案 / 历史课程 / 档案详情 and the admin's
// view of a learner's archive: times in Beijing time, hours, labels, the certificate's state
// and the client-side pages of the lists the API answers whole.
import type { components } from "@/api/schema";

export type PlanRecord = components["schemas"]["PlanRecord"];
export type OfflineRecord = components["schemas"]["OfflineRecord"];
export type Archive = components["schemas"]["Archive"];
export type SelectedCourse = components["schemas"]["SelectedCourse"];
export type MyPlan = components["schemas"]["MyPlan"];

export type ArchiveTab = "current" | "history" | "offline";
export const ARCHIVE_TABS: readonly ArchiveTab[] = ["current", "history", "offline"];

/** The tab named in the address (?tab=history), or the first. */
export function tabOf(value: unknown): ArchiveTab {
  return ARCHIVE_TABS.includes(value as ArchiveTab) ? (value as ArchiveTab) : "current";
}

const SHANGHAI = "Asia/Shanghai";
const PARTS = new Intl.DateTimeFormat("en-CA", { timeZone: SHANGHAI, year: "numeric",
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

// A time of day without an offset is UTC (the services store UTC; a browser would read it
// as its own local time).
const NO_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function partsOf(iso: string | null | undefined): Record<string, string> | null {
  if (!iso) return null;
  const at = new Date(NO_OFFSET.test(iso) ? `${iso}Z` : iso);
  if (Number.isNaN(at.getTime())) return null;
  return Object.fromEntries(PARTS.formatToParts(at).map((p) => [p.type, p.value]));
}

/** An ISO UTC time in Beijing time, "2026-03-05 14:30" ("—" when missing). */
export function timeText(iso: string | null | undefined): string {
  const p = partsOf(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : "—";
}

/** An ISO UTC time as its Beijing date, "2026-03-05" ("—" when missing). */
export function dateText(iso: string | null | undefined): string {
  const p = partsOf(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : "—";
}

/** Hours as the API states them ("6.0"), "0.0" when missing. */
export function hoursOf(value: string | null | undefined): string {
  return value && value.trim() ? value : "0.0";
}

/** "已学 / 已完成" of one kind: "1.5 / 1.0". */
export function studiedPair(studied: string | null | undefined,
  completed: string | null | undefined): string {
  return `${hoursOf(studied)} / ${hoursOf(completed)}`;
}

export type TagType = "success" | "primary" | "info" | "warning" | "danger";

/** The tag of an enrolment's state: 已通过 green, 学习中 blue, 待激活 grey. */
export function statusTag(status: string | null | undefined): TagType {
  if (status === "passed") return "success";
  if (status === "learning") return "primary";
  return "info";
}

export const STATUS_LABELS: Record<string, string> = {
  not_activated: "待激活", learning: "学习中", passed: "已通过",
};

export function statusLabel(status: string | null | undefined, label?: string | null): string {
  return label || (status && STATUS_LABELS[status]) || "—";
}

export const KIND_LABELS: Record<string, string> = { public: "公需科目", professional: "专业科目" };

export function kindLabel(kind: string | null | undefined, label?: string | null): string {
  return label || (kind && KIND_LABELS[kind]) || "—";
}

export function courseKindLabel(kind: string | null | undefined): string {
  return kind === "required" ? "必修" : kind === "elective" ? "选修" : "—";
}

/** A selected course's exam: its score, "未考" when it needs one and has none, else "无需考试". */
export function examText(course: SelectedCourse): string {
  if (course.exam_score !== null && course.exam_score !== undefined) {
    return `${course.exam_score} 分${course.exam_passed ? "（通过）" : ""}`;
  }
  if (course.exam_passed) return "已通过";
  return course.exam_required ? "未考" : "无需考试";
}

export interface CertificateState {
  /** 打印证书 is offered. */
  printable: boolean;
  text: string;
  tag: TagType;
}

/** The certificate of a plan record: issued (printable), being made, revoked, or none. */
export function certificateState(record: PlanRecord): CertificateState {
  if (record.certificate_code) return { printable: true, text: "已发证", tag: "success" };
  switch (record.certificate_status) {
    case "pending":
      return { printable: false, text: "证书制作中", tag: "warning" };
    case "revoked":
      return { printable: false, text: "证书已撤销", tag: "danger" };
    default:
      return { printable: false, text: record.status === "passed" ? "—" : "未获得", tag: "info" };
  }
}

/** The app's own verification page of a certificate code. */
export function verifyPath(code: string): string {
  return `/verify/${encodeURIComponent(code)}`;
}

/** One page of a list the API answers whole (the archive's tabs, 历史课程). */
export function pageOf<T>(items: readonly T[] | null | undefined, page: number, size: number): T[] {
  const all = items ?? [];
  const start = Math.max(0, (page - 1) * size);
  return all.slice(start, start + size);
}

/** Hours "6.5" in tenths (65), for exact sums; 0 when unreadable. */
export function tenthsOf(value: string | null | undefined): number {
  const m = /^\s*(\d+)(?:\.(\d))?\d*\s*$/.exec(value ?? "");
  return m ? Number(m[1]) * 10 + Number(m[2] ?? 0) : 0;
}

/** Tenths of an hour as the API writes hours: 65 → "6.5". */
export function hoursText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** The 合计 line under a record's courses: their hours, and how many are completed. */
export function courseTotals(courses: readonly SelectedCourse[] | null | undefined):
  { hours: string; completedHours: string; completed: number; count: number } {
  const all = courses ?? [];
  const done = all.filter((c) => c.completed);
  return { hours: hoursText(all.reduce((s, c) => s + tenthsOf(c.hours), 0)),
    completedHours: hoursText(done.reduce((s, c) => s + tenthsOf(c.hours), 0)),
    completed: done.length, count: all.length };
}
