// 学习卡's pure parts: the 发行学习卡 form (面值 typed in yuan, sent in fen — never through a
// float; 限定年度 / 限定类别 / 有效期), a batch's state and stock, and the waiting for a
// batch's job (the cards, their passwords and the .xlsx to print) to finish.
import type { components } from "@/api/schema";

import { yuanToFen } from "@/views/operator/catalogue/money";

export type CardBatch = components["schemas"]["CardBatch"];
export type CardBatchBody = components["schemas"]["CardBatchBody"];
export type CardSale = components["schemas"]["CardSale"];
export type CardKind = "public" | "professional";

export const CARD_KINDS: { value: CardKind | ""; label: string }[] = [
  { value: "", label: "不限" },
  { value: "public", label: "公需科目" },
  { value: "professional", label: "专业科目" },
];

export interface CardBatchValues {
  name: string;
  face_yuan: string;
  quantity: number | null;
  plan_year: number | null;
  plan_kind: CardKind | "";
  valid: [string, string] | null;
}

/** The fields a message is shown beside (the API's names; 有效期 stands for both dates). */
export const CARD_BATCH_FIELDS = ["name", "face_fen", "quantity", "plan_year", "plan_kind",
  "valid_from", "valid_to"] as const;
export type CardBatchField = (typeof CARD_BATCH_FIELDS)[number];

export const MAX_QUANTITY = 20000;

/** A new batch: this year's, valid from today to the end of the year. */
export function newBatchValues(today: string): CardBatchValues {
  const year = Number(today.slice(0, 4));
  return { name: "", face_yuan: "", quantity: 100, plan_year: year, plan_kind: "",
    valid: [today, `${year}-12-31`] };
}

/** The body to send, or the problems to show beside the fields first. */
export function cardBatchBody(values: CardBatchValues): { body: CardBatchBody | null;
  problems: Partial<Record<CardBatchField, string>> } {
  const problems: Partial<Record<CardBatchField, string>> = {};
  const name = values.name.trim();
  if (!name) problems.name = "请填写批次名称";
  else if (name.length > 60) problems.name = "名称不能超过60个字";
  const fen = yuanToFen(values.face_yuan);
  if (fen === null || fen < 100 || fen > 1_000_000) {
    problems.face_fen = "面值须为1–10000元，最多两位小数";
  }
  const quantity = values.quantity;
  if (!quantity || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    problems.quantity = `数量须为1–${MAX_QUANTITY}张`;
  }
  if (values.plan_year !== null && (!Number.isInteger(values.plan_year)
    || values.plan_year < 2000 || values.plan_year > 2100)) {
    problems.plan_year = "年度须为2000–2100";
  }
  const [from, to] = values.valid ?? ["", ""];
  if (!from || !to) problems.valid_from = "请选择有效期";
  else if (to < from) problems.valid_from = "有效期的结束日期不能早于开始日期";
  if (Object.keys(problems).length) return { body: null, problems };
  return { problems, body: { name, face_fen: fen as number, quantity: quantity as number,
    plan_year: values.plan_year, plan_kind: values.plan_kind || null,
    valid_from: from, valid_to: to } };
}

/** The API's field a message goes beside (both dates share 有效期). */
export function batchFieldOf(name: string): string {
  return name === "valid_to" ? "valid_from" : name;
}

/** The batch's state as a tag: 生成中 / 已发行 / 已售罄 / 生成失败. */
export function batchTag(batch: Pick<CardBatch, "status" | "sold_out">): { label: string;
  type: "info" | "success" | "danger" | "warning" } {
  if (batch.status === "issuing") return { label: "生成中", type: "info" };
  if (batch.status === "failed") return { label: "生成失败", type: "danger" };
  if (batch.sold_out) return { label: "已售罄", type: "warning" };
  return { label: "已发行", type: "success" };
}

/** What 销售登记 answered: "已登记售出 20 张：卡号 …0001 至 …0020。" */
export function saleText(sale: Pick<CardSale, "count" | "first" | "last">): string {
  return sale.count === 1 ? `已登记售出 1 张：卡号 ${sale.first ?? ""}。`
    : `已登记售出 ${sale.count ?? 0} 张：卡号 ${sale.first ?? ""} 至 ${sale.last ?? ""}。`;
}

// ---- waiting for a batch to be issued ---------------------------------------------------

export const BATCH_POLL_MS = 1000;
export const BATCH_TIMEOUT_MS = 10 * 60_000;

export type BatchOutcome =
  | { outcome: "issued" | "failed"; batch: CardBatch }
  | { outcome: "timeout"; batch: CardBatch | null }
  | { outcome: "stopped" };

export interface BatchPollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  stopped?: () => boolean;
  onBatch?: (batch: CardBatch) => void;
}

/** Ask for the batch every `intervalMs` until its job is done (issued or failed); errors in
 * between (the network) are asked again, until `timeoutMs`. */
export async function pollBatch(fetchBatch: () => Promise<CardBatch>,
  options: BatchPollOptions = {}): Promise<BatchOutcome> {
  const interval = options.intervalMs ?? BATCH_POLL_MS;
  const timeout = options.timeoutMs ?? BATCH_TIMEOUT_MS;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const stopped = options.stopped ?? (() => false);
  const deadline = now() + timeout;
  let last: CardBatch | null = null;
  for (;;) {
    if (stopped()) return { outcome: "stopped" };
    try {
      last = await fetchBatch();
      if (stopped()) return { outcome: "stopped" };
      options.onBatch?.(last);
      if (last.status === "issued" || last.status === "failed") {
        return { outcome: last.status, batch: last };
      }
    } catch {
      // asked again
    }
    if (now() + interval > deadline) return { outcome: "timeout", batch: last };
    await sleep(interval);
  }
}

/** The progress note while a batch is made: "正在生成 500 张学习卡…（已用时 12 秒）". */
export function issuingText(batch: Pick<CardBatch, "name" | "quantity">, elapsedMs: number):
  string {
  const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
  return `正在生成“${batch.name ?? ""}”的 ${batch.quantity ?? 0} 张学习卡（卡号、密码和印刷文件），已用时 ${
    seconds} 秒，完成后可导出。`;
}
