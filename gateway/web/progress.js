// 注册审核进度查询 / 撤回申请 (Henan FAQ): by name and ID number, for a person's own
// registration and for the units they applied for; a pending one can be withdrawn with
// the password given at registration, and then made again.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, clearErrors, field, focusFirstError, h, readField, say,
  showErrors } from "./dom.js";

const STATUS = { pending: "待审核", approved: "审核通过", rejected: "审核未通过",
  withdrawn: "已撤回" };

export function progressView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const form = h("form", { class: "form form-narrow", novalidate: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "查询");
  form.append(
    field({ name: "real_name", label: "姓名", required: true, maxlength: 30 }),
    field({ name: "id_number", label: "证件号码", required: true, maxlength: 32,
      autocomplete: "off", hint: "注册时填写的姓名和证件号码（单位注册填写申请人的）" }),
    h("div", { class: "actions" }, submit));
  const results = h("div", { class: "results", "aria-live": "polite" });
  main.append(h("section", { class: "card card-wide" },
    h("h1", { tabindex: "-1" }, "注册审核进度查询"), messages, form, results));

  let lookup = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const body = { real_name: readField(form, "real_name"), id_number: readField(form, "id_number") };
    const errors = {};
    if (!body.real_name) errors.real_name = ["请输入姓名"];
    if (!body.id_number) errors.id_number = ["请输入证件号码"];
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      focusFirstError(form);
      return;
    }
    try {
      const status = await busy(submit, "正在查询…", () => endpoints.registrationStatus(body));
      lookup = body;
      show(status);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      clear(results);
      say(messages, "error", err.detail);
      messages.focus();
    }
  });

  function show(status) {
    clear(results);
    const rows = [];
    if (status.status) {
      rows.push({ what: "个人注册", status: status.status_label, org: status.reviewing_org,
        at: status.registered_at, reason: null, canWithdraw: status.can_withdraw, orgId: null });
    }
    for (const o of status.org_registrations || []) {
      rows.push({ what: `${o.type_label}注册：${o.name}`, status: STATUS[o.status] || o.status,
        org: o.reviewing_org, at: o.registered_at, reason: o.reason,
        canWithdraw: o.can_withdraw, orgId: o.org_id });
    }
    if (!rows.length) {
      results.append(h("p", {}, "没有查到待审核或已审核的注册。"));
      return;
    }
    const body = h("tbody");
    for (const row of rows) {
      const actions = h("td");
      if (row.canWithdraw) {
        const button = h("button", { type: "button", class: "btn btn-small" }, "撤回申请");
        button.addEventListener("click", () => withdraw(row, button));
        actions.append(button);
      }
      body.append(h("tr", {}, h("td", {}, row.what), h("td", {}, row.status),
        h("td", {}, row.org || "—"), h("td", {}, new Date(row.at).toLocaleString("zh-CN")),
        h("td", {}, row.reason || ""), actions));
    }
    results.append(h("table", { class: "table" },
      h("caption", {}, "审核进度"),
      h("thead", {}, h("tr", {}, ...["注册", "状态", "审核单位", "提交时间", "原因", "操作"]
        .map((t) => h("th", { scope: "col" }, t)))), body));
  }

  async function withdraw(row, button) {
    // eslint-disable-next-line no-alert
    const password = window.prompt("请输入注册时设置的密码以撤回申请：");
    if (!password) return;
    try {
      await busy(button, "正在撤回…", () => endpoints.withdrawRegistration(
        { ...lookup, password, org_id: row.orgId }));
      say(messages, "success", "已撤回申请，您可以重新注册。");
      show(await endpoints.registrationStatus(lookup).catch(() => ({})));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
    }
    messages.focus();
  }
  return null;
}
