// 我的课程, the plan page, the course page and the player's pure parts: the tabs of 我的课程
// (named after the year the API answers), money in yuan, video times, dates in Beijing
// time, the plan's state tags and a page of a list the API answers whole.
import type { components } from "@/api/schema";

export type MyPlan = components["schemas"]["MyPlan"];
export type PlanPage = components["schemas"]["LearnerPlanPage"];
export type SelectedCourse = components["schemas"]["SelectedCourse"];
export type Elective = components["schemas"]["Elective"];
export type Quote = components["schemas"]["Quote"];
export type LearnerCourse = components["schemas"]["LearnerCourse"];
export type Chapter = components["schemas"]["Chapter"];
export type Playback = components["schemas"]["Playback"];
export type PlaybackStatus = components["schemas"]["PlaybackStatus"];
export type Note = components["schemas"]["Note"];
export type Post = components["schemas"]["Post"];

export type PlanTab = "all" | "current_public" | "makeup" | "professional";

const ZONE = "Asia/Shanghai";

/** The year in Beijing time (the tabs' names until the API says its year). */
export function shanghaiYear(now: Date = new Date()): number {
  return Number(new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric" })
    .format(now));
}

/** 我的课程's tabs as the seed names them for `year`. */
export function planTabs(year: number): { name: PlanTab; label: string }[] {
  return [
    { name: "all", label: "全部" },
    { name: "current_public", label: `${year}年公需课` },
    { name: "makeup", label: `${year - 4}–${year - 1}年公需课补学计划` },
    { name: "professional", label: `${year}年专业科目` },
  ];
}

export function isPlanTab(value: unknown): value is PlanTab {
  return value === "all" || value === "current_public" || value === "makeup"
    || value === "professional";
}

/** Fen as yuan with two decimals: 1000 → "10.00 元". */
export function yuan(fen: number | null | undefined): string {
  const value = Number.isFinite(fen) ? (fen as number) : 0;
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(Math.round(value));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} 元`;
}

/** Hours as the API states them ("6.0") followed by 学时. */
export function hoursText(hours: string | null | undefined): string {
  return `${hours || "0.0"} 学时`;
}

/** A video time: 754000 ms → "12:34", an hour or more → "1:02:03". */
export function mmss(ms: number | null | undefined): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? (ms as number) : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Seconds as a video time (a note's position). */
export function secondsText(seconds: number | null | undefined): string {
  return mmss((seconds ?? 0) * 1000);
}

/** A timestamp (ISO, UTC) in Beijing time: "2026/03/05 18:00". */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString("zh-CN", { timeZone: ZONE, hour12: false, year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}

/** A plan's dates (already Beijing dates): "2026-01-01 至 2026-12-31". */
export function windowText(plan: { opens_on?: string; closes_on?: string }): string {
  if (!plan.opens_on && !plan.closes_on) return "";
  return `${plan.opens_on ?? ""} 至 ${plan.closes_on ?? ""}`;
}

/** The tag of a plan's state for this learner (待激活 / 学习中 / 已通过). */
export function statusTag(status: string | null | undefined): {
  label: string; type: "warning" | "primary" | "success" | "info" } {
  switch (status) {
    case "learning": return { label: "学习中", type: "primary" };
    case "passed": return { label: "已通过", type: "success" };
    case "not_activated": return { label: "待激活", type: "warning" };
    default: return { label: status || "", type: "info" };
  }
}

/** The plan's kind as one line: "公需科目 · 补学", "专业科目 · 工程技术类". */
export function kindText(plan: { kind_label?: string; category?: string | null;
  makeup?: boolean }): string {
  return [plan.kind_label, plan.category, plan.makeup ? "补学计划" : null]
    .filter(Boolean).join(" · ");
}

/** 选修课's price line: the course's price, or the plan's fee for a plan sold whole. */
export function electivePrice(plan: { pricing?: string; flat_price_fen?: number } | null,
  course: { price_fen?: number }): string {
  if (plan?.pricing === "flat") return "按计划收费";
  return course.price_fen ? yuan(course.price_fen) : "免费";
}

/** What a selected course's exam stands at. */
export function examText(course: SelectedCourse): string {
  if (!course.exam_required) return "无需考试";
  if (course.exam_passed) {
    return course.exam_score != null ? `已通过（${course.exam_score}分）` : "已通过";
  }
  return course.completed ? "待考试" : "学完后考试";
}

/** One page of a list the API answers whole (ListPager's page and size). */
export function pageOf<T>(items: readonly T[], page: number, size: number): T[] {
  const start = Math.max(0, (page - 1) * size);
  return items.slice(start, start + size);
}

/** The server's credited progress of a chapter: "已计入学习 00:05 / 00:12（41%）". */
export function creditedText(status: { covered_ms?: number; duration_ms?: number;
  completed?: boolean }): string {
  const duration = status.duration_ms ?? 0;
  const covered = Math.min(status.covered_ms ?? 0, duration || Infinity);
  const percent = status.completed ? 100 : duration ? Math.min(99,
    Math.floor((covered * 100) / duration)) : 0;
  const tail = status.completed ? "，本节已完成" : "";
  return `已计入学习 ${mmss(covered)} / ${mmss(duration)}（${percent}%）${tail}`;
}
