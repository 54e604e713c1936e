// 证书管理's pure parts.
import type { components } from "@/api/schema";

export type Certificate = components["schemas"]["CertificateView"];

export const CERTIFICATE_STATUS_TAGS: Record<string, "success" | "danger" | "info"> = {
  issued: "success", revoked: "danger", pending: "info" };

/** The public verification page of a certificate (the QR code on it points there). */
export function verifyPath(code: string | undefined): string {
  return `/verify/${encodeURIComponent(code ?? "")}`;
}

/** A code as typed: trimmed and upper case ("abcd-efgh" → "ABCD-EFGH"). */
export function codeQuery(text: string): string {
  return text.trim().toUpperCase();
}

/** The reason a revocation needs: 2–200 characters. */
export function revokeProblem(reason: string): string | null {
  const text = reason.trim();
  if (text.length < 2) return "请填写撤销原因（2–200个字）";
  if (text.length > 200) return "撤销原因不能超过200个字";
  return null;
}
