// 审核用人单位 / 审核继续教育基地 (Henan guide): pending unit registrations of the admin's
// jurisdiction, searched by name (and level), approved or rejected in batches with a
// reason; a USCC whose check digit failed is approved only after looking at its scan.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, field, h, readField, say } from "./dom.js";

const TYPES = [
  { value: "", label: "全部" },
  { value: "employer", label: "用人单位" },
  { value: "training_institution", label: "继续教育基地" },
  { value: "supervising_dept", label: "主管部门" },
];

export async function orgReviewsView(main, ctx) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const filters = h("form", { class: "form form-inline", role: "search" },
    field({ name: "type", label: "单位类型", type: "select", options: TYPES.slice(1),
      emptyLabel: "全部" }),
    field({ name: "q", label: "单位名称", type: "search", maxlength: 100 }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-secondary" },
      "查询")));
  const list = h("div", { class: "results" });
  const reason = field({ name: "reason", label: "驳回原因", maxlength: 200,
    hint: "驳回时必填，申请人在进度查询中可以看到" });
  const confirm = h("label", { class: "checkbox" },
    h("input", { type: "checkbox", name: "confirm_code_warning" }),
    " 已核对扫描件，确认通过统一社会信用代码校验位不符的单位");
  const approve = h("button", { type: "button", class: "btn btn-primary" }, "批量通过");
  const reject = h("button", { type: "button", class: "btn btn-secondary" }, "批量驳回");
  const decide = h("div", { class: "form" }, reason, confirm,
    h("div", { class: "actions" }, approve, reject));
  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, "审核账户"), h("h1", { tabindex: "-1" }, "审核单位注册"),
    messages, filters, list, decide));
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);

  async function load() {
    const query = { status: "pending" };
    for (const name of ["type", "q"]) {
      const value = readField(filters, name);
      if (value) query[name] = value;
    }
    clear(list);
    let page;
    try {
      page = await endpoints.orgRegistrations(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!page.items.length) {
      list.append(h("p", {}, "没有待审核的单位注册。"));
      decide.hidden = true;
      return;
    }
    decide.hidden = false;
    const body = h("tbody");
    for (const item of page.items) {
      body.append(h("tr", {},
        h("td", {}, h("input", { type: "checkbox", name: "org", value: String(item.org_id),
          "aria-label": `选择 ${item.name}` })),
        h("td", {}, item.name, item.code_warning
          ? h("span", { class: "badge badge-warn" }, "代码校验未通过") : null),
        h("td", {}, item.type_label), h("td", {}, item.uscc || item.org_code || ""),
        h("td", {}, item.parent_name || ""),
        h("td", {}, `${item.contact_name || ""} ${item.contact_phone || ""}`),
        h("td", {}, item.institution_level || ""),
        h("td", {}, item.certificate_url
          ? h("a", { href: item.certificate_url, target: "_blank", rel: "noopener" }, "查看扫描件")
          : "")));
    }
    list.append(h("p", {}, `共 ${page.total} 个待审核单位`), h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ...["", "单位名称", "类型", "代码", "上级单位", "联系人",
        "级别", "扫描件"].map((t) => h("th", { scope: "col" }, t)))), body));
  }

  async function submit(decision, button) {
    say(messages);
    const ids = [...list.querySelectorAll("input[name=org]:checked")].map((i) => Number(i.value));
    if (!ids.length) {
      say(messages, "error", "请先勾选要审核的单位");
      return;
    }
    const why = readField(decide, "reason");
    if (decision === "reject" && !why) {
      say(messages, "error", "驳回时须填写原因");
      return;
    }
    try {
      const result = await busy(button, "正在提交…", () => endpoints.decideOrgRegistrations({
        org_ids: ids, decision, reason: why || null,
        confirm_code_warning: confirm.querySelector("input").checked }));
      const skipped = result.skipped.map((s) => `单位${s.org_id}：${s.reason}`);
      say(messages, skipped.length ? "warn" : "success",
        `已${decision === "approve" ? "通过" : "驳回"} ${result.decided.length} 个单位。`,
        skipped.length ? h("span", { class: "alert-note" }, skipped.join("；")) : null);
      await load();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    messages.focus();
  }

  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  approve.addEventListener("click", () => submit("approve", approve));
  reject.addEventListener("click", () => submit("reject", reject));
  await load();
  return null;
}
