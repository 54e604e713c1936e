// One page shape for every 审核 list (registrations of people and units, info changes):
// filters, a table with a checkbox per row, and 批量通过 / 批量驳回 with a reason. Each
// page gives its columns, how to load a page of items and how to send a decision.
import { ApiError } from "./api.js";
import { busy, clear, field, h, pagerControls, readField, say } from "./dom.js";

const PAGE_SIZE = 20;

/**
 * reviewPage(main, ctx, {
 *   eyebrow, title, empty, filters: [field specs], columns: [{label, cell(item)}],
 *   idOf(item), nameOf(item), load(query) → {total, items}, decide(ids, decision, reason,
 *   extras) → {decided, skipped: [{reason, ...}]}, extras: [{name, label}] checkboxes,
 * })
 */
export async function reviewPage(main, ctx, spec) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const filters = h("form", { class: "form form-inline", role: "search" },
    ...(spec.filters || []).map((f) => field(f)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-secondary" },
      "查询")));
  const list = h("div", { class: "results" });
  const pager = h("div", { class: "actions pager" });
  const reason = field({ name: "reason", label: "驳回原因", maxlength: 200,
    hint: "驳回时必填，申请人可以看到" });
  const extras = (spec.extras || []).map((x) => h("label", { class: "checkbox" },
    h("input", { type: "checkbox", name: x.name }), ` ${x.label}`));
  const approve = h("button", { type: "button", class: "btn btn-primary" }, "批量通过");
  const reject = h("button", { type: "button", class: "btn btn-secondary" }, "批量驳回");
  const decide = h("div", { class: "form" }, reason, ...extras,
    h("div", { class: "actions" }, approve, reject));
  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, spec.eyebrow || "审核"), h("h1", { tabindex: "-1" }, spec.title),
    messages, filters, list, pager, decide));
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);
  let page = 1;

  async function load() {
    const query = { page, page_size: PAGE_SIZE };
    for (const f of spec.filters || []) {
      const value = readField(filters, f.name);
      if (value) query[f.name] = value;
    }
    clear(list);
    clear(pager);
    let result;
    try {
      result = await spec.load(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      decide.hidden = true;
      return;
    }
    decide.hidden = !result.items.length;
    if (!result.items.length) {
      list.append(h("p", {}, spec.empty || "没有待审核的申请。"));
      return;
    }
    const body = h("tbody");
    for (const item of result.items) {
      body.append(h("tr", {},
        h("td", {}, h("input", { type: "checkbox", name: "pick", value: String(spec.idOf(item)),
          "aria-label": `选择 ${spec.nameOf(item)}` })),
        ...spec.columns.map((c) => h("td", {}, c.cell(item)))));
    }
    list.append(h("p", {}, `共 ${result.total} 条`), h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, h("span", { class: "sr-only" }, "选择")),
        ...spec.columns.map((c) => h("th", { scope: "col" }, c.label)))), body));
    pagerControls(pager, page, Math.ceil(result.total / PAGE_SIZE), (n) => {
      page = n;
      load();
    });
  }

  async function submit(decision, button) {
    say(messages);
    const ids = [...list.querySelectorAll("input[name=pick]:checked")].map((i) => Number(i.value));
    if (!ids.length) {
      say(messages, "error", "请先勾选要审核的申请");
      return;
    }
    const why = readField(decide, "reason");
    if (decision === "reject" && !why) {
      say(messages, "error", "驳回时须填写原因");
      return;
    }
    const flags = Object.fromEntries(extras.map((x) => {
      const input = x.querySelector("input");
      return [input.name, input.checked];
    }));
    try {
      const result = await busy(button, "正在提交…",
        () => spec.decide(ids, decision, why || null, flags));
      const skipped = result.skipped.map((s) => s.reason);
      say(messages, skipped.length ? "warn" : "success",
        `已${decision === "approve" ? "通过" : "驳回"} ${result.decided.length} 条。`,
        skipped.length ? h("span", { class: "alert-note" }, `未处理：${skipped.join("；")}`) : null);
      await load();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    messages.focus();
  }

  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  approve.addEventListener("click", () => submit("approve", approve));
  reject.addEventListener("click", () => submit("reject", reject));
  await load();
  return null;
}

/** "字段：原值 → 新值" lines of a change's diff. */
export function diffCell(diff) {
  return h("ul", { class: "diff" }, ...(diff || []).map((d) => h("li", {},
    `${d.label}：`, h("del", {}, d.before ?? "（空）"), " → ", h("ins", {}, d.after ?? "（空）"))));
}
