// 姓名、证件信息修改 (seed figure 8.1): only the fields that differ are sent for the unit's
// review; a new document number only when one is typed.
import type { components } from "@/api/schema";

import type { Profile } from "./profileForm";

export type InfoChangeBody = components["schemas"]["InfoChangeBody"];
export type InfoChange = components["schemas"]["InfoChange"];
export type DiffRow = components["schemas"]["DiffRow"];

export const INFO_CHANGE_STATUS: Record<string, string> = { pending: "审核中",
  approved: "已通过", rejected: "已驳回", withdrawn: "已撤销" };
export const CITIZEN_ID_RE = /^\d{17}[\dXx]$/;

export interface InfoChangeValues {
  real_name: string;
  id_type: string;
  id_number: string;
  birth_date: string;
  gender: string;
}

export function infoValuesOf(profile: Profile): InfoChangeValues {
  return { real_name: profile.real_name ?? "", id_type: profile.id_type ?? "", id_number: "",
    birth_date: profile.birth_date ?? "", gender: profile.gender ?? "" };
}

/** The fields that differ from the profile (empty ones are not changes). */
export function infoChanges(values: InfoChangeValues, profile: Profile): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const name of ["real_name", "id_type", "birth_date", "gender"] as const) {
    const value = (values[name] ?? "").trim();
    if (value && value !== (profile[name] ?? "")) changes[name] = value;
  }
  const number = values.id_number.trim();
  if (number) changes.id_number = number;
  return changes;
}

/** The document number's message, when a citizen ID is plainly malformed. */
export function idNumberProblem(changes: Record<string, string>, profile: Profile): string {
  const type = changes.id_type ?? profile.id_type;
  const number = changes.id_number;
  if (type === "id_card" && number && !CITIZEN_ID_RE.test(number)) return "身份证号码须为18位";
  return "";
}

function shown(value: unknown): string {
  return value === null || value === undefined || value === "" ? "（空）" : String(value);
}

/** "姓名：赵明 → 赵明远；…" */
export function diffText(diff: DiffRow[] | undefined): string {
  return (diff ?? []).map((d) => `${d.label ?? d.field ?? ""}：${shown(d.before)} → ${shown(d.after)}`)
    .join("；");
}
