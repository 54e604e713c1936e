// 登录: username or ID number, password, image captcha (single use: a new one after every
// attempt), and the login role (学员 / 管理员 / 平台运营).
import { ApiError, ROLE_LABELS, endpoints, session } from "./api.js";
import { busy, clearErrors, field, focusFirstError, h, readField, say, setField,
  showErrors } from "./dom.js";

const ROLES = [
  { value: "learner", label: "学员登录" },
  { value: "admin", label: "管理员登录" },
  { value: "operator", label: "平台运营" },
];

export async function loginView(main, ctx) {
  const state = ctx.state || {};
  const messages = h("div", { class: "messages" });
  const form = h("form", { class: "form", novalidate: true, "aria-labelledby": "login-title" });

  const roleTabs = h("fieldset", { class: "role-tabs", dataset: { field: "role" } },
    h("legend", { class: "sr-only" }, "登录角色"),
    ROLES.map((r) => h("label", { class: "role-tab" },
      h("input", { type: "radio", name: "role", value: r.value,
        checked: (state.role || "learner") === r.value }),
      h("span", {}, r.label))),
    h("p", { class: "field-error", "aria-live": "polite" }));
  roleTabs.classList.add("field", "field-radio");

  const username = field({ name: "username", label: "用户名或身份证号", required: true,
    autocomplete: "username", maxlength: 64, value: state.username || "",
    placeholder: "请输入用户名或证件号码" });
  const password = field({ name: "password", label: "密码", type: "password", required: true,
    autocomplete: "current-password", maxlength: 128, placeholder: "请输入密码" });
  const captchaField = field({ name: "captcha_answer", label: "验证码", required: true,
    autocomplete: "off", maxlength: 16, placeholder: "请输入右侧图片中的字符" });
  captchaField.querySelector("input").setAttribute("autocapitalize", "characters");
  captchaField.querySelector("input").setAttribute("spellcheck", "false");

  const captchaImg = h("img", { alt: "验证码图片", width: 120, height: 44 });
  const captchaButton = h("button", { type: "button", class: "captcha-button",
    title: "看不清？点击换一张", "aria-label": "换一张验证码" }, captchaImg);
  const captchaRow = h("div", { class: "captcha-row" },
    captchaField.querySelector("input"), captchaButton);
  captchaField.querySelector("label").after(captchaRow);

  let captchaId = null;
  async function refreshCaptcha() {
    captchaId = null;
    captchaImg.removeAttribute("src");
    captchaImg.alt = "验证码加载中";
    try {
      const c = await endpoints.captcha();
      captchaId = c.captcha_id;
      captchaImg.src = c.image;
      captchaImg.alt = "验证码图片（点击换一张）";
    } catch (err) {
      captchaImg.alt = "验证码加载失败，点击重试";
    }
    setField(form, "captcha_answer", "");
  }
  captchaButton.addEventListener("click", refreshCaptcha);

  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "登录");
  form.append(roleTabs, username, password, captchaField,
    h("div", { class: "actions" }, submit),
    h("p", { class: "form-footer" }, "还没有账号？", h("a", { href: "#/register" }, "立即注册")));

  const card = h("section", { class: "card card-narrow" },
    h("h1", { id: "login-title", tabindex: "-1" }, "登录"), messages, form);
  main.append(card);
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);
  refreshCaptcha();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const body = {
      username: readField(form, "username"),
      password: readField(form, "password", { raw: true }),
      captcha_id: captchaId,
      captcha_answer: readField(form, "captcha_answer"),
      role: readField(form, "role") || "learner",
    };
    const missing = {};
    if (!body.username) missing.username = ["请输入用户名或身份证号"];
    if (!body.password) missing.password = ["请输入密码"];
    if (!body.captcha_answer) missing.captcha_answer = ["请输入验证码"];
    if (Object.keys(missing).length) {
      showErrors(form, missing);
      focusFirstError(form);
      return;
    }
    try {
      const tokens = await busy(submit, "登录中…", () => endpoints.login(body));
      session.save(tokens, "login");
      if (tokens.must_change_password) {
        ctx.navigate("/settings/password", { flash: { kind: "warn",
          text: "您的密码已被重置，请先修改密码后再使用平台。" } });
      } else {
        ctx.navigate(ctx.home());
      }
    } catch (err) {
      await refreshCaptcha(); // captchas are single use
      showLoginError(err);
    }
  });

  function showLoginError(err) {
    if (!(err instanceof ApiError)) throw err;
    const content = [];
    switch (err.code) {
      case "account_not_found":
        content.push(...linkify(err.detail, "点此立即注册", "#/register"));
        if (!err.detail.includes("点此立即注册")) {
          content.push(" ", h("a", { href: "#/register" }, "立即注册"));
        }
        break;
      case "account_pending_review": {
        const org = err.problem.reviewing_org;
        content.push(err.detail);
        if (org && org.name && !err.detail.includes(org.name)) {
          content.push(h("br"), "审核部门：", h("strong", {}, org.name));
        }
        content.push(h("span", { class: "alert-note" },
          "注册时所选单位的管理员审核通过后即可登录；如比较着急，可联系该单位管理员尽快处理。"));
        break;
      }
      case "role_not_registered": {
        content.push(err.detail);
        const roles = (err.problem.registered_roles || []).filter((r) => ROLE_LABELS[r]);
        if (roles.length) {
          content.push(h("span", { class: "alert-note" }, "该账号可用的登录角色：",
            roles.map((r, i) => [i ? "、" : "", h("button", {
              type: "button", class: "btn btn-link",
              onclick: () => {
                setField(form, "role", r);
                say(messages, "info", `已切换为“${ROLE_LABELS[r]}”，请重新输入验证码后登录。`);
                form.querySelector('[data-field="captcha_answer"] input').focus();
              },
            }, ROLE_LABELS[r])])));
        }
        break;
      }
      default:
        content.push(err.detail);
    }
    const leftover = showErrors(form, err.errors);
    const shownByField = Object.keys(err.errors).length > 0 && !leftover.length
      && err.code !== "validation_failed" && !err.code.startsWith("account_");
    // A captcha error is told under the captcha field; everything else in the box above.
    if (!shownByField) say(messages, "error", ...content);
    if (err.code === "wrong_password") setField(form, "password", "");
    if (err.code === "captcha_wrong" || err.code === "captcha_expired") {
      form.querySelector('[data-field="captcha_answer"] input').focus();
    } else if (!focusFirstError(form)) {
      const target = { wrong_password: "password", account_not_found: "username" }[err.code]
        || "captcha_answer";
      form.querySelector(`[data-field="${target}"] input`).focus();
    }
  }

  return state.username
    ? form.querySelector('[data-field="password"] input')
    : form.querySelector('[data-field="username"] input');
}

/** Split text around `phrase` and make that phrase a link. */
function linkify(text, phrase, href) {
  const at = text.indexOf(phrase);
  if (at < 0) return [text];
  return [text.slice(0, at), h("a", { href }, phrase), text.slice(at + phrase.length)];
}
