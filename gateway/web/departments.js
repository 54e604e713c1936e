// 管理内设部门 (Henan guide): the departments of the admin's unit and their sub-departments —
// add, rename, disable / enable, go down to add children, and back up.
import { ApiError, endpoints } from "./api.js";
import { actionRunner } from "./actions.js";
import { clear, field, h, readField, say } from "./dom.js";

export async function departmentsView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const crumbs = h("nav", { class: "crumbs", "aria-label": "当前位置" });
  const list = h("div", { class: "results" });
  const form = h("form", { class: "form form-inline", novalidate: true },
    field({ name: "name", label: "新部门名称", maxlength: 100 }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "新增部门")));
  main.append(h("section", { class: "card card-wide" }, h("p", { class: "eyebrow" }, "管理直属账户"),
    h("h1", { tabindex: "-1" }, "内设部门"), messages, crumbs, list, form));
  const trail = []; // [{id, name}] from the unit down to the current department
  let current = null;

  const act = actionRunner(messages, () => load(current?.id ?? null));

  async function load(parentId) {
    let result;
    try {
      result = await endpoints.departments(parentId);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    current = result.parent;
    const at = trail.findIndex((t) => t.id === current.id);
    if (at === -1) trail.push({ id: current.id, name: current.name });
    else trail.splice(at + 1);
    clear(crumbs);
    trail.forEach((t, i) => {
      if (i) crumbs.append(" › ");
      crumbs.append(i === trail.length - 1 ? h("strong", {}, t.name)
        : h("a", { href: "#/admin/departments", onclick: (e) => { e.preventDefault(); load(t.id); } },
          t.name));
    });
    clear(list);
    if (!result.items.length) {
      list.append(h("p", {}, `“${current.name}”下还没有内设部门。`));
      return;
    }
    list.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["部门", "状态", "操作"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...result.items.map((d) => {
      const open = h("button", { type: "button", class: "btn btn-small",
        onclick: () => load(d.id) }, d.has_children ? "下级部门" : "添加下级");
      const rename = h("button", { type: "button", class: "btn btn-small" }, "改名");
      rename.addEventListener("click", () => {
        // eslint-disable-next-line no-alert
        const name = window.prompt("新的部门名称：", d.name);
        if (name && name.trim() !== d.name) {
          act(rename, "正在保存…", () => endpoints.changeDepartment(d.id, { name: name.trim() }),
            `已改名为“${name.trim()}”。`);
        }
      });
      const enabled = d.status === "approved";
      const toggle = h("button", { type: "button", class: "btn btn-small" }, enabled ? "停用" : "启用");
      toggle.addEventListener("click", () => act(toggle, "正在保存…",
        () => endpoints.changeDepartment(d.id, { status: enabled ? "disabled" : "approved" }),
        `已${enabled ? "停用" : "启用"}“${d.name}”。`));
      return h("tr", {}, h("td", {}, d.name), h("td", {}, enabled ? "启用" : "已停用"),
        h("td", {}, open, " ", rename, " ", toggle));
    }))));
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = readField(form, "name");
    if (!name) {
      say(messages, "error", "请填写部门名称");
      return;
    }
    act(form.querySelector("button[type=submit]"), "正在保存…",
      () => endpoints.addDepartment({ name, parent_id: current.id }),
      `已在“${current.name}”下新增“${name}”。`).then((ok) => ok && form.reset());
  });
  await load(null);
  return null;
}
