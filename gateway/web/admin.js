// 重置学员密码 (admins and operators): the learner's password becomes the last six
// characters of their ID number and must be changed at the next login.
import { ApiError, endpoints } from "./api.js";
import { busy, clearErrors, field, focusFirstError, h, readField, say, showErrors } from "./dom.js";

export async function adminView(main, ctx) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const history = h("ul", { class: "history", "aria-live": "polite" });
  const historyBox = h("section", { class: "history-box", hidden: true,
    "aria-labelledby": "reset-history" },
  h("h2", { id: "reset-history" }, "本次操作记录"), history);

  const form = h("form", { class: "form form-narrow", novalidate: true });
  const userId = field({ name: "user_id", label: "学员用户 ID", type: "text", required: true,
    inputmode: "numeric", maxlength: 12, autocomplete: "off",
    hint: "只能重置您管辖范围内的专技人员；重置后密码为其证件号码后六位，学员下次登录须先修改密码。" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "重置密码");
  form.append(userId, h("div", { class: "actions" }, submit));

  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, "管理"),
    h("h1", { tabindex: "-1" }, "重置学员密码"),
    messages, form, historyBox));
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const raw = readField(form, "user_id");
    if (!/^[1-9]\d{0,11}$/.test(raw)) {
      showErrors(form, { user_id: [raw ? "用户 ID 须为正整数" : "请输入学员用户 ID"] });
      focusFirstError(form);
      return;
    }
    // eslint-disable-next-line no-alert
    if (!window.confirm(`确定要重置用户 ${raw} 的密码吗？重置后其原密码立即失效。`)) return;
    const time = new Date().toLocaleTimeString("zh-CN", { hour12: false });
    try {
      const result = await busy(submit, "正在重置…", () => endpoints.resetLearnerPassword(raw));
      const text = `已重置用户 ${result.user_id} 的密码为其证件号码后六位`
        + `${result.must_change_password ? "，该学员下次登录须先修改密码" : ""}。`;
      say(messages, "success", text);
      log(time, "success", text);
      form.reset();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const leftover = showErrors(form, err.errors);
      say(messages, "error", err.detail,
        leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
      log(time, "error", `用户 ${raw}：${err.detail}`);
    }
    messages.focus();
  });

  function log(time, kind, text) {
    historyBox.hidden = false;
    history.prepend(h("li", { class: `history-${kind}` },
      h("span", { class: "time" }, time), " ", kind === "success" ? "成功" : "失败", "：", text));
  }

  return userId.querySelector("input");
}
