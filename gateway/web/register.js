// 注册 wizard (seed 001 §1.1): 填写账号信息 → 填写个人信息 → 注册成功. Both steps live in one
// form so values survive 上一步/下一步; everything is sent as one POST /auth/register.
import { ApiError, endpoints } from "./api.js";
import { alertBox, busy, clear, clearErrors, field, focusFirstError, h, readField, say,
  setField, showErrors, today } from "./dom.js";
import { orgPicker } from "./orgpicker.js";
import { PASSWORD_HINT, passwordProblem, strengthMeter } from "./password.js";

const STEPS = ["填写账号信息", "填写个人信息", "注册成功"];
const STEP1_FIELDS = ["username", "password", "password_confirm"];
const USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,19}$/;
const MOBILE_RE = /^1[3-9]\d{9}$/;
const CITIZEN_ID_RE = /^\d{17}[\dXx]$/;
const OPTIONAL = ["email", "ethnicity", "title_level", "professional_title", "title_date",
  "education", "political_status"];

export async function registerView(main, ctx) {
  const card = h("section", { class: "card card-wide" },
    h("h1", { tabindex: "-1" }, "用户注册"));
  main.append(card);
  const loading = h("p", { class: "loading" }, "正在加载…");
  card.append(loading);

  let vocab;
  try {
    vocab = await endpoints.vocabularies();
  } catch (err) {
    loading.remove();
    card.append(alertBox("error", `加载注册表单失败：${err.detail} `,
      h("button", { type: "button", class: "btn btn-link", onclick: () => ctx.reload() }, "重试")));
    return null;
  }
  if (!ctx.isCurrent()) return null;
  loading.remove();
  return buildWizard(card, ctx, vocab);
}

function buildWizard(card, ctx, vocab) {
  const stepItems = STEPS.map((label, i) => h("li", { class: "step" },
    h("span", { class: "step-no", "aria-hidden": "true" }, String(i + 1)), label));
  const stepper = h("ol", { class: "steps", "aria-label": "注册步骤" }, stepItems);
  const messages = h("div", { class: "messages" });
  const form = h("form", { class: "form", novalidate: true });

  // ---- step 1: account --------------------------------------------------------------
  const username = field({ name: "username", label: "用户名", required: true, maxlength: 20,
    autocomplete: "username", hint: "4–20位字母、数字或下划线，以字母开头；注册后不能修改" });
  const password = field({ name: "password", label: "密码", type: "password", required: true,
    maxlength: 64, autocomplete: "new-password", hint: PASSWORD_HINT });
  const passwordInput = password.querySelector("input");
  const usernameInput = username.querySelector("input");
  const meter = strengthMeter(passwordInput, () => usernameInput.value.trim());
  usernameInput.addEventListener("input", () => meter.update());
  password.querySelector("input").after(meter);
  const confirm = field({ name: "password_confirm", label: "确认密码", type: "password",
    required: true, maxlength: 64, autocomplete: "new-password", hint: "请再次输入密码" });
  const next = h("button", { type: "button", class: "btn btn-primary" }, "下一步");
  const step1Title = h("h2", { tabindex: "-1", id: "reg-step1" }, "填写账号信息");
  const step1 = h("div", { class: "step-panel", role: "group", "aria-labelledby": "reg-step1" },
    step1Title, username, password, confirm,
    h("div", { class: "actions" }, next,
      h("a", { href: "#/login", class: "btn btn-link" }, "已有账号，去登录")));

  // ---- step 2: personal information ---------------------------------------------------
  const org = orgPicker({ name: "org_id", required: true });
  const idTypes = (vocab.id_types || []).map((t) => ({ value: t.code, label: t.label }));
  const genders = (vocab.genders || []).map((t) => ({ value: t.code, label: t.label }));
  const titleLevel = field({ name: "title_level", label: "职称级别", type: "select",
    options: vocab.title_levels || [], required: true });
  const profTitle = field({ name: "professional_title", label: "专业技术职称", required: true,
    maxlength: 50, hint: "如：工程师、主治医师、会计师" });
  const step2Title = h("h2", { tabindex: "-1", id: "reg-step2" }, "填写个人信息");
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "注册");
  const back = h("button", { type: "button", class: "btn btn-secondary" }, "上一步");
  const step2 = h("div", { class: "step-panel", role: "group", "aria-labelledby": "reg-step2",
    hidden: true },
    step2Title,
    h("p", { class: "lead" }, "带", h("span", { class: "req" }, "*"),
      "的为必填项，请务必准确真实填写，以保证报名、考试的有效性。"),
    org,
    h("div", { class: "grid" },
      field({ name: "real_name", label: "真实姓名", required: true, maxlength: 30,
        autocomplete: "name" }),
      field({ name: "mobile", label: "手机号", type: "tel", required: true, maxlength: 11,
        inputmode: "numeric", autocomplete: "tel" })),
    field({ name: "id_type", label: "证件类型", type: "radio", required: true, options: idTypes,
      value: "id_card" }),
    h("div", { class: "grid" },
      field({ name: "id_number", label: "证件号码", required: true, maxlength: 32,
        autocomplete: "off", hint: "填写身份证号后将自动带出出生日期和性别" }),
      field({ name: "birth_date", label: "出生日期", type: "date", required: true,
        max: today(), min: "1900-01-01" })),
    h("div", { class: "grid" },
      field({ name: "gender", label: "性别", type: "radio", required: true, options: genders }),
      field({ name: "ethnicity", label: "民族", type: "select",
        options: vocab.ethnicities || [] })),
    h("div", { class: "grid" },
      field({ name: "title_status", label: "工作职称", type: "radio", required: true,
        options: vocab.title_statuses || [] }),
      titleLevel),
    h("div", { class: "grid" },
      profTitle,
      field({ name: "title_date", label: "取得职称时间", type: "date", max: today(),
        min: "1900-01-01" })),
    h("div", { class: "grid" },
      field({ name: "education", label: "学历", type: "select",
        options: vocab.educations || [] }),
      field({ name: "political_status", label: "政治面貌", type: "select",
        options: vocab.political_statuses || [] })),
    field({ name: "email", label: "电子邮箱", type: "email", maxlength: 100,
      autocomplete: "email" }),
    h("div", { class: "actions" }, submit, back));

  // ---- step 3: done -------------------------------------------------------------------
  const step3 = h("div", { class: "step-panel", hidden: true });

  form.append(step1, step2);
  card.append(stepper, messages, form, step3);

  // The title fields are required only for people who hold a title (已取得).
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
  syncTitleRequired();

  // A citizen ID states the birth date and the sex: fill them in.
  const idInput = form.querySelector('[data-field="id_number"] input');
  idInput.addEventListener("change", () => {
    const number = idInput.value.trim();
    if (readField(form, "id_type") !== "id_card" || !CITIZEN_ID_RE.test(number)) return;
    const birth = `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
    if (!Number.isNaN(Date.parse(birth))) setField(form, "birth_date", birth);
    setField(form, "gender", Number(number[16]) % 2 ? "male" : "female");
  });

  let step = 0;
  function show(n, { focus = true } = {}) {
    step = n;
    step1.hidden = n !== 0;
    step2.hidden = n !== 1;
    step3.hidden = n !== 2;
    form.hidden = n === 2;
    stepItems.forEach((li, i) => {
      li.classList.toggle("done", i < n);
      li.classList.toggle("current", i === n);
      if (i === n) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    document.title = `${STEPS[n]} - 用户注册 - 专业技术人员继续教育平台`;
    if (focus) {
      const title = [step1Title, step2Title, step3.querySelector("h2")][n];
      if (title) title.focus();
    }
  }
  show(0, { focus: false });

  function step1Errors() {
    const errors = {};
    const name = readField(form, "username");
    const pw = readField(form, "password", { raw: true });
    const pw2 = readField(form, "password_confirm", { raw: true });
    if (!name) errors.username = ["请输入用户名"];
    else if (!USERNAME_RE.test(name)) errors.username = ["用户名须为4–20位字母、数字或下划线，且以字母开头"];
    const problem = passwordProblem(pw, name);
    if (problem) errors.password = [problem];
    if (!pw2) errors.password_confirm = ["请再次输入密码"];
    else if (pw !== pw2) errors.password_confirm = ["两次输入的密码不一致"];
    return errors;
  }

  function step2Errors() {
    const errors = {};
    const need = (name, message) => {
      if (!readField(form, name)) errors[name] = [message];
    };
    if (!org.value) errors.org_id = ["请选择所属组织机构"];
    need("real_name", "请输入真实姓名");
    const mobile = readField(form, "mobile");
    if (!mobile) errors.mobile = ["请输入手机号"];
    else if (!MOBILE_RE.test(mobile)) errors.mobile = ["手机号须为11位中国大陆手机号码"];
    need("id_type", "请选择证件类型");
    need("id_number", "请输入证件号码");
    need("birth_date", "请选择出生日期");
    need("gender", "请选择性别");
    need("title_status", "请选择是否已取得职称");
    if (readField(form, "title_status") === "已取得") {
      need("title_level", "已取得职称时须填写职称级别");
      need("professional_title", "已取得职称时须填写专业技术职称");
    }
    return errors;
  }

  next.addEventListener("click", () => {
    clearErrors(step1);
    say(messages);
    const errors = step1Errors();
    if (Object.keys(errors).length) {
      showErrors(step1, errors);
      focusFirstError(step1);
      return;
    }
    show(1);
  });
  back.addEventListener("click", () => {
    say(messages);
    show(0);
  });
  // Enter in a step-1 field goes to the next step instead of submitting the whole form.
  step1.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.tagName === "INPUT") {
      e.preventDefault();
      next.click();
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (step !== 1) return;
    clearErrors(form);
    say(messages);
    const local = { ...step1Errors(), ...step2Errors() };
    if (Object.keys(local).length) {
      reportErrors(local);
      return;
    }
    const body = {
      username: readField(form, "username"),
      password: readField(form, "password", { raw: true }),
      password_confirm: readField(form, "password_confirm", { raw: true }),
      org_id: org.value.id,
    };
    for (const name of ["real_name", "mobile", "id_type", "id_number", "birth_date", "gender",
      "title_status", ...OPTIONAL]) {
      const value = readField(form, name);
      body[name] = value === "" && OPTIONAL.includes(name) ? null : value;
    }
    try {
      const result = await busy(submit, "正在提交…", () => endpoints.register(body));
      done(result, body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const content = [err.detail];
      if (err.code === "id_number_registered" || err.code === "already_registered") {
        content.push(" ", h("a", { href: "#/login" }, "去登录"));
      }
      reportErrors(err.errors, content);
    }
  });

  /** Show field errors on their step, going back to the first step that has any. */
  function reportErrors(errors, content = ["提交的信息有误，请按提示修改"]) {
    const leftover = showErrors(form, errors);
    say(messages, "error", ...content,
      leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
    const onStep1 = STEP1_FIELDS.some((f) => f in (errors || {}));
    if (onStep1) {
      show(0, { focus: false });
      focusFirstError(step1);
    } else {
      focusFirstError(step2);
    }
  }

  function done(result, body) {
    const orgInfo = result.org || {};
    const reviewed = orgInfo.review_members ?? org.value?.review_members;
    const orgName = orgInfo.name || org.value?.name || "所选单位";
    clear(step3);
    step3.append(
      h("div", { class: "success-mark", "aria-hidden": "true" }, "✓"),
      h("h2", { tabindex: "-1" }, "注册成功"),
      h("p", {}, "您的账号：", h("strong", {}, result.username || body.username)),
      reviewed
        ? h("p", {}, "您的注册信息已提交至", h("strong", {}, `「${orgName}」`),
          "审核。审核通过后才可登录平台；如比较着急，可联系该单位管理员尽快处理。")
        : h("p", {}, "您现在可以使用用户名或证件号码登录平台。"),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-primary",
          onclick: () => ctx.navigate("/login", { state: { username: result.username || body.username } }) },
        reviewed ? "返回登录" : "立即登录")));
    // Nothing of the passwords stays in the page.
    form.reset();
    form.remove();
    say(messages);
    show(2);
  }

  return usernameInput;
}
