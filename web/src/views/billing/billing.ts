// 购物车, 去支付, 支付结果, 我的订单 and 我的账户's pure parts: money from integer fen (never
// floats), the order's states and the time left to pay, the balance that may pay an order,
// the ledger's words, and the result page's polling of the order.
import type { components } from "@/api/schema";

export type Cart = components["schemas"]["Cart"];
export type CartGroup = components["schemas"]["CartGroup"];
export type CartLine = components["schemas"]["CartLine"];
export type Order = components["schemas"]["Order"];
export type OrderLine = components["schemas"]["OrderLine"];
export type Account = components["schemas"]["Account"];
export type Pocket = components["schemas"]["Pocket"];
export type LedgerEntry = components["schemas"]["LedgerEntry"];

export type OrderStatus = "unpaid" | "paid" | "closed" | "partially_refunded" | "refunded";
export type PayMethod = "alipay" | "bank" | "balance";

/** Fen as yuan with the currency sign: 1000 → "¥10.00", -1000 → "-¥10.00". */
export function rmb(fen: number | null | undefined): string {
  const value = typeof fen === "number" && Number.isFinite(fen) ? Math.round(fen) : 0;
  const abs = Math.abs(value);
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${value < 0 ? "-" : ""}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

/** An amount in or out of the balance, always signed: "+¥50.00" / "-¥10.00". */
export function signedRmb(fen: number | null | undefined): string {
  const value = typeof fen === "number" && Number.isFinite(fen) ? Math.round(fen) : 0;
  return value > 0 ? `+${rmb(value)}` : rmb(value);
}

export const STATUS_OPTIONS: { value: OrderStatus; label: string }[] = [
  { value: "unpaid", label: "待支付" },
  { value: "paid", label: "已支付" },
  { value: "closed", label: "已关闭" },
  { value: "partially_refunded", label: "部分退款" },
  { value: "refunded", label: "已退款" },
];

/** The tag of an order's state (the server's label when it gives one). */
export function statusTag(status: string | null | undefined, label?: string | null): {
  label: string; type: "warning" | "success" | "info" | "danger" } {
  const known = STATUS_OPTIONS.find((s) => s.value === status);
  const text = label || known?.label || status || "";
  switch (status) {
    case "unpaid": return { label: text, type: "warning" };
    case "paid": return { label: text, type: "success" };
    case "partially_refunded":
    case "refunded": return { label: text, type: "danger" };
    default: return { label: text, type: "info" };
  }
}

// A time of day without an offset is UTC (the services store UTC).
const NO_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** An ISO time as epoch milliseconds (NaN when it cannot be read). */
export function epochOf(iso: string | null | undefined): number {
  if (!iso) return NaN;
  return new Date(NO_OFFSET.test(iso) ? `${iso}Z` : iso).getTime();
}

/** Milliseconds left before `expiresAt` (0 once past, or when unknown). */
export function remainingMs(expiresAt: string | null | undefined, now: number): number {
  const end = epochOf(expiresAt);
  return Number.isFinite(end) ? Math.max(0, end - now) : 0;
}

/** The time left to pay: "29分05秒", "1小时02分03秒", "0秒". */
export function countdownText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (h) return `${h}小时${two(m)}分${two(s)}秒`;
  if (m) return `${m}分${two(s)}秒`;
  return `${s}秒`;
}

/** Whether the order can still be paid at `now`. */
export function payable(order: Pick<Order, "status" | "expires_at"> | null, now: number): boolean {
  return !!order && order.status === "unpaid" && remainingMs(order.expires_at, now) > 0;
}

/** A learning card's pocket as billing names it (services/billing/domain/pockets.py):
 * "card" (any plan that takes cards), "card:2018", "card:public", "card:2018:public". */
export function cardPocket(year?: number | null, kind?: string | null): string {
  return ["card", ...[year, kind].filter((p) => p !== null && p !== undefined && p !== "")]
    .join(":");
}

/** The pockets that may pay an order, as billing spends them: learning-card pockets first,
 * narrowest first (when the plan takes cards), then 余额. */
export function pocketsFor(order: Pick<Order, "plan_year" | "plan_kind" | "cards_allowed">):
  string[] {
  const cards = order.cards_allowed
    ? [cardPocket(order.plan_year, order.plan_kind), cardPocket(order.plan_year),
      cardPocket(null, order.plan_kind), cardPocket()] : [];
  return [...new Set([...cards, "general"])];
}

/** The balance (fen) that may pay `order`. */
export function usableFen(account: Pick<Account, "pockets"> | null,
  order: Pick<Order, "plan_year" | "plan_kind" | "cards_allowed">): number {
  const wanted = new Set(pocketsFor(order));
  return (account?.pockets ?? []).filter((p) => p.pocket && wanted.has(p.pocket))
    .reduce((sum, p) => sum + (p.balance_fen ?? 0), 0);
}

const KIND_NAMES: Record<string, string> = { public: "公需科目", professional: "专业科目" };

/** A pocket's name: "通用余额", "学习卡（2018年度公需科目培训计划专用）", "学习卡". */
export function pocketLabel(pocket: string | null | undefined): string {
  if (!pocket || pocket === "general") return "通用余额";
  const [head, ...parts] = pocket.split(":");
  if (head !== "card") return pocket;
  const year = parts.find((p) => /^\d+$/.test(p));
  const kind = parts.find((p) => !/^\d+$/.test(p));
  const scope = `${year ? `${year}年度` : ""}${kind ? KIND_NAMES[kind] ?? kind : ""}`;
  return scope ? `学习卡（${scope}培训计划专用）` : "学习卡";
}

/** Whether the account holds money only some plans may use (learning cards). */
export function hasRestricted(account: Pick<Account, "pockets"> | null): boolean {
  return (account?.pockets ?? []).some((p) => p.pocket && p.pocket !== "general");
}

const ENTRY_KINDS: Record<string, string> = { recharge: "充值", card: "学习卡", order: "订单支付",
  refund: "退款" };

/** A ledger entry's kind: 充值 / 学习卡 / 订单支付 / 退款. */
export function entryKindLabel(kind: string | null | undefined): string {
  return (kind && ENTRY_KINDS[kind]) || kind || "";
}

/** The banks 银行卡 payment lists (shown; the bank's own page does the paying). */
export const BANKS = ["中国银行", "中国工商银行", "中国建设银行", "中国农业银行", "交通银行",
  "招商银行"] as const;

export const PAY_METHODS: { value: PayMethod; label: string }[] = [
  { value: "alipay", label: "支付宝" },
  { value: "bank", label: "银行卡" },
  { value: "balance", label: "余额" },
];

/** Whether `order` is a recharge (账户充值): paid by a provider, never by the balance. */
export function isRecharge(order: Pick<Order, "kind"> | null | undefined): boolean {
  return order?.kind === "recharge";
}

/** The methods that may pay `order`: a recharge never from the balance. */
export function methodsFor(order: Pick<Order, "kind"> | null | undefined) {
  return PAY_METHODS.filter((m) => !(isRecharge(order) && m.value === "balance"));
}

export const RECHARGE_MIN_FEN = 100;
export const RECHARGE_MAX_FEN = 500_000;

/** A recharge amount typed in yuan ("50", "50.5", "50.05") as fen, or the reason it is
 * not one — read as text, never through floats. */
export function rechargeFen(text: string): { fen: number } | { problem: string } {
  const value = text.trim();
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return { problem: value ? "请输入金额，最多两位小数" : "请输入充值金额" };
  const fen = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (fen < RECHARGE_MIN_FEN || fen > RECHARGE_MAX_FEN) {
    return { problem: `充值金额须在${rmb(RECHARGE_MIN_FEN)}到${rmb(RECHARGE_MAX_FEN)}之间` };
  }
  return { fen };
}

/** 我的订单's course column: the titles of an order's lines. */
export function linesText(lines: readonly { title?: string }[] | null | undefined): string {
  return (lines ?? []).map((l) => l.title).filter(Boolean).join("、");
}

/** A cart line's removal key: its course, or 0 for a plan's flat fee. */
export function lineKey(line: Pick<CartLine, "course_id">): number {
  return line.course_id ?? 0;
}

/** What 去结算 orders for a cart group: its courses (none for a plan's flat fee). */
export function checkoutCourses(group: Pick<CartGroup, "lines" | "course_ids">): number[] {
  if (!group.lines) return [...(group.course_ids ?? [])]; // a group that cannot be priced
  return group.lines.filter((l) => l.kind === "course" && l.course_id)
    .map((l) => l.course_id as number);
}

/** The cart entries of a group, as DELETE takes them (0: the plan's flat fee). */
export function groupKeys(group: Pick<CartGroup, "lines" | "course_ids">): number[] {
  if (group.lines?.length) return group.lines.map(lineKey);
  return group.course_ids?.length ? [...group.course_ids] : [0];
}

/** 我的订单's filters as the API takes them (empty ones left out by usePagedList). */
export interface OrderFilters {
  status: OrderStatus | "";
  range: [string, string] | null;
  course: string;
}

export const EMPTY_ORDER_FILTERS: OrderFilters = { status: "", range: null, course: "" };

export function orderQuery(q: OrderFilters & { page?: number; page_size?: number }) {
  return {
    status: q.status || undefined,
    created_from: q.range?.[0] || undefined,
    created_to: q.range?.[1] || undefined,
    course: q.course?.trim() || undefined,
    page: q.page,
    page_size: q.page_size,
  };
}

// ---- 支付结果: asking billing until the order is paid, or giving up --------------------

export const POLL_INTERVAL_MS = 1500;
export const POLL_TIMEOUT_MS = 30_000;

export type PollOutcome =
  | { outcome: "paid"; order: Order }
  | { outcome: "settled"; order: Order } // closed or refunded: no longer waiting
  | { outcome: "timeout"; order: Order | null }
  | { outcome: "stopped" }
  | { outcome: "failed"; error: unknown };

export interface PollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** True once the page is left: stop asking. */
  stopped?: () => boolean;
  /** Whether an error ends the polling (an order that does not exist) or is retried. */
  fatal?: (error: unknown) => boolean;
  onOrder?: (order: Order) => void;
}

/** Ask for the order every `intervalMs` until it is paid (or closed, refunded), for at
 * most `timeoutMs`. The browser's return from Alipay proves nothing: only billing's state
 * of the order does. */
export async function pollOrder(fetchOrder: () => Promise<Order>, options: PollOptions = {}):
  Promise<PollOutcome> {
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const timeout = options.timeoutMs ?? POLL_TIMEOUT_MS;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const stopped = options.stopped ?? (() => false);
  const deadline = now() + timeout;
  let last: Order | null = null;
  for (;;) {
    if (stopped()) return { outcome: "stopped" };
    try {
      last = await fetchOrder();
      if (stopped()) return { outcome: "stopped" };
      options.onOrder?.(last);
      if (last.status === "paid") return { outcome: "paid", order: last };
      if (last.status && last.status !== "unpaid") return { outcome: "settled", order: last };
    } catch (error) {
      if (stopped()) return { outcome: "stopped" };
      if (options.fatal?.(error)) return { outcome: "failed", error };
    }
    if (now() + interval > deadline) return { outcome: "timeout", order: last };
    await sleep(interval);
  }
}
