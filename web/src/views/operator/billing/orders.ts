// 订单管理's pure parts: the filters as the API takes them, the learner as shown, and the
// refund — whole or chosen course lines — with its amount in fen, its request id (made once
// per dialog, so a retried click refunds once) and what its answer says.
import type { components } from "@/api/schema";

import { rmb, type OrderStatus } from "@/views/billing/billing";

export type OperatorOrder = components["schemas"]["OperatorOrder"];
export type OrderLine = components["schemas"]["OrderLine"];
export type Refund = components["schemas"]["Refund"];
export type RefundBody = components["schemas"]["RefundBody"];

export interface OperatorOrderFilters {
  order_no: string;
  learner: string;
  status: OrderStatus | "";
}

export const EMPTY_OPERATOR_FILTERS: OperatorOrderFilters = { order_no: "", learner: "",
  status: "" };

export function operatorOrderQuery(q: OperatorOrderFilters & { page?: number;
  page_size?: number }) {
  return {
    order_no: q.order_no?.trim() || undefined,
    learner: q.learner?.trim() || undefined,
    status: q.status || undefined,
    page: q.page,
    page_size: q.page_size,
  };
}

/** "张伟" with the username under it, or whichever of them is known. */
export function learnerText(order: Pick<OperatorOrder, "real_name" | "username" | "user_id">):
  string {
  return order.real_name || order.username || (order.user_id ? `用户 ${order.user_id}` : "");
}

/** Whether the operator may refund the order (paid, not wholly refunded). */
export function refundable(order: Pick<OperatorOrder, "status">): boolean {
  return order.status === "paid" || order.status === "partially_refunded";
}

/** The lines not refunded yet. */
export function openLines(order: Pick<OperatorOrder, "lines">): OrderLine[] {
  return (order.lines ?? []).filter((l) => !l.refunded);
}

/** Whether lines may be chosen: only course lines are refunded one by one (a plan's flat fee
 * is refunded with the whole order). */
export function partialAllowed(order: Pick<OperatorOrder, "lines">): boolean {
  const open = openLines(order);
  return open.length > 0 && open.every((l) => l.kind === "course" && !!l.course_id);
}

/** What a refund comes to, in fen: the open lines (whole) or the chosen courses. */
export function refundFen(order: Pick<OperatorOrder, "lines">, whole: boolean,
  courseIds: readonly number[]): number {
  const wanted = new Set(courseIds);
  return openLines(order).filter((l) => whole || (l.course_id && wanted.has(l.course_id)))
    .reduce((sum, l) => sum + (l.price_fen ?? 0), 0);
}

/** The refund to ask for, or why not yet. */
export function refundBody(requestId: string, whole: boolean, courseIds: readonly number[],
  reason: string): { body: RefundBody | null; problem: string | null } {
  if (!whole && !courseIds.length) return { body: null, problem: "请选择要退款的课程" };
  const text = reason.trim();
  if (text.length > 200) return { body: null, problem: "退款原因不能超过200个字" };
  return { problem: null, body: { request_id: requestId, whole,
    course_ids: whole ? [] : [...courseIds], reason: text || null } };
}

type Random = Pick<Crypto, "getRandomValues"> & { randomUUID?: () => string };

/** A new refund request id (a UUID): crypto.randomUUID where the browser has it (a secure
 * context), else one made from crypto.getRandomValues. */
export function newRequestId(random: Random | undefined = globalThis.crypto): string {
  if (random?.randomUUID) return random.randomUUID();
  const bytes = new Uint8Array(16);
  if (random) random.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)}`;
}

export const REFUND_STATUS: Record<string, { label: string; type: "success" | "warning" |
  "danger" }> = {
  done: { label: "已退款", type: "success" },
  pending: { label: "处理中", type: "warning" },
  failed: { label: "退款失败", type: "danger" },
};

/** What the page says of a refund's answer. */
export function refundText(refund: Pick<Refund, "status" | "amount_fen" | "refund_no">,
  channelLabel?: string | null): string {
  const amount = rmb(refund.amount_fen);
  switch (refund.status) {
    case "done":
      return `退款成功：${amount} 已原路退回${channelLabel ? `（${channelLabel}）` : ""}，退款单号 ${
        refund.refund_no ?? ""}。`;
    case "pending":
      return `退款处理中：${amount} 正在由支付机构退回，退款单号 ${refund.refund_no ?? ""
      }。完成后订单状态将自动更新。`;
    case "failed":
      return `退款失败：支付机构未能退回 ${amount}（退款单号 ${refund.refund_no ?? ""}），请核实后重试。`;
    default:
      return `退款单号 ${refund.refund_no ?? ""}：${refund.status ?? ""}`;
  }
}
