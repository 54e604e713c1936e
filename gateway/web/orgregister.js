// 单位注册 (Henan guide): 代码与扫描件 → 基本信息 → 申请人账户 → 注册成功. The scan is uploaded
// (and checked by the server) in step 1; everything else goes as one POST at the end.
import { ApiError, endpoints } from "./api.js";
import { alertBox, busy, clear, clearErrors, field, focusFirstError, h, readField, say,
  showErrors } from "./dom.js";
import { orgPicker } from "./orgpicker.js";
import { PASSWORD_HINT, passwordProblem } from "./password.js";

const STEPS = ["代码与扫描件", "基本信息", "申请人账户", "注册成功"];
const TYPES = [
  { value: "supervising_dept", label: "主管部门" },
  { value: "employer", label: "用人单位" },
  { value: "training_institution", label: "继续教育基地" },
];
// Which units may be chosen as the parent of each type (as the server checks).
const PARENTS = {
  supervising_dept: ["hr_bureau"],
  employer: ["supervising_dept", "employer", "hr_bureau"],
  training_institution: ["supervising_dept", "hr_bureau"],
};
const LEVELS = ["国家级", "省级", "市级", "县级"];
const STEP_FIELDS = [
  ["type", "uscc", "org_code", "certificate"],
  ["parent_id", "name", "region", "address", "contact_name", "contact_phone",
    "institution_level", "review_members"],
];
const CITIZEN_ID_RE = /^\d{17}[\dXx]$/;
const MOBILE_RE = /^1[3-9]\d{9}$/;
const MAX_SCAN = 5 * 1024 * 1024;

export function orgRegisterView(main, ctx) {
  const card = h("section", { class: "card card-wide" }, h("h1", { tabindex: "-1" }, "单位注册"));
  const stepItems = STEPS.map((label, i) => h("li", { class: "step" },
    h("span", { class: "step-no", "aria-hidden": "true" }, String(i + 1)), label));
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const form = h("form", { class: "form", novalidate: true });
  let certificate = null; // {certificate_id, kind} once the server accepted the scan

  // ---- step 1: type, code, scan --------------------------------------------------------
  const scanStatus = h("p", { class: "hint", "aria-live": "polite" });
  const scanInput = field({ name: "certificate", label: "组织机构代码证 / 统一社会信用代码证扫描件",
    type: "file", required: true, accept: "image/jpeg,image/png,application/pdf",
    hint: "JPG、PNG 或 PDF，不超过5MB；上传后由系统核验文件内容" });
  scanInput.append(scanStatus);
  const step1 = panel("org-step1", "填写代码并上传扫描件",
    field({ name: "type", label: "注册类型", type: "radio", required: true, options: TYPES }),
    field({ name: "uscc", label: "统一社会信用代码", maxlength: 18, autocomplete: "off",
      hint: "18位；没有统一社会信用代码的单位请填写下方的组织机构代码" }),
    field({ name: "org_code", label: "组织机构代码", maxlength: 10, autocomplete: "off",
      hint: "如 12345678-9" }),
    scanInput);

  // ---- step 2: basic information ---------------------------------------------------------
  let parentType = "employer";
  const parent = orgPicker({ name: "parent_id", label: "上级单位", required: true,
    selectable: (org) => PARENTS[parentType].includes(org.type),
    hint: "主管部门选择同级人社部门；用人单位选择主管部门、上级单位或同级人社部门；继续教育基地选择主管部门或人社部门。" });
  const level = field({ name: "institution_level", label: "继续教育基地级别", type: "select",
    options: LEVELS, required: true });
  const review = field({ name: "review_members", label: "本单位人员注册是否需要单位审核",
    type: "radio", options: [{ value: "yes", label: "需要审核" }, { value: "no", label: "无需审核" }] });
  const step2 = panel("org-step2", "填写单位基本信息", parent,
    field({ name: "name", label: "单位名称", required: true, maxlength: 100 }),
    field({ name: "region", label: "所在地区", maxlength: 100 }),
    field({ name: "address", label: "单位地址", required: true, maxlength: 200 }),
    field({ name: "contact_name", label: "联系人", required: true, maxlength: 50 }),
    field({ name: "contact_phone", label: "联系电话", type: "tel", required: true, maxlength: 20 }),
    level, review);

  // ---- step 3: the applicant's account ----------------------------------------------------
  const newOnly = h("div", { class: "group" },
    field({ name: "applicant.password_confirm", label: "确认密码", type: "password",
      required: true, maxlength: 64, autocomplete: "new-password" }),
    field({ name: "applicant.real_name", label: "真实姓名", required: true, maxlength: 30 }),
    field({ name: "applicant.mobile", label: "手机号码", type: "tel", required: true, maxlength: 11 }),
    field({ name: "applicant.email", label: "电子邮箱", type: "email", maxlength: 100 }),
    field({ name: "applicant.landline", label: "固定电话", type: "tel", maxlength: 20 }));
  const step3 = panel("org-step3", "申请人账户",
    field({ name: "applicant.existing", label: "申请人是否已是本系统用户", type: "radio",
      required: true, options: [{ value: "yes", label: "已是本系统用户" },
        { value: "no", label: "非本系统用户" }] }),
    field({ name: "applicant.id_number", label: "身份证号码", required: true, maxlength: 18,
      autocomplete: "off", hint: "审核通过后，申请人用身份证号码登录管理员入口" }),
    field({ name: "applicant.password", label: "密码", type: "password", required: true,
      maxlength: 64, autocomplete: "new-password", hint: PASSWORD_HINT }),
    newOnly);
  const done = h("div", { class: "step-panel", hidden: true });

  const back = h("button", { type: "button", class: "btn btn-secondary" }, "上一步");
  const next = h("button", { type: "button", class: "btn btn-primary" }, "下一步");
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "注册");
  form.append(step1, step2, step3, h("div", { class: "actions" }, back, next, submit));
  card.append(h("ol", { class: "steps", "aria-label": "注册步骤" }, stepItems), messages, form,
    done);
  main.append(card);

  form.addEventListener("change", (e) => {
    if (e.target.name === "type") {
      parentType = readField(form, "type") || "employer";
      sync();
    }
    if (e.target.name === "applicant.existing") sync();
    if (e.target.name === "certificate") certificate = null; // a new file needs a new check
  });

  function sync() {
    const type = readField(form, "type");
    level.hidden = type !== "training_institution";
    review.hidden = type !== "employer";
    newOnly.hidden = readField(form, "applicant.existing") !== "no";
  }

  let step = 0;
  function show(n) {
    step = n;
    [step1, step2, step3].forEach((p, i) => { p.hidden = i !== n; });
    back.hidden = n === 0 || n === 3;
    next.hidden = n >= 2;
    submit.hidden = n !== 2;
    form.hidden = n === 3;
    stepItems.forEach((li, i) => {
      li.classList.toggle("done", i < n);
      li.classList.toggle("current", i === n);
      if (i === n) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    const title = [step1, step2, step3, done][n].querySelector("h2");
    if (title) title.focus();
  }
  sync();
  show(0);
  setTimeout(() => card.querySelector("h1").focus());

  function step1Errors() {
    const errors = {};
    if (!readField(form, "type")) errors.type = ["请选择注册类型"];
    if (!readField(form, "uscc") && !readField(form, "org_code")) {
      errors.uscc = ["请填写统一社会信用代码或组织机构代码"];
    }
    const file = form.querySelector('[name="certificate"]').files[0];
    if (!certificate && !file) errors.certificate = ["请上传代码证扫描件"];
    else if (file && file.size > MAX_SCAN) errors.certificate = ["扫描件不能超过5MB"];
    return errors;
  }

  function step2Errors() {
    const errors = {};
    if (!parent.value) errors.parent_id = ["请选择上级单位"];
    for (const [name, label] of [["name", "单位名称"], ["address", "单位地址"],
      ["contact_name", "联系人"], ["contact_phone", "联系电话"]]) {
      if (!readField(form, name)) errors[name] = [`请填写${label}`];
    }
    if (readField(form, "type") === "training_institution" && !readField(form, "institution_level")) {
      errors.institution_level = ["请选择继续教育基地级别"];
    }
    return errors;
  }

  function step3Errors() {
    const errors = {};
    const existing = readField(form, "applicant.existing");
    const id = readField(form, "applicant.id_number");
    const pw = readField(form, "applicant.password", { raw: true });
    if (!existing) errors["applicant.existing"] = ["请选择申请人是否已是本系统用户"];
    if (!CITIZEN_ID_RE.test(id)) errors["applicant.id_number"] = ["请填写18位身份证号码"];
    if (!pw) errors["applicant.password"] = ["请输入密码"];
    if (existing === "no") {
      const problem = passwordProblem(pw, "");
      if (problem) errors["applicant.password"] = [problem];
      if (pw !== readField(form, "applicant.password_confirm", { raw: true })) {
        errors["applicant.password_confirm"] = ["两次输入的密码不一致"];
      }
      if (!readField(form, "applicant.real_name")) errors["applicant.real_name"] = ["请填写真实姓名"];
      if (!MOBILE_RE.test(readField(form, "applicant.mobile"))) {
        errors["applicant.mobile"] = ["手机号须为11位中国大陆手机号码"];
      }
    }
    return errors;
  }

  function stop(errors, root) {
    showErrors(form, errors);
    focusFirstError(root);
  }

  next.addEventListener("click", async () => {
    clearErrors(form);
    say(messages);
    if (step === 0) {
      const errors = step1Errors();
      if (Object.keys(errors).length) return stop(errors, step1);
      const file = form.querySelector('[name="certificate"]').files[0];
      if (!certificate) {
        try {
          certificate = await busy(next, "正在上传…", () => endpoints.uploadCertificate(file));
          scanStatus.textContent = "扫描件已上传并通过核验";
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          return stop({ certificate: [err.status === 413 ? "扫描件不能超过5MB" : err.detail] },
            step1);
        }
      }
      return show(1);
    }
    const errors = step2Errors();
    if (Object.keys(errors).length) return stop(errors, step2);
    return show(2);
  });
  back.addEventListener("click", () => {
    say(messages);
    show(step - 1);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (step !== 2) return;
    clearErrors(form);
    say(messages);
    const errors = step3Errors();
    if (Object.keys(errors).length) return stop(errors, step3);
    const existing = readField(form, "applicant.existing") === "yes";
    const type = readField(form, "type");
    const optional = (name) => readField(form, name) || null;
    const applicant = {
      existing,
      id_number: readField(form, "applicant.id_number"),
      password: readField(form, "applicant.password", { raw: true }),
    };
    if (!existing) {
      Object.assign(applicant, {
        password_confirm: readField(form, "applicant.password_confirm", { raw: true }),
        real_name: readField(form, "applicant.real_name"),
        mobile: readField(form, "applicant.mobile"),
        email: optional("applicant.email"),
        landline: optional("applicant.landline"),
      });
    }
    const body = {
      type, parent_id: parent.value.id, name: readField(form, "name"),
      uscc: optional("uscc"), org_code: optional("org_code"), region: optional("region"),
      address: readField(form, "address"), contact_name: readField(form, "contact_name"),
      contact_phone: readField(form, "contact_phone"),
      institution_level: type === "training_institution" ? readField(form, "institution_level") : null,
      review_members: readField(form, "review_members") !== "no",
      certificate_id: certificate.certificate_id, applicant,
    };
    try {
      const result = await busy(submit, "正在提交…", () => endpoints.registerOrg(body));
      finish(result, body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const leftover = showErrors(form, err.errors);
      say(messages, "error", err.detail,
        leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
      const first = STEP_FIELDS.findIndex((names) => names.some((n) => n in (err.errors || {})));
      show(first === -1 ? 2 : first);
      focusFirstError(form);
    }
  });

  function finish(result, body) {
    clear(done);
    done.append(
      h("div", { class: "success-mark", "aria-hidden": "true" }, "✓"),
      h("h2", { tabindex: "-1" }, "注册成功"),
      h("p", {}, "“", h("strong", {}, body.name), "”的注册信息已提交至",
        h("strong", {}, `「${result.reviewing_org}」`), "审核（人工审核，非系统审核）。"),
      result.code_warning ? alertBox("warn", result.code_warning) : null,
      h("p", {}, "审核通过后，申请人用身份证号码在管理员入口登录。审核进度可在",
        h("a", { href: "#/registration-status" }, "注册审核进度查询"), "中查看，待审核时可撤回申请。"),
      h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-primary",
        onclick: () => ctx.navigate("/login") }, "返回登录")));
    form.reset();
    done.hidden = false;
    show(3);
  }
  return null;
}

function panel(id, title, ...children) {
  return h("div", { class: "step-panel", role: "group", "aria-labelledby": id },
    h("h2", { tabindex: "-1", id }, title), ...children);
}
