// Pure helpers of the 培训计划报表 pages: rates for the chart, file sizes, export polling.
import type { components } from "@/api/schema";

export type ParticipationRow = components["schemas"]["ParticipationRow"];
export type Participation = components["schemas"]["Participation"];
export type ReportExport = components["schemas"]["ReportExport"];

/** "33.33%" → 33.33; anything unparsable → 0. */
export function parseRate(text: string | null | undefined): number {
  if (!text) return 0;
  const n = Number.parseFloat(String(text).replace("%", "").trim());
  return Number.isFinite(n) ? n : 0;
}

export interface RateSeries {
  units: string[];
  participation: number[];
  completion: number[];
}

/** The chart's bars: 参训率 and 完成率 of every unit row (the 合计 row is not a unit). */
export function rateSeries(rows: ParticipationRow[]): RateSeries {
  const units = rows.filter((r) => r.org_name !== "合计");
  return {
    units: units.map((r) => r.org_name ?? ""),
    participation: units.map((r) => parseRate(r.participation_rate)),
    completion: units.map((r) => parseRate(r.completion_rate)),
  };
}

/** Bytes as 字节 / KB / MB; empty when unknown. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export const UNFINISHED = ["queued", "running"];

/** Keep polling while any export is still queued or running. */
export function shouldPoll(items: ReportExport[]): boolean {
  return items.some((i) => UNFINISHED.includes(i.status ?? ""));
}

export const STATUS_LABELS: Record<string, string> = {
  queued: "排队中", running: "导出中", done: "完成", failed: "失败",
};

export function statusLabel(status: string | null | undefined): string {
  return STATUS_LABELS[status ?? ""] ?? status ?? "";
}

export function statusTag(status: string | null | undefined): "info" | "warning" | "success" | "danger" {
  if (status === "done") return "success";
  if (status === "failed") return "danger";
  if (status === "running") return "warning";
  return "info";
}

/** Percentage for el-progress from {done, total}. */
export function progressPercent(
  p: { done?: number | null; total?: number | null } | null | undefined,
): number {
  if (!p || !p.total) return 0;
  return Math.min(100, Math.round(((p.done ?? 0) / p.total) * 100));
}

/** Newest first by created_at. */
export function newestFirst(items: ReportExport[]): ReportExport[] {
  return [...items].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
}

export function todayText(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function timeOf(iso: string | null | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").slice(0, 19);
}
