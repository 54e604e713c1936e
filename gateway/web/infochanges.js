// 姓名、证件信息修改 (seed figure 8.1: these fields change only through the org's review):
// the learner submits the new values, sees each request's state and may withdraw a
// pending one.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, clearErrors, field, focusFirstError, h, readField, say,
  showErrors } from "./dom.js";
import { shell } from "./settings.js";

const STATUS = { pending: "审核中", approved: "已通过", rejected: "已驳回", withdrawn: "已撤销" };
const CITIZEN_ID_RE = /^\d{17}[\dXx]$/;

export async function infoChangesView(main, ctx) {
  const { messages, body } = shell(main, "/settings/info-changes", "姓名证件修改");
  let profile;
  let vocab;
  try {
    [profile, vocab] = await Promise.all([endpoints.profile(), endpoints.vocabularies()]);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    say(messages, "error", err.detail);
    return null;
  }
  if (!ctx.isCurrent()) return null;
  const form = h("form", { class: "form form-narrow", novalidate: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "提交单位审核");
  form.append(
    h("p", { class: "lead" }, "姓名、证件类型、证件号码、出生日期、性别的修改须经所在单位审核，通过后生效。只填写要修改的项。"),
    field({ name: "real_name", label: "姓名", maxlength: 30, value: profile.real_name }),
    field({ name: "id_type", label: "证件类型", type: "select", value: profile.id_type,
      options: (vocab.id_types || []).map((t) => ({ value: t.code, label: t.label })) }),
    field({ name: "id_number", label: "证件号码", maxlength: 32, autocomplete: "off",
      hint: `当前：${profile.id_number_masked || ""}（不修改请留空）` }),
    field({ name: "birth_date", label: "出生日期", type: "date", value: profile.birth_date }),
    field({ name: "gender", label: "性别", type: "radio", value: profile.gender,
      options: (vocab.genders || []).map((t) => ({ value: t.code, label: t.label })) }),
    h("div", { class: "actions" }, submit));
  const history = h("div", { class: "results" });
  body.append(form, h("h2", {}, "我的修改申请"), history);

  async function loadHistory() {
    clear(history);
    const { items } = await endpoints.myInfoChanges();
    if (!items.length) {
      history.append(h("p", {}, "还没有修改申请。"));
      return;
    }
    const rows = items.map((c) => {
      const action = h("td");
      if (c.status === "pending") {
        const button = h("button", { type: "button", class: "btn btn-small" }, "撤销");
        button.addEventListener("click", async () => {
          await busy(button, "正在撤销…", () => endpoints.withdrawInfoChange(c.change_id));
          say(messages, "success", "已撤销该修改申请。");
          loadHistory();
        });
        action.append(button);
      }
      return h("tr", {},
        h("td", {}, c.diff.map((d) => `${d.label}：${d.before ?? "（空）"} → ${d.after ?? "（空）"}`)
          .join("；")),
        h("td", {}, STATUS[c.status] || c.status), h("td", {}, c.reason || ""), action);
    });
    history.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["修改内容", "状态", "驳回原因", "操作"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows)));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const changes = {};
    for (const name of ["real_name", "id_type", "birth_date", "gender"]) {
      const value = readField(form, name);
      if (value && value !== (profile[name] ?? "")) changes[name] = value;
    }
    const number = readField(form, "id_number");
    if (number) changes.id_number = number;
    if (!Object.keys(changes).length) {
      say(messages, "error", "没有需要修改的内容");
      return;
    }
    if ((changes.id_type || profile.id_type) === "id_card" && number && !CITIZEN_ID_RE.test(number)) {
      showErrors(form, { id_number: ["身份证号码须为18位"] });
      focusFirstError(form);
      return;
    }
    try {
      await busy(submit, "正在提交…", () => endpoints.submitInfoChange(changes));
      say(messages, "success", "修改申请已提交，所在单位审核通过后生效。");
      await loadHistory();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const leftover = showErrors(form, err.errors);
      say(messages, "error", err.detail,
        leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
      focusFirstError(form);
    }
    messages.focus();
  });
  await loadHistory();
  return null;
}
