// A list answered by the gateway as {items, total, page, page_size}: the query, the page,
// sorting where the API takes it, loading and the error, with el-pagination's v-models.
import { reactive, ref, type Ref } from "vue";

import { messageOf } from "@/api/errors";

export interface Page<T> {
  items?: T[];
  total?: number;
  page?: number;
  page_size?: number;
  total_is_exact?: boolean;
}

export interface PageParams {
  page: number;
  page_size: number;
}

export function usePagedList<T, Q extends object>(
  fetchPage: (query: Q & PageParams) => Promise<Page<T>>,
  initialQuery: Q,
  options: { pageSize?: number } = {},
) {
  const query = reactive({ ...initialQuery }) as Q;
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const loaded = ref(false);
  let seq = 0;

  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const params = { ...(query as object), page: page.value, page_size: pageSize.value } as
        Q & PageParams;
      // Empty filters are left out (the API reads them as "any").
      for (const [key, value] of Object.entries(params)) {
        if (value === "" || value === null || value === undefined) {
          delete (params as Record<string, unknown>)[key];
        }
      }
      const answer = await fetchPage(params);
      if (mine !== seq) return;
      items.value = answer.items ?? [];
      total.value = answer.total ?? 0;
      loaded.value = true;
    } catch (err) {
      if (mine !== seq) return;
      error.value = messageOf(err);
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** A new search: back to the first page. */
  function search(): Promise<void> {
    page.value = 1;
    return load();
  }

  function reset(): Promise<void> {
    Object.assign(query, initialQuery);
    return search();
  }

  return { query, items, total, page, pageSize, loading, error, loaded, load, search, reset };
}
