// 申请发票, 我的发票 and the operator's 发票管理: the title as typed (发票类型, 抬头类型, 抬头,
// 纳税人识别号, 邮箱, 地址电话, 开户行及账号), the body the API takes with only the fields
// the kind of invoice uses, the blanks worth catching before sending (the rest — a tax
// number that is no 统一社会信用代码, an order already invoiced — is the service's and
// comes back beside its field), the requests' states, and the orders an invoice may cover.
import type { components } from "@/api/schema";

export type Invoice = components["schemas"]["Invoice"];
export type InvoiceBody = components["schemas"]["InvoiceBody"];
export type InvoiceKind = InvoiceBody["kind"];
export type TitleType = InvoiceBody["title_type"];
export type InvoiceStatus = "requested" | "issued" | "rejected";

export const INVOICE_KINDS: { value: InvoiceKind; label: string }[] = [
  { value: "ordinary", label: "普通发票" },
  { value: "special", label: "增值税专用发票" },
];

export const TITLE_TYPES: { value: TitleType; label: string }[] = [
  { value: "personal", label: "个人" },
  { value: "company", label: "单位" },
];

export const INVOICE_STATUSES: { value: InvoiceStatus; label: string }[] = [
  { value: "requested", label: "待开具" },
  { value: "issued", label: "已开具" },
  { value: "rejected", label: "已驳回" },
];

/** The title's fields, as the form holds them. */
export interface InvoiceTitle {
  kind: InvoiceKind;
  title_type: TitleType;
  title: string;
  tax_no: string;
  email: string;
  address_phone: string;
  bank_account: string;
}

/** The fields shown beside a message (the API's names). */
export const INVOICE_FIELDS = ["kind", "title_type", "title", "tax_no", "email",
  "address_phone", "bank_account", "order_nos"] as const;
export type InvoiceField = (typeof INVOICE_FIELDS)[number];

export function emptyTitle(companyOnly = false): InvoiceTitle {
  return { kind: "ordinary", title_type: companyOnly ? "company" : "personal", title: "",
    tax_no: "", email: "", address_phone: "", bank_account: "" };
}

/** Which fields the title's kind asks for: 纳税人识别号 for a company, 邮箱 for a 普通发票
 * (the electronic invoice is sent there), 地址电话 and 开户行及账号 for a 专用发票 (which
 * only a company may have). */
export function titleShows(t: Pick<InvoiceTitle, "kind" | "title_type">) {
  const company = t.kind === "special" || t.title_type === "company";
  return { taxNo: company, email: t.kind === "ordinary", special: t.kind === "special" };
}

/** The title with what its kind implies: a 专用发票 is a company's. */
export function normalTitle(t: InvoiceTitle): InvoiceTitle {
  return t.kind === "special" && t.title_type !== "company" ? { ...t, title_type: "company" } : t;
}

/** A tax number as typed: no spaces, upper case. */
export function taxNoOf(text: string): string {
  return text.replace(/\s+/g, "").toUpperCase();
}

export interface InvoiceDraft {
  body: InvoiceBody | null;
  problems: Partial<Record<InvoiceField, string>>;
}

/** The body to send for `orderNos`, or the blanks to show beside their fields first. */
export function invoiceBody(values: InvoiceTitle, orderNos: readonly string[]): InvoiceDraft {
  const t = normalTitle(values);
  const shows = titleShows(t);
  const problems: Partial<Record<InvoiceField, string>> = {};
  const title = t.title.trim();
  const taxNo = taxNoOf(t.tax_no);
  const email = t.email.trim();
  const addressPhone = t.address_phone.trim();
  const bankAccount = t.bank_account.trim();
  if (!title) {
    problems.title = t.title_type === "company" ? "请填写单位全称" : "请填写个人姓名";
  } else if (title.length > 100) {
    problems.title = "抬头不能超过100个字";
  }
  if (shows.taxNo && !taxNo) problems.tax_no = "请填写纳税人识别号（统一社会信用代码）";
  if (shows.email && !email) problems.email = "请填写接收电子发票的邮箱";
  else if (shows.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    problems.email = "邮箱格式不正确";
  }
  if (shows.special && !addressPhone) problems.address_phone = "请填写单位地址、电话";
  if (shows.special && !bankAccount) problems.bank_account = "请填写开户行及账号";
  if (!orderNos.length) problems.order_nos = "请选择要开票的订单";
  if (Object.keys(problems).length) return { body: null, problems };
  return { problems, body: {
    kind: t.kind, title_type: t.title_type, title,
    tax_no: shows.taxNo ? taxNo : null,
    email: shows.email ? email : null,
    address_phone: shows.special ? addressPhone : null,
    bank_account: shows.special ? bankAccount : null,
    order_nos: [...orderNos],
  } };
}

/** Order numbers typed one per line (or separated by commas, spaces): trimmed, each once,
 * in the order typed. */
export function orderNosOf(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,，、;；]+/)) {
    const no = part.trim();
    if (no) seen.add(no);
  }
  return [...seen];
}

/** The tag of a request's state. */
export function invoiceTag(status: string | null | undefined, label?: string | null): {
  label: string; type: "warning" | "success" | "danger" | "info" } {
  const known = INVOICE_STATUSES.find((s) => s.value === status);
  const text = label || known?.label || status || "";
  switch (status) {
    case "requested": return { label: text, type: "warning" };
    case "issued": return { label: text, type: "success" };
    case "rejected": return { label: text, type: "danger" };
    default: return { label: text, type: "info" };
  }
}

/** The orders on a live request (待开具 or 已开具), each with that request's state: they
 * cannot be asked for again (a rejected request frees its orders). */
export function invoicedOrders(invoices: readonly Pick<Invoice, "status" | "order_nos">[]):
  Map<string, InvoiceStatus> {
  const out = new Map<string, InvoiceStatus>();
  for (const inv of invoices) {
    if (inv.status !== "requested" && inv.status !== "issued") continue;
    for (const no of inv.order_nos ?? []) out.set(no, inv.status);
  }
  return out;
}

/** An order an invoice may cover: paid, not wholly refunded. */
export function invoiceable(order: { status?: string }): boolean {
  return order.status === "paid" || order.status === "partially_refunded";
}

/** What an invoice for these orders comes to: paid and not refunded, in fen. */
export function invoiceFen(orders: readonly { total_fen?: number; refunded_fen?: number }[]):
  number {
  return orders.reduce((sum, o) => sum + (o.total_fen ?? 0) - (o.refunded_fen ?? 0), 0);
}

/** The title as one line: "天津市第一中心医院（91110000600037341L）". */
export function titleText(inv: Pick<Invoice, "title" | "tax_no">): string {
  return inv.tax_no ? `${inv.title ?? ""}（${inv.tax_no}）` : inv.title ?? "";
}
