// 注册审核进度查询: the answer of POST /auth/registration-status as table rows, one for the
// person's own registration and one for each unit they applied for.
import type { components } from "@/api/schema";

export type RegistrationStatus = components["schemas"]["RegistrationStatus"];

export const ORG_STATUS_LABELS: Record<string, string> = {
  pending: "待审核", approved: "审核通过", rejected: "审核未通过", withdrawn: "已撤回",
};

export interface ProgressRow {
  key: string;
  what: string;
  status: string;
  /** pending / approved / rejected / withdrawn (or the person's account status) */
  statusCode: string;
  reviewingOrg: string;
  registeredAt: string | null;
  reason: string;
  canWithdraw: boolean;
  /** The unit's id for a unit registration; null for the person's own. */
  orgId: number | null;
}

export function progressRows(answer: RegistrationStatus): ProgressRow[] {
  const rows: ProgressRow[] = [];
  if (answer.status) {
    rows.push({ key: "person", what: "个人注册", status: answer.status_label || answer.status,
      statusCode: answer.status, reviewingOrg: answer.reviewing_org || "—",
      registeredAt: answer.registered_at ?? null, reason: "",
      canWithdraw: Boolean(answer.can_withdraw), orgId: null });
  }
  for (const o of answer.org_registrations ?? []) {
    const status = o.status ?? "";
    rows.push({ key: `org-${o.org_id}`, what: `${o.type_label ?? "单位"}注册：${o.name ?? ""}`,
      status: ORG_STATUS_LABELS[status] ?? status, statusCode: status,
      reviewingOrg: o.reviewing_org || "—", registeredAt: o.registered_at ?? null,
      reason: o.reason ?? "", canWithdraw: Boolean(o.can_withdraw), orgId: o.org_id ?? null });
  }
  return rows;
}

/** A time as people here read it ("2026/3/5 14:07:09"), or "—". */
export function localTime(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString("zh-CN");
}

export function statusTagType(code: string): "warning" | "success" | "danger" | "info" {
  if (code === "pending" || code === "pending_review") return "warning";
  if (code === "approved" || code === "active") return "success";
  if (code === "rejected") return "danger";
  return "info";
}
