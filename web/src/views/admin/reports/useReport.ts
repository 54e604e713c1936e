// One report screen's state: its filters, the answer, the page and the server-side sort of a
// paged report, loading and the error, and 导出 Excel with the same filters (the job goes to
// 导出数据暂存区). The page passes the call to its own route (typed by the API schema).
import { ref, shallowRef } from "vue";

import { api, messageOf, ok } from "@/api/client";
import type { components } from "@/api/schema";

import { emptyFilters, filterError, reportQuery, sortOf, type ExportReport,
  type ReportFilterState, type SortState } from "./reporting";

export type ReportQuery = Record<string, string | number>;

export interface ReportOptions<T> {
  report: ExportReport;
  fetch: (query: ReportQuery) => Promise<T>;
  dates?: "day" | "range" | "none";
  planRequired?: boolean;
  paged?: boolean;
  /** Table prop → the API's sort key (paged reports). */
  sorts?: Record<string, string>;
  /** Further query keys of this report (e.g. one learner). */
  extra?: () => Record<string, string | number | null | undefined>;
  initial?: Partial<ReportFilterState>;
}

export function useReport<T>(options: ReportOptions<T>) {
  const dates = options.dates ?? "range";
  const planRequired = options.planRequired ?? true;
  const filters = ref<ReportFilterState>({ ...emptyFilters(), ...options.initial });
  const result = shallowRef<T | null>(null);
  const page = ref(1);
  const pageSize = ref(20);
  const sort = ref<SortState>({});
  const loading = ref(false);
  const exporting = ref(false);
  const exported = ref(false);
  const error = ref<string | null>(null);
  let seq = 0;

  function query(withPage: boolean): ReportQuery {
    const extra = Object.fromEntries(Object.entries(options.extra?.() ?? {})
      .filter(([, v]) => v !== null && v !== undefined && v !== "")) as ReportQuery;
    return reportQuery(filters.value, {
      ...(options.paged ? sort.value : {}),
      ...(options.paged && withPage ? { page: page.value, page_size: pageSize.value } : {}),
      ...extra,
    }, dates);
  }

  async function load(): Promise<void> {
    const problem = filterError(filters.value, planRequired);
    if (problem) {
      error.value = problem;
      return;
    }
    const mine = ++seq;
    error.value = null;
    loading.value = true;
    try {
      const answer = await options.fetch(query(true));
      if (mine === seq) result.value = answer;
    } catch (err) {
      if (mine === seq) {
        result.value = null;
        error.value = messageOf(err);
      }
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** 查询: from the first page. */
  function search(): Promise<void> {
    page.value = 1;
    exported.value = false;
    return load();
  }

  function onSort({ prop, order }: { prop: string | null; order: string | null }): void {
    sort.value = sortOf(prop, order, options.sorts ?? {});
    page.value = 1;
    void load();
  }

  async function exportExcel(): Promise<void> {
    const problem = filterError(filters.value, planRequired);
    if (problem) {
      error.value = problem;
      return;
    }
    exporting.value = true;
    exported.value = false;
    try {
      const body = { report: options.report, ...query(false) } as
        components["schemas"]["ExportBody"];
      await ok(api.POST("/api/v1/admin/reports/exports", { body }));
      exported.value = true;
      error.value = null;
    } catch (err) {
      error.value = messageOf(err);
    } finally {
      exporting.value = false;
    }
  }

  return { filters, result, page, pageSize, sort, loading, exporting, exported, error, load,
    search, onSort, exportExcel, query };
}
