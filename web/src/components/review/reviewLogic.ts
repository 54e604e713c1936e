// The pure part of the 审核 pages (ReviewList.vue, TransfersView.vue): when a batch
// decision is refused before it is sent, what its answer {decided, skipped} says, and how
// dates, a change's before/after values and the status words are shown.

export type Decision = "approve" | "reject";

/** One entry a batch decision left undecided: its id (under the list's id key) and why. */
export interface SkippedEntry {
  reason?: string;
  [idKey: string]: unknown;
}

export interface BatchResult {
  decided?: number[];
  skipped?: SkippedEntry[];
}

export interface DecisionOutcome {
  kind: "success" | "warning";
  title: string;
  /** Each skipped entry with the name it had in the list and its Chinese reason. */
  skipped: { id: number | null; name: string; reason: string }[];
}

export const DECISION_LABELS: Record<Decision, string> = { approve: "通过", reject: "驳回" };

export const NOTHING_SELECTED = "请先勾选要审核的申请";
export const REASON_REQUIRED = "驳回时须填写原因";

/** Why a batch decision cannot be sent yet, or null. */
export function decisionRefusal(selected: number, decision: Decision,
  reason: string | null | undefined): string | null {
  if (selected <= 0) return NOTHING_SELECTED;
  if (decision === "reject" && !(reason ?? "").trim()) return REASON_REQUIRED;
  return null;
}

/** "已通过 2 条。" and the skipped entries named as the list showed them. */
export function outcomeOf(decision: Decision, result: BatchResult, idKey: string,
  names: ReadonlyMap<number, string>): DecisionOutcome {
  const decided = result.decided ?? [];
  const skipped = (result.skipped ?? []).map((entry) => {
    const raw = entry[idKey];
    const id = typeof raw === "number" ? raw : raw == null ? null : Number(raw);
    const name = (id !== null && names.get(id)) || (id !== null ? `编号 ${id}` : "未知条目");
    return { id, name, reason: entry.reason || "未处理" };
  });
  const title = skipped.length
    ? `已${DECISION_LABELS[decision]} ${decided.length} 条，${skipped.length} 条未处理。`
    : `已${DECISION_LABELS[decision]} ${decided.length} 条。`;
  return { kind: skipped.length ? "warning" : "success", title, skipped };
}

/** A server time as 2026/5/1 08:30:00 (empty when missing or unreadable). */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("zh-CN", { hour12: false });
}

export const EMPTY_VALUE = "（空）";

/** One side of a change (a DiffRow's before or after) as text. */
export function diffValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return EMPTY_VALUE;
  if (typeof value === "boolean") return value ? "是" : "否";
  if (Array.isArray(value)) return value.length ? value.map(diffValue).join("、") : EMPTY_VALUE;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const PARENT_SIDES: Record<string, string> = { approved: "已通过", rejected: "已驳回" };

/** 单位信息变更审核's "原上级 / 新上级" cell: each side's decision of a parent change. */
export function parentSides(kind: string | undefined, oldSide: string | null | undefined,
  newSide: string | null | undefined): string {
  if (kind !== "parent") return "—";
  const word = (side: string | null | undefined) => (side && PARENT_SIDES[side]) || "待审核";
  return `${word(oldSide)} / ${word(newSide)}`;
}

export const TRANSFER_STATUS: Record<string, string> = {
  pending: "待确认", accepted: "已接收", rejected: "已拒绝",
};

export function transferStatusLabel(status: string | undefined): string {
  return (status && TRANSFER_STATUS[status]) || status || "";
}

/** A filter of a 审核 list: a text field, or a select whose empty choice means 全部. */
export interface FilterOption {
  value: string;
  label: string;
}

export interface FilterSpec<Q> {
  name: keyof Q & string;
  label: string;
  type?: "text" | "select";
  options?: FilterOption[];
  maxlength?: number;
  placeholder?: string;
}

/** An extra checkbox sent with a batch decision (e.g. confirm_code_warning). */
export interface ExtraSpec {
  name: string;
  label: string;
}
