// 证书验证's pure parts: the code as typed (or read off the paper) made canonical, the
// fields the page lists, and the SHA-256 of a chosen PDF compared with the issued one.
import type { components } from "@/api/schema";

export type CertificateView = components["schemas"]["CertificateView"];

const CODE_MAX = 40;

/** A code as the platform writes it: upper case, no spaces; 16 characters in groups of 4. */
export function normalizeCode(input: string): string {
  const raw = input.replace(/[\s\u3000]+/g, "").toUpperCase().replace(/[—–_]/g, "-");
  const bare = raw.replace(/-/g, "");
  if (/^[0-9A-Z]{16}$/.test(bare)) return bare.match(/.{4}/g)!.join("-");
  return raw;
}

/** Why a typed code cannot be looked up, or null. */
export function codeProblem(input: string): string | null {
  const code = normalizeCode(input);
  if (!code) return "请输入证书编号";
  if (code.length > CODE_MAX || !/^[0-9A-Z-]+$/.test(code)) {
    return "证书编号由字母、数字和短横线组成，请核对后重新输入";
  }
  return null;
}

export interface Fact {
  label: string;
  value: string;
}

const dash = (v: string | null | undefined) => (v && String(v).trim()) || "—";
const hours = (v: string | null | undefined) => (v ? `${v} 学时` : "—");

/** Every field of the certificate, in the order of the paper. */
export function certificateFacts(c: CertificateView): Fact[] {
  return [
    { label: "证书编号", value: dash(c.code) },
    { label: "姓名", value: dash(c.learner_name) },
    { label: "证件号码", value: dash(c.id_number_masked) },
    { label: "培训计划", value: dash(c.plan_name) },
    { label: "年度", value: c.plan_year ? `${c.plan_year} 年` : "—" },
    { label: "总学时", value: hours(c.hours_total) },
    { label: "必修学时", value: hours(c.required_hours) },
    { label: "选修学时", value: hours(c.elective_hours) },
    { label: "完成日期", value: dash(c.completed_on) },
    { label: "发证日期", value: dash(c.issued_on) },
    { label: "发证机构", value: dash(c.issuer) },
  ];
}

export function isRevoked(c: CertificateView): boolean {
  return c.status === "revoked";
}

/** Bytes' SHA-256 in lower-case hex (Web Crypto: a secure context, https or localhost). */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether a computed hash is the issued one (case and spaces aside). */
export function sameHash(a: string | null | undefined, b: string | null | undefined): boolean {
  const clean = (v: string | null | undefined) => (v ?? "").replace(/\s+/g, "").toLowerCase();
  return !!clean(a) && clean(a) === clean(b);
}
