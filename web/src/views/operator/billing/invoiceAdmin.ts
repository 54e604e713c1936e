// 发票管理's pure parts: what 开具 needs before sending (the invoice number, a PDF of at
// most 5 MB — billing opens it again), a rejection's reason, and the upload's address.

export const MAX_PDF_BYTES = 5 * 1024 * 1024;

/** Why the invoice number cannot be sent (null: it can). */
export function invoiceNoProblem(text: string): string | null {
  const no = text.trim();
  if (!no) return "请填写发票号码";
  if (no.length > 40) return "发票号码不能超过40个字符";
  return null;
}

/** Why the chosen file is no electronic invoice to upload (null: it may be). */
export function pdfProblem(file: Pick<File, "name" | "size" | "type"> | null): string | null {
  if (!file) return "请选择电子发票（PDF文件）";
  const pdf = file.type === "application/pdf" || /\.pdf$/i.test(file.name);
  if (!pdf) return "电子发票须为PDF文件";
  if (file.size <= 0) return "所选文件是空的";
  if (file.size > MAX_PDF_BYTES) return "电子发票不能超过5MB";
  return null;
}

/** Why a rejection cannot be sent (null: it can): a reason of 1–200 characters. */
export function rejectProblem(reason: string): string | null {
  const text = reason.trim();
  if (!text) return "请填写驳回原因";
  if (text.length > 200) return "驳回原因不能超过200个字";
  return null;
}

/** Where 开具 is posted (multipart: invoice_no, file). */
export function issueUrl(requestNo: string): string {
  return `/api/v1/admin/invoices/${encodeURIComponent(requestNo)}/issue`;
}

/** The multipart form of 开具. */
export function issueForm(invoiceNo: string, file: Blob & { name?: string }): FormData {
  const form = new FormData();
  form.append("invoice_no", invoiceNo.trim());
  form.append("file", file, file.name || "invoice.pdf");
  return form;
}
