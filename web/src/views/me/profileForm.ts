// 个人资料's editable part (seed figure 8.1): contact and title fields change at once; the
// fields are compared with what is saved so only real changes are sent.
import type { components } from "@/api/schema";

export type Profile = components["schemas"]["Profile"];
export type ProfilePatch = components["schemas"]["ProfilePatch"];

export const EDITABLE = ["mobile", "email", "ethnicity", "title_status", "title_level",
  "professional_title", "title_date", "education", "political_status"] as const;
export type EditableField = (typeof EDITABLE)[number];
/** Fields that may be emptied (sent as null). */
export const NULLABLE: ReadonlySet<EditableField> = new Set<EditableField>(["email",
  "ethnicity", "title_level", "professional_title", "title_date", "education",
  "political_status"]);
export const MOBILE_RE = /^1[3-9]\d{9}$/;
export const HOLDS_TITLE = "已取得";

/** The form's values: every field as text, "" when empty. */
export type ProfileValues = Record<EditableField, string>;

export function valuesOf(profile: Profile): ProfileValues {
  const out = {} as ProfileValues;
  for (const name of EDITABLE) out[name] = profile[name] ?? "";
  return out;
}

/** What differs from the saved profile: emptied optional fields become null; a required
 * field left empty that never had a value is not a change. */
export function profileChanges(values: ProfileValues, current: Profile)
  : Partial<Record<EditableField, string | null>> {
  const changes: Partial<Record<EditableField, string | null>> = {};
  for (const name of EDITABLE) {
    const text = (values[name] ?? "").trim();
    const value = text === "" && NULLABLE.has(name) ? null : text;
    const before = current[name] ?? null;
    if (value === "" && before === null) continue;
    if (value !== before) changes[name] = value;
  }
  return changes;
}

/** The messages to show beside the fields before sending (empty when all is well). */
export function profileProblems(values: ProfileValues,
  changes: Partial<Record<EditableField, string | null>>): Partial<Record<EditableField, string>> {
  const out: Partial<Record<EditableField, string>> = {};
  if ("mobile" in changes && !MOBILE_RE.test(changes.mobile ?? "")) {
    out.mobile = "手机号须为11位中国大陆手机号码";
  }
  if ("title_status" in changes && !changes.title_status) {
    out.title_status = "请选择是否已取得职称";
  }
  if (values.title_status === HOLDS_TITLE) {
    if (!values.title_level.trim()) out.title_level = "已取得职称时须填写职称级别";
    if (!values.professional_title.trim()) {
      out.professional_title = "已取得职称时须填写专业技术职称";
    }
  }
  return out;
}

/** Today as YYYY-MM-DD in local time (the latest 取得职称时间). */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
