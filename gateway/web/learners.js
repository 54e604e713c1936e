// 学员管理 (Tianjin admin §2.1, Henan 专业技术人员信息查询): the learners of the admin's
// jurisdiction — search, page, export to Excel, reset a password, send one to another
// unit (调出) — and 批量导入 from the template with its failure report.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, field, h, pagerControls, readField, say } from "./dom.js";
import { orgPicker } from "./orgpicker.js";

const PAGE_SIZE = 20;
const when = (iso) => (iso ? new Date(iso).toLocaleDateString("zh-CN") : "");

export async function learnersView(main, ctx) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const filters = h("form", { class: "form form-inline", role: "search" },
    field({ name: "real_name", label: "姓名", type: "search", maxlength: 30,
      hint: "全名或姓氏" }),
    field({ name: "username", label: "用户名", type: "search", maxlength: 32 }),
    field({ name: "id_number", label: "证件号码", type: "search", maxlength: 32 }),
    field({ name: "mobile", label: "手机号", type: "search", maxlength: 11 }),
    field({ name: "title_level", label: "职称级别", type: "select", emptyLabel: "全部",
      options: ["正高级", "副高级", "中级", "初级", "员级", "无"] }),
    field({ name: "registered_from", label: "注册日期自", type: "date" }),
    field({ name: "registered_to", label: "至", type: "date" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, "查询"),
      h("button", { type: "button", class: "btn btn-secondary", onclick: () => exportNow() },
        "导出Excel")));
  const list = h("div", { class: "results" });
  const pager = h("div", { class: "actions pager" });
  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, "专技人员管理"), h("h1", { tabindex: "-1" }, "学员管理"),
    messages, filters, list, pager), importCard(ctx));
  let page = 1;

  function query() {
    const q = {};
    for (const name of ["real_name", "username", "id_number", "mobile", "title_level",
      "registered_from", "registered_to"]) {
      const value = readField(filters, name);
      if (value) q[name] = value;
    }
    return q;
  }

  async function load() {
    clear(list);
    clear(pager);
    let result;
    try {
      result = await endpoints.learners({ ...query(), page, page_size: PAGE_SIZE });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!result.items.length) {
      list.append(h("p", {}, "没有符合条件的学员。"));
      return;
    }
    const rows = result.items.map((l) => h("tr", {},
      h("td", {}, l.real_name), h("td", {}, l.username), h("td", {}, l.id_number_masked),
      h("td", {}, l.mobile_masked), h("td", {}, l.org_name), h("td", {}, l.title_level || ""),
      h("td", {}, when(l.registered_at)),
      h("td", {}, h("button", { type: "button", class: "btn btn-small",
        onclick: (e) => reset(l, e.target) }, "重置密码"), " ",
      h("button", { type: "button", class: "btn btn-small", onclick: () => transfer(l) },
        "调出"))));
    list.append(
      h("p", {}, result.total_exact ? `共 ${result.total} 人`
        : `超过 ${result.total} 人，请增加查询条件缩小范围`),
      h("table", { class: "table" }, h("thead", {}, h("tr", {}, ...["姓名", "用户名", "证件号码",
        "手机号", "所属单位", "职称级别", "注册日期", "操作"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...rows)));
    pagerControls(pager, page, Math.ceil(result.total / PAGE_SIZE), (n) => {
      page = n;
      load();
    }, { more: !result.total_exact });
  }

  async function exportNow() {
    say(messages);
    try {
      const link = await endpoints.exportLearners(query());
      say(messages, "success", `已生成 ${link.rows} 人的导出文件：`,
        h("a", { href: link.download_url }, link.filename || "下载"), "（10分钟内有效）");
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    messages.focus();
  }

  async function reset(learner, button) {
    // eslint-disable-next-line no-alert
    if (!window.confirm(`确定将“${learner.real_name}”的密码重置为证件号码后六位吗？`)) return;
    try {
      await busy(button, "正在重置…", () => endpoints.resetLearnerPassword(learner.user_id));
      say(messages, "success", `已重置“${learner.real_name}”的密码，其下次登录须先修改密码。`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    messages.focus();
  }

  function transfer(learner) {
    const picker = orgPicker({ name: "to_org_id", label: "调入单位", required: true });
    const note = field({ name: "note", label: "备注", maxlength: 200 });
    const send = h("button", { type: "button", class: "btn btn-primary" }, "确认调出");
    const box = h("div", { class: "dialog", role: "dialog", "aria-label": "人员调出" },
      h("h2", {}, `调出：${learner.real_name}`), picker, note,
      h("div", { class: "actions" }, send, h("button", { type: "button",
        class: "btn btn-secondary", onclick: () => box.remove() }, "取消")));
    send.addEventListener("click", async () => {
      if (!picker.value) {
        say(messages, "error", "请选择调入单位");
        return;
      }
      try {
        await busy(send, "正在提交…", () => endpoints.transferOut({ user_id: learner.user_id,
          to_org_id: picker.value.id, note: readField(box, "note") || null }));
        say(messages, "success", `已向“${picker.value.name}”发出调出申请，待其确认调入。`);
        box.remove();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        say(messages, "error", err.detail);
      }
      messages.focus();
    });
    list.prepend(box);
    box.querySelector("button").focus();
  }

  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  await load();
  return null;
}

function importCard() {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const org = orgPicker({ name: "org_id", label: "导入到的单位", required: true });
  const file = field({ name: "file", label: "按模板填写的 Excel 文件", type: "file", required: true,
    accept: ".xlsx", hint: "不超过20MB、50,000行；初始密码为证件号码后六位，首次登录须修改" });
  const start = h("button", { type: "button", class: "btn btn-primary" }, "开始导入");
  const template = h("button", { type: "button", class: "btn btn-secondary" }, "下载导入模板");
  const card = h("section", { class: "card card-wide" },
    h("h2", {}, "批量导入"), messages, org, file, h("div", { class: "actions" }, start, template));
  template.addEventListener("click", async () => {
    try {
      const link = await endpoints.importTemplate();
      window.location.href = link.download_url;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
  });
  start.addEventListener("click", async () => {
    say(messages);
    const chosen = card.querySelector('input[name="file"]').files[0];
    if (!org.value || !chosen) {
      say(messages, "error", "请选择导入到的单位和 Excel 文件");
      return;
    }
    try {
      const job = await busy(start, "正在上传…", () => endpoints.startImport(org.value.id, chosen));
      say(messages, "info", "已开始导入，请稍候…");
      let status;
      do {
        // eslint-disable-next-line no-await-in-loop
        await new Promise((r) => { setTimeout(r, 1000); });
        // eslint-disable-next-line no-await-in-loop
        status = await endpoints.importStatus(job.import_id);
        const { done, total } = status.progress || {};
        if (status.status === "running" && total) {
          say(messages, "info", `正在导入：已处理 ${done} / ${total} 行…`);
        }
      } while (status.status === "queued" || status.status === "running");
      if (status.status === "failed") {
        say(messages, "error", `导入失败：${status.error}`);
      } else {
        say(messages, status.failed ? "warn" : "success",
          `共 ${status.total_rows} 行：导入 ${status.imported} 人，失败 ${status.failed} 行。`,
          status.failure_report ? h("a", { href: status.failure_report.download_url },
            "下载失败信息") : null);
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.status === 413 ? "文件超过20MB" : err.detail);
    }
    messages.focus();
  });
  return card;
}
