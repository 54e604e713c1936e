// 学员管理's pure parts: the filters as the API takes them, the count line (the API caps
// the count: total_exact false means "more than total"), the table's sorting and dates.
import type { components, paths } from "@/api/schema";

export type Learner = components["schemas"]["Learner"];
export type LearnerQuery = NonNullable<
  paths["/api/v1/admin/learners"]["get"]["parameters"]["query"]>;
export type LearnerSort = NonNullable<LearnerQuery["sort"]>;
export type SortOrder = NonNullable<LearnerQuery["order"]>;

export const TITLE_LEVELS = ["正高级", "副高级", "中级", "初级", "员级", "无"] as const;

/** The filter form (empty strings and null mean "any"). */
export interface LearnerFilters {
  real_name: string;
  username: string;
  id_number: string;
  mobile: string;
  title_level: string;
  registered_from: string;
  registered_to: string;
  org_id: number | null;
  sort: LearnerSort;
  order: SortOrder;
}

export const EMPTY_FILTERS: LearnerFilters = {
  real_name: "", username: "", id_number: "", mobile: "", title_level: "",
  registered_from: "", registered_to: "", org_id: null, sort: "registered_at", order: "desc",
};

/** The filters as query parameters: trimmed, the empty ones left out. */
export function queryOf(filters: Partial<LearnerFilters> & { page?: number; page_size?: number }):
  LearnerQuery {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === null || value === undefined) continue;
    const v = typeof value === "string" ? value.trim() : value;
    if (v === "") continue;
    out[key] = v;
  }
  return out as LearnerQuery;
}

/** "共 21 人", or when the API stopped counting, "超过 10000 人，…". */
export function countText(total: number, exact: boolean): string {
  return exact ? `共 ${total} 人` : `超过 ${total} 人，请增加查询条件缩小范围`;
}

/** el-pagination's layout: its own "共 N 条" only when the count is exact. */
export function pagerLayout(exact: boolean): string {
  return exact ? "total, sizes, prev, pager, next" : "slot, sizes, prev, pager, next";
}

const SORTABLE: Record<string, LearnerSort> = {
  real_name: "real_name", username: "username", org_name: "org", registered_at: "registered_at",
};

/** el-table's sort-change ({prop, order: ascending|descending|null}) as the API's sort. */
export function sortOf(prop: string | null | undefined, order: string | null | undefined):
  { sort: LearnerSort; order: SortOrder } {
  const sort = prop ? SORTABLE[prop] : undefined;
  if (!sort || !order) return { sort: EMPTY_FILTERS.sort, order: EMPTY_FILTERS.order };
  return { sort, order: order === "ascending" ? "asc" : "desc" };
}

/** An ISO time as the local date "2026-03-05" ("" when missing or unreadable). */
export function dateOf(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
