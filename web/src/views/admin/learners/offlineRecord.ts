// 录入线下档案's form: hours a learner earned outside the platform (year, title, kind,
// hours with one decimal, organiser, date), checked before sending as the API checks them.
import type { components } from "@/api/schema";

export type OfflineRecordBody = components["schemas"]["OfflineRecordBody"];

export interface OfflineValues {
  year: string;
  title: string;
  kind: "public" | "professional" | "";
  hours: string;
  organiser: string;
  completed_on: string;
}

export const OFFLINE_FIELDS = ["year", "title", "kind", "hours", "organiser",
  "completed_on"] as const;
export type OfflineField = (typeof OFFLINE_FIELDS)[number];

export const MAX_HOURS = 999;

export function emptyOffline(today: Date = new Date()): OfflineValues {
  return { year: String(today.getFullYear()), title: "", kind: "public", hours: "",
    organiser: "", completed_on: "" };
}

const HOURS = /^\d{1,3}(\.\d)?$/;

/** Each field's problem (none: ready to send). */
export function offlineProblems(v: OfflineValues, today: Date = new Date()):
  Partial<Record<OfflineField, string>> {
  const out: Partial<Record<OfflineField, string>> = {};
  const year = Number(v.year);
  if (!/^\d{4}$/.test(v.year.trim()) || year < 2000 || year > 2100) out.year = "年度须为2000–2100";
  const title = v.title.trim();
  if (title.length < 2) out.title = "请输入培训项目名称（至少2个字）";
  else if (title.length > 120) out.title = "培训项目名称不能超过120字";
  if (v.kind !== "public" && v.kind !== "professional") out.kind = "请选择类别";
  const hours = v.hours.trim();
  if (!hours) out.hours = "请输入学时";
  else if (!HOURS.test(hours) || Number(hours) > MAX_HOURS) {
    out.hours = `学时须为0–${MAX_HOURS}，最多一位小数，如 8 或 8.5`;
  } else if (Number(hours) <= 0) out.hours = "学时须大于0";
  if (v.organiser.trim().length > 120) out.organiser = "举办单位不能超过120字";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.completed_on)) out.completed_on = "请选择完成日期";
  else if (v.completed_on > localDate(today)) out.completed_on = "完成日期不能晚于今天";
  return out;
}

function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The body the API takes (hours as decimal text, "8" or "8.0": never a float). */
export function offlineBody(v: OfflineValues): OfflineRecordBody {
  return { year: Number(v.year), title: v.title.trim(),
    kind: v.kind as "public" | "professional", hours: v.hours.trim(),
    organiser: v.organiser.trim() || null, completed_on: v.completed_on };
}

/** Hours as the archive shows them: "8" → "8.0". */
export function hoursDisplay(hours: string): string {
  const n = Number(hours);
  return Number.isFinite(n) ? n.toFixed(1) : hours;
}
