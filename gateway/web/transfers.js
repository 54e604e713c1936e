// 人员调动: transfers into the admin's units wait for their confirmation (接收 / 拒绝 with a
// reason); 调入记录 and 调出记录 list what happened.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, field, h, readField, say } from "./dom.js";

const STATUS = { pending: "待确认", accepted: "已接收", rejected: "已拒绝" };
const when = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "");

export async function transfersView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const filters = h("form", { class: "form form-inline" },
    field({ name: "direction", label: "记录", type: "select", value: "in", options: [
      { value: "in", label: "调入" }, { value: "out", label: "调出" }] }),
    field({ name: "status", label: "状态", type: "select", value: "pending", emptyLabel: "全部",
      options: Object.entries(STATUS).map(([value, label]) => ({ value, label })) }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-secondary" },
      "查询")));
  const list = h("div", { class: "results" });
  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, "专技人员管理"), h("h1", { tabindex: "-1" }, "人员调动"),
    messages, filters, list));

  async function load() {
    clear(list);
    const query = { direction: readField(filters, "direction") || "in" };
    const status = readField(filters, "status");
    if (status) query.status = status;
    let page;
    try {
      page = await endpoints.transfers(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!page.items.length) {
      list.append(h("p", {}, "没有调动记录。"));
      return;
    }
    const rows = page.items.map((t) => {
      const actions = h("td");
      if (query.direction === "in" && t.status === "pending") {
        const accept = h("button", { type: "button", class: "btn btn-small" }, "接收");
        const reject = h("button", { type: "button", class: "btn btn-small" }, "拒绝");
        accept.addEventListener("click", () => decide(t, "accept", accept));
        reject.addEventListener("click", () => decide(t, "reject", reject));
        actions.append(accept, " ", reject);
      }
      return h("tr", {}, h("td", {}, t.real_name), h("td", {}, t.from_org_name),
        h("td", {}, t.to_org_name), h("td", {}, t.note || ""),
        h("td", {}, STATUS[t.status] || t.status), h("td", {}, t.reason || ""),
        h("td", {}, when(t.requested_at)), actions);
    });
    list.append(h("table", { class: "table" }, h("thead", {}, h("tr", {}, ...["姓名", "调出单位",
      "调入单位", "备注", "状态", "拒绝原因", "申请时间", "操作"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...rows)));
  }

  async function decide(transfer, decision, button) {
    let reason = null;
    if (decision === "reject") {
      // eslint-disable-next-line no-alert
      reason = window.prompt("请填写拒绝调入的原因：");
      if (!reason) return;
    }
    try {
      await busy(button, "正在提交…", () => endpoints.decideTransfer(transfer.transfer_id,
        { decision, reason }));
      say(messages, "success", decision === "accept"
        ? `已接收“${transfer.real_name}”调入本单位。` : `已拒绝“${transfer.real_name}”的调入。`);
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
  await load();
  return null;
}
