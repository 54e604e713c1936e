// 培训计划 list's pure parts: statuses, the kind and pricing as one line each, which
// actions a plan offers, and whether reopening needs a new close date.
import type { components, paths } from "@/api/schema";

import { fenToYuan } from "./money";

export type Plan = components["schemas"]["Plan"];
export type PlanStatus = "draft" | "published" | "closed";
export type PlanAction = "publish" | "close" | "reopen";
export type PlanQuery = NonNullable<paths["/api/v1/admin/plans"]["get"]["parameters"]["query"]>;

export const STATUS_LABELS: Record<PlanStatus, string> = { draft: "未发布", published: "已发布",
  closed: "已关闭" };
export const STATUS_TAGS: Record<PlanStatus, "info" | "success" | "warning"> = {
  draft: "info", published: "success", closed: "warning" };
export const ACTION_LABELS: Record<PlanAction, string> = { publish: "发布", close: "关闭",
  reopen: "重新开放" };

export interface PlanFilters {
  year: number | null;
  status: PlanStatus | "";
}

export const EMPTY_PLAN_FILTERS: PlanFilters = { year: null, status: "" };

/** The years the filter offers: next year back to 2014 (the seed's earliest make-up year). */
export function yearChoices(today: string): number[] {
  const next = Number(today.slice(0, 4)) + 1;
  return Array.from({ length: next - 2014 + 1 }, (_, i) => next - i);
}

export function statusLabel(status: string | undefined): string {
  return STATUS_LABELS[status as PlanStatus] ?? status ?? "";
}

export function statusTag(status: string | undefined): "info" | "success" | "warning" {
  return STATUS_TAGS[status as PlanStatus] ?? "info";
}

/** "专业科目 · 工程技术类" / "公需科目". */
export function kindText(plan: Pick<Plan, "kind_label" | "category">): string {
  return [plan.kind_label, plan.category].filter(Boolean).join(" · ");
}

/** "按学时 5.00 元/学时（必修免费）" / "按计划 150.00 元". */
export function pricingText(plan: Pick<Plan, "pricing" | "price_per_hour_fen" |
  "flat_price_fen" | "required_free">): string {
  if (plan.pricing === "flat") return `按计划 ${fenToYuan(plan.flat_price_fen)} 元`;
  return `按学时 ${fenToYuan(plan.price_per_hour_fen)} 元/学时${plan.required_free
    ? "（必修免费）" : ""}`;
}

/** "2026-03-01 至 2026-12-31". */
export function windowText(plan: Pick<Plan, "opens_on" | "closes_on">): string {
  return `${plan.opens_on ?? ""} 至 ${plan.closes_on ?? ""}`;
}

/** The status change a plan of this status offers (besides 编辑). */
export function actionOf(status: string | undefined): PlanAction | null {
  if (status === "draft") return "publish";
  if (status === "published") return "close";
  if (status === "closed") return "reopen";
  return null;
}

/** Reopening a plan whose close date has passed needs a new one (today or later). */
export function reopenNeedsDate(plan: Pick<Plan, "closes_on">, today: string): boolean {
  return Boolean(plan.closes_on && plan.closes_on < today);
}

/** What the operator confirms before a status change. */
export function confirmText(plan: Pick<Plan, "name">, action: "publish" | "close"): string {
  return action === "publish"
    ? `确定发布“${plan.name}”吗？发布后参训范围内的学员即可看到并激活该计划；已发布计划的课程只能增加，不能移除。`
    : `确定关闭“${plan.name}”吗？关闭后学员不能再激活、学习或缴费，可随时重新开放。`;
}
