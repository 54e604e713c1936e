// Pure helpers of the 培训计划报表 pages: the filters as the API takes them, sorting, money,
// the charts' series, file sizes, export polling.
import type { components } from "@/api/schema";
import type { OrgNode } from "@/components/orgNode";

type Schemas = components["schemas"];
export type ParticipationRow = Schemas["ParticipationRow"];
export type Participation = Schemas["Participation"];
export type ReportExport = Schemas["ReportExport"];
export type ReportPlan = Schemas["ReportPlan"];
export type ReportPlans = Schemas["ReportPlans"];
export type ReportOrg = Schemas["ReportOrg"];
export type Completion = Schemas["Completion"];
export type LearnerCompletion = Schemas["LearnerCompletion"];
export type Inactive = Schemas["Inactive"];
export type InactiveLearner = Schemas["InactiveLearner"];
export type ExamsByPerson = Schemas["ExamsByPerson"];
export type PersonExam = Schemas["PersonExam"];
export type ExamsByExam = Schemas["ExamsByExam"];
export type ExamFigures = Schemas["ExamFigures"];
export type Money = Schemas["Money"];
export type MoneyRow = Schemas["MoneyRow"];
export type MoneyDay = Schemas["MoneyDay"];
export type MoneyTotal = Schemas["MoneyTotal"];
export type ExportReport = Schemas["ExportBody"]["report"];
export type SortOrder = "asc" | "desc";

/** What a report screen's filter bar holds (empty: not given). */
export interface ReportFilterState {
  plan_id: number | null;
  org: OrgNode | null;
  /** 统计日期 (参训情况统计表). */
  day: string;
  /** [开始, 结束], Beijing dates, both included. */
  range: [string, string] | null;
}

export function emptyFilters(): ReportFilterState {
  return { plan_id: null, org: null, day: "", range: null };
}

export interface SortState {
  sort?: string;
  order?: SortOrder;
}

/** The query a report route takes: plan, org, dates, sort and page, the empty ones left out. */
export function reportQuery(
  filters: ReportFilterState,
  extra: SortState & { page?: number; page_size?: number; user_id?: number | null } = {},
  dates: "day" | "range" | "none" = "range",
): Record<string, string | number> {
  const q: Record<string, string | number> = {};
  if (filters.plan_id) q.plan_id = filters.plan_id;
  if (filters.org?.id) q.org_id = filters.org.id;
  if (dates === "day" && filters.day) q.date = filters.day;
  if (dates === "range" && filters.range) {
    const [from, to] = filters.range;
    if (from) q.date_from = from;
    if (to) q.date_to = to;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined && value !== null && value !== "") q[key] = value as string | number;
  }
  return q;
}

/** Why a query cannot go yet (no plan, a reversed range), or null. */
export function filterError(filters: ReportFilterState, planRequired = true): string | null {
  if (planRequired && !filters.plan_id) return "请选择培训计划";
  const [from, to] = filters.range ?? ["", ""];
  if (from && to && from > to) return "开始日期不能晚于结束日期";
  return null;
}

/** el-table's sort-change ({prop, order: ascending | descending | null}) as the API's sort,
 *  for the columns `allowed` maps (table prop → API sort key); anything else: the default. */
export function sortOf(
  prop: string | null | undefined,
  order: string | null | undefined,
  allowed: Record<string, string>,
): SortState {
  const sort = prop ? allowed[prop] : undefined;
  if (!sort || !order) return {};
  return { sort, order: order === "ascending" ? "asc" : "desc" };
}

/** Plans newest year first (then the newest plan), as the picker lists them. */
export function newestPlansFirst(plans: ReportPlan[]): ReportPlan[] {
  return [...plans].sort((a, b) => (b.year ?? 0) - (a.year ?? 0)
    || (b.plan_id ?? 0) - (a.plan_id ?? 0));
}

/** "2026年公需科目（公需科目）", closed plans marked. */
export function planLabel(plan: ReportPlan): string {
  const tags = [plan.kind_label, plan.status === "closed" ? plan.status_label : null]
    .filter(Boolean);
  return tags.length ? `${plan.name}（${tags.join("，")}）` : plan.name ?? "";
}

/** The plans answer's default org (the admin's jurisdiction) as the org picker's node. */
export function rootNode(j: ReportOrg | Record<string, never> | null | undefined): OrgNode | null {
  if (!j || !("org_id" in j) || !j.org_id) return null;
  return { id: j.org_id, name: j.name, type: j.type, has_children: j.has_children ?? true,
    path_names: j.path_names ?? [j.name ?? ""] };
}

/** Integer fen as "¥12.50" ("-¥3.00" when negative; "" when unknown). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return "";
  const abs = Math.abs(Math.trunc(fen));
  const text = `¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  return fen < 0 ? `-${text}` : text;
}

/** "共 21 条", or past the service's count limit "超过 100000 条，请缩小查询范围". */
export function countText(total: number | null | undefined, exact: boolean | null | undefined,
  unit = "条"): string {
  const n = total ?? 0;
  return exact === false ? `超过 ${n} ${unit}，请缩小查询范围` : `共 ${n} ${unit}`;
}

/** A long name cut for a chart's axis ("…" at the end). */
export function shortLabel(text: string | null | undefined, max = 12): string {
  const t = text ?? "";
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export interface ExamSeries {
  exams: string[];
  passed: number[];
  failed: number[];
  notTaken: number[];
}

/** 考试情况统计's stacked bars: 通过 / 未通过 / 未参考 per exam. */
export function examSeries(rows: ExamFigures[]): ExamSeries {
  return {
    exams: rows.map((r) => r.exam_name ?? ""),
    passed: rows.map((r) => r.passed ?? 0),
    failed: rows.map((r) => r.failed ?? 0),
    notTaken: rows.map((r) => r.not_taken ?? 0),
  };
}

/** Every date from `from` to `to` (YYYY-MM-DD, both included; at most 400). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || Number.isNaN(end.getTime())) return days;
  while (d <= end && days.length < 400) {
    days.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}

export interface NetSeries {
  days: string[];
  /** Yuan (a number for the chart), 0 on a day without orders. */
  net: number[];
}

/** 收支统计's line: each day's net amount (paid less refunded, all plans) over the range. */
export function netSeries(money: Pick<Money, "date_from" | "date_to" | "rows">): NetSeries {
  const byDay = new Map<string, number>();
  for (const r of money.rows ?? []) {
    if (r.date) byDay.set(r.date, (byDay.get(r.date) ?? 0) + (r.net_fen ?? 0));
  }
  const days = money.date_from && money.date_to ? daysBetween(money.date_from, money.date_to)
    : [...byDay.keys()].sort();
  return { days, net: days.map((d) => (byDay.get(d) ?? 0) / 100) };
}

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

/** The Beijing calendar date of an instant (reports count Beijing days, wherever the
 *  browser is), "YYYY-MM-DD". */
export function beijingDate(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/** The last `days` Beijing days up to today, as a date range ([from, to]). */
export function lastDays(days: number, now: Date = new Date()): [string, string] {
  const from = new Date(now.getTime() - (days - 1) * 24 * 3600 * 1000);
  return [beijingDate(from), beijingDate(now)];
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

/** 考试状态 as a tag's colour. */
export function examStatusTag(status: string | null | undefined):
  "success" | "danger" | "warning" | "info" {
  if (status === "已通过") return "success";
  if (status === "未通过") return "danger";
  if (status === "已考") return "warning";
  return "info";
}
