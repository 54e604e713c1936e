// 个人设置 (seed 001 §8): 个人资料 and 修改密码.
import { ApiError, endpoints, session } from "./api.js";
import { alertBox, busy, clearErrors, field, focusFirstError, h, readField, say, setField,
  showErrors, today } from "./dom.js";
import { invitationsCard } from "./invitations.js";
import { PASSWORD_HINT, passwordProblem, strengthMeter } from "./password.js";

const EDITABLE = ["mobile", "email", "ethnicity", "title_status", "title_level",
  "professional_title", "title_date", "education", "political_status"];
const NULLABLE = new Set(["email", "ethnicity", "title_level", "professional_title",
  "title_date", "education", "political_status"]);
const MOBILE_RE = /^1[3-9]\d{9}$/;

function tabs(active, mustChange) {
  const tab = (path, label) => (mustChange && path !== "/settings/password"
    ? h("span", { class: "tab disabled", title: "请先修改密码" }, label)
    : h("a", {
      href: `#${path}`, class: `tab${active === path ? " active" : ""}`,
      "aria-current": active === path ? "page" : null,
    }, label));
  const learner = session.get()?.user?.role === "learner";
  return h("nav", { class: "tabs", "aria-label": "个人设置" },
    tab("/settings/profile", "个人资料"),
    learner ? tab("/settings/info-changes", "姓名证件修改") : null,
    tab("/settings/password", "修改密码"));
}

export function shell(main, active, title) {
  const s = session.get();
  const heading = h("h1", { tabindex: "-1" }, title);
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const body = h("div", {});
  main.append(h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, "个人设置"), tabs(active, s?.must_change_password), heading,
    messages, body));
  return { heading, messages, body };
}

// ---- 个人资料 ---------------------------------------------------------------------------

export async function profileView(main, ctx) {
  main.append(invitationsCard());
  const { messages, body } = shell(main, "/settings/profile", "个人资料");
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);
  body.append(h("p", { class: "loading" }, "正在加载…"));
  let profile;
  let vocab;
  try {
    [profile, vocab] = await Promise.all([endpoints.profile(), endpoints.vocabularies()]);
  } catch (err) {
    if (!ctx.isCurrent()) return null;
    body.replaceChildren(alertBox("error", `加载个人资料失败：${err.detail} `,
      h("button", { type: "button", class: "btn btn-link", onclick: () => ctx.reload() }, "重试")));
    return null;
  }
  if (!ctx.isCurrent()) return null;

  const idTypeLabel = Object.fromEntries((vocab.id_types || []).map((t) => [t.code, t.label]));
  const genderLabel = Object.fromEntries((vocab.genders || []).map((t) => [t.code, t.label]));
  const row = (label, value) => [h("dt", {}, label), h("dd", {}, value || "—")];
  const readOnly = h("section", { class: "readonly", "aria-labelledby": "ro-title" },
    h("h2", { id: "ro-title" }, "基本信息"),
    h("dl", { class: "facts" },
      row("用户名", profile.username),
      row("所属组织机构", profile.org_name),
      row("真实姓名", profile.real_name),
      row("证件类型", idTypeLabel[profile.id_type] || profile.id_type),
      row("证件号码", profile.id_number || profile.id_number_masked),
      row("出生日期", profile.birth_date),
      row("性别", genderLabel[profile.gender] || profile.gender)),
    h("p", { class: "note" },
      "以上信息不能在此直接修改：所属组织机构须通过人员调动变更（请联系单位管理员办理调出）；"
      + "姓名、证件、出生日期、性别的修改须提交所在单位审核。"));

  const form = h("form", { class: "form", novalidate: true, "aria-labelledby": "ed-title" });
  const titleLevel = field({ name: "title_level", label: "职称级别", type: "select",
    options: vocab.title_levels || [], required: true, value: profile.title_level });
  const profTitle = field({ name: "professional_title", label: "专业技术职称", required: true,
    maxlength: 50, value: profile.professional_title, hint: "如：工程师、主治医师、会计师" });
  const save = h("button", { type: "submit", class: "btn btn-primary" }, "保存修改");
  form.append(
    h("h2", { id: "ed-title" }, "联系方式与职称信息"),
    h("div", { class: "grid" },
      field({ name: "mobile", label: "手机号", type: "tel", required: true, maxlength: 11,
        inputmode: "numeric", autocomplete: "tel", value: profile.mobile }),
      field({ name: "email", label: "电子邮箱", type: "email", maxlength: 100,
        autocomplete: "email", value: profile.email })),
    h("div", { class: "grid" },
      field({ name: "ethnicity", label: "民族", type: "select", options: vocab.ethnicities || [],
        value: profile.ethnicity }),
      field({ name: "political_status", label: "政治面貌", type: "select",
        options: vocab.political_statuses || [], value: profile.political_status })),
    h("div", { class: "grid" },
      field({ name: "title_status", label: "工作职称", type: "radio", required: true,
        options: vocab.title_statuses || [], value: profile.title_status }),
      titleLevel),
    h("div", { class: "grid" },
      profTitle,
      field({ name: "title_date", label: "取得职称时间", type: "date", max: today(),
        min: "1900-01-01", value: profile.title_date })),
    field({ name: "education", label: "学历", type: "select", options: vocab.educations || [],
      value: profile.education }),
    h("div", { class: "actions" }, save,
      h("button", { type: "reset", class: "btn btn-secondary" }, "撤销修改")));

  body.replaceChildren(readOnly, form);

  function syncTitleRequired() {
    const holds = readField(form, "title_status") === "已取得";
    for (const box of [titleLevel, profTitle]) {
      box.querySelector(".req").hidden = !holds;
      box.querySelector("select, input").required = holds;
    }
  }
  form.addEventListener("change", (e) => {
    if (e.target.name === "title_status") syncTitleRequired();
  });
  form.addEventListener("reset", () => {
    clearErrors(form);
    say(messages);
    setTimeout(syncTitleRequired);
  });
  syncTitleRequired();

  let current = profile;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const changes = {};
    for (const name of EDITABLE) {
      let value = readField(form, name);
      if (value === "" && NULLABLE.has(name)) value = null;
      const before = current[name] === undefined ? null : current[name];
      if (value === "" && before === null) continue; // untouched required field without value
      if (value !== before) changes[name] = value;
    }
    const local = {};
    if ("mobile" in changes && !MOBILE_RE.test(changes.mobile || "")) {
      local.mobile = ["手机号须为11位中国大陆手机号码"];
    }
    if ("title_status" in changes && !changes.title_status) {
      local.title_status = ["请选择是否已取得职称"];
    }
    if (readField(form, "title_status") === "已取得") {
      if (!readField(form, "title_level")) local.title_level = ["已取得职称时须填写职称级别"];
      if (!readField(form, "professional_title")) {
        local.professional_title = ["已取得职称时须填写专业技术职称"];
      }
    }
    if (Object.keys(local).length) {
      showErrors(form, local);
      say(messages, "error", "提交的信息有误，请按提示修改");
      focusFirstError(form);
      return;
    }
    if (!Object.keys(changes).length) {
      say(messages, "info", "没有需要保存的修改。");
      return;
    }
    try {
      current = await busy(save, "正在保存…", () => endpoints.updateProfile(changes));
      for (const name of EDITABLE) {
        setField(form, name, current[name] ?? "");
        // Later 撤销修改 goes back to what is now saved.
        const box = form.querySelector(`[data-field="${name}"]`);
        for (const c of box.querySelectorAll("input, select")) {
          if (c.type === "radio") c.defaultChecked = c.checked;
          else if (c.tagName === "SELECT") {
            for (const o of c.options) o.defaultSelected = o.selected;
          } else c.defaultValue = c.value;
        }
      }
      syncTitleRequired();
      say(messages, "success", "个人资料已保存。");
      messages.focus();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const leftover = showErrors(form, err.errors);
      say(messages, "error", err.detail,
        leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
      if (!focusFirstError(form)) messages.focus();
    }
  });

  return null;
}

// ---- 修改密码 ---------------------------------------------------------------------------

export async function passwordView(main, ctx) {
  const s = session.get();
  const forced = Boolean(s?.must_change_password);
  const { messages, body } = shell(main, "/settings/password", "修改密码");
  if (ctx.flashMessage) say(messages, ctx.flashMessage.kind, ctx.flashMessage.text);
  else if (forced) say(messages, "warn", "您的密码已被重置，请先修改密码后再使用平台。");

  const username = s?.user?.username || "";
  const form = h("form", { class: "form form-narrow", novalidate: true });
  const oldPw = field({ name: "old_password", label: "旧密码", type: "password", required: true,
    maxlength: 128, autocomplete: "current-password", placeholder: "请输入原密码",
    hint: forced ? "密码被管理员重置后，原密码为证件号码后六位" : null });
  const newPw = field({ name: "new_password", label: "新密码", type: "password", required: true,
    maxlength: 64, autocomplete: "new-password", placeholder: "请输入新密码", hint: PASSWORD_HINT });
  const newInput = newPw.querySelector("input");
  newInput.after(strengthMeter(newInput, () => username));
  const confirmPw = field({ name: "new_password_confirm", label: "确认密码", type: "password",
    required: true, maxlength: 64, autocomplete: "new-password", placeholder: "请再次输入新密码" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "修改并保存");
  // A hidden username helps password managers file the new password under the right account.
  form.append(h("input", { type: "text", name: "username", autocomplete: "username",
    value: username, hidden: true, readonly: true, tabindex: "-1", "aria-hidden": "true" }),
  oldPw, newPw, confirmPw, h("div", { class: "actions" }, submit));
  body.append(form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(messages);
    const values = {
      old_password: readField(form, "old_password", { raw: true }),
      new_password: readField(form, "new_password", { raw: true }),
      new_password_confirm: readField(form, "new_password_confirm", { raw: true }),
    };
    const local = {};
    if (!values.old_password) local.old_password = ["请输入原密码"];
    const problem = passwordProblem(values.new_password, username);
    if (problem) local.new_password = [problem];
    else if (values.new_password === values.old_password) {
      local.new_password = ["新密码不能与原密码相同"];
    }
    if (!values.new_password_confirm) local.new_password_confirm = ["请再次输入新密码"];
    else if (values.new_password !== values.new_password_confirm) {
      local.new_password_confirm = ["两次输入的新密码不一致"];
    }
    if (Object.keys(local).length) {
      showErrors(form, local);
      focusFirstError(form);
      return;
    }
    try {
      const tokens = await busy(submit, "正在保存…", () => endpoints.changePassword(values));
      session.save(tokens, "password-changed");
      form.reset();
      const text = "密码修改成功。其他设备上的登录已全部失效。";
      if (forced) ctx.navigate(ctx.home(), { flash: { kind: "success", text } });
      else {
        say(messages, "success", text);
        messages.focus();
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const leftover = showErrors(form, err.errors);
      say(messages, "error", err.detail,
        leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
      if (!focusFirstError(form)) messages.focus();
    }
  });

  return oldPw.querySelector("input");
}
