// Small DOM helpers: elements are built with textContent only (no innerHTML), so nothing
// coming from the server or the user is ever parsed as HTML.

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

/** h("div", {class: "x", onclick: fn}, "text", child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value" && "value" in el && tag !== "option" && tag !== "button") {
      el.value = value;
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A message box. kind: "error" | "success" | "info" | "warn". */
export function alertBox(kind, ...content) {
  return h("div", { class: `alert alert-${kind}`, role: kind === "error" ? "alert" : "status" },
    ...content);
}

/** Replace the content of a message slot (a live region kept in the page). */
export function say(slot, kind, ...content) {
  clear(slot);
  if (content.length) slot.append(alertBox(kind, ...content));
}

const requiredMark = () => h("span", { class: "req", "aria-hidden": "true" }, "*");

/**
 * One labelled form field with its hint and error line, wired with aria-describedby.
 * type: text | password | email | tel | date | number | search | file | select | radio
 * options (select / radio): [{value, label}] or ["label", ...]
 */
export function field(spec) {
  const {
    name, label, type = "text", required = false, hint, value, options = [],
    placeholder, autocomplete, inputmode, maxlength, min, max, pattern, readonly, accept,
    emptyLabel = "请选择",
  } = spec;
  const id = nextId(name);
  const hintId = hint ? `${id}-hint` : null;
  const errId = `${id}-err`;
  const describedBy = [hintId, errId].filter(Boolean).join(" ");
  const opts = options.map((o) => (typeof o === "string" ? { value: o, label: o } : o));
  const wrap = h("div", { class: `field field-${type}`, dataset: { field: name } });
  const errorLine = h("p", { class: "field-error", id: errId, "aria-live": "polite" });
  const hintLine = hint ? h("p", { class: "hint", id: hintId }, hint) : null;

  if (type === "radio") {
    const group = h("fieldset", {
      class: "radio-group", "aria-describedby": describedBy,
      "aria-required": required ? "true" : null,
    }, h("legend", {}, label, required ? requiredMark() : null));
    const row = h("div", { class: "radio-row" });
    opts.forEach((o, i) => {
      const rid = `${id}-${i}`;
      row.append(h("label", { class: "radio", for: rid },
        h("input", {
          type: "radio", id: rid, name, value: o.value,
          checked: value !== undefined && value !== null && String(value) === String(o.value),
        }),
        h("span", {}, o.label)));
    });
    group.append(row);
    append(wrap, [group, hintLine, errorLine]);
    return wrap;
  }

  const labelEl = h("label", { for: id }, label, required ? requiredMark() : null);
  let control;
  if (type === "select") {
    control = h("select", {
      id, name, required, "aria-describedby": describedBy,
    }, h("option", { value: "" }, `—${emptyLabel}—`),
    opts.map((o) => h("option", {
      value: o.value, selected: value !== undefined && value !== null && String(value) === String(o.value),
    }, o.label)));
    if (value && !opts.some((o) => String(o.value) === String(value))) {
      // Keep a stored value even if the vocabulary no longer lists it.
      control.append(h("option", { value, selected: true }, value));
    }
  } else {
    control = h("input", {
      id, name, type, required, placeholder, autocomplete, inputmode, maxlength, min, max,
      pattern, readonly, accept, "aria-describedby": describedBy,
      value: value === null || value === undefined || type === "file" ? "" : String(value),
    });
  }
  append(wrap, [labelEl, control, hintLine, errorLine]);
  return wrap;
}

/** Read a field's value: radio → checked value or ""; others → value (trimmed unless raw). */
export function readField(root, name, { raw = false } = {}) {
  const box = root.querySelector(`[data-field="${name}"]`);
  if (!box) return undefined;
  if (box.classList.contains("field-radio")) {
    const checked = box.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }
  const control = box.querySelector("input, select, textarea");
  if (!control) return undefined;
  return raw ? control.value : control.value.trim();
}

export function setField(root, name, value) {
  const box = root.querySelector(`[data-field="${name}"]`);
  if (!box) return;
  if (box.classList.contains("field-radio")) {
    for (const r of box.querySelectorAll("input[type=radio]")) r.checked = r.value === value;
    return;
  }
  const control = box.querySelector("input, select, textarea");
  if (control) control.value = value ?? "";
}

export function clearErrors(root) {
  for (const box of root.querySelectorAll(".field.invalid")) {
    box.classList.remove("invalid");
    const err = box.querySelector(".field-error");
    if (err) err.textContent = "";
    for (const c of box.querySelectorAll("input, select, textarea, fieldset")) {
      c.removeAttribute("aria-invalid");
    }
  }
}

/**
 * Show {field: [messages]} next to the fields found under root. Returns the messages of
 * fields not on this form, so the caller can show them in a summary.
 */
export function showErrors(root, errors) {
  const leftover = [];
  for (const [name, messages] of Object.entries(errors || {})) {
    const list = Array.isArray(messages) ? messages.flat(Infinity) : [messages];
    const text = list.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join("；");
    const box = root.querySelector(`[data-field="${name}"]`);
    if (!box) {
      leftover.push(text);
      continue;
    }
    box.classList.add("invalid");
    box.querySelector(".field-error").textContent = text;
    const controls = box.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (const c of controls) c.setAttribute("aria-invalid", "true");
  }
  return leftover;
}

/** Focus the first invalid control under root (in document order). */
export function focusFirstError(root) {
  const box = root.querySelector(".field.invalid:not([hidden])");
  if (!box) return false;
  const control = box.querySelector(
    "input:not([type=hidden]):not([disabled]), select, textarea, button:not([disabled])");
  if (control) {
    control.focus();
    return true;
  }
  return false;
}

/** Disable a button while an async action runs; returns the action's result. */
export async function busy(button, label, action) {
  const original = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (label) button.textContent = label;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = original;
  }
}

export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 上一页 / 第 n / m 页 / 下一页 into `box` (nothing when one page); go(n) shows page n. */
export function pagerControls(box, page, pages, go, { more = false } = {}) {
  clear(box);
  if (pages <= 1) return;
  const prev = h("button", { type: "button", class: "btn btn-secondary", disabled: page <= 1,
    onclick: () => go(page - 1) }, "上一页");
  const next = h("button", { type: "button", class: "btn btn-secondary", disabled: page >= pages,
    onclick: () => go(page + 1) }, "下一页");
  box.append(prev, h("span", {}, `第 ${page} / ${pages}${more ? "+" : ""} 页`), next);
}
