// 角色管理 / 管理单位管理员 (Henan guide), for the unit's super admin: roles are named sets
// of permission modules; admins are added in the guide's ways (an existing user, or a new
// one logging in with the ID number), disabled, removed, given super status (the old super
// admin stops being one) or have their password reset. An existing user from outside the
// unit is invited (待接受) until they accept; the invitation can be withdrawn.
import { ApiError, endpoints } from "./api.js";
import { actionRunner } from "./actions.js";
import { clear, field, h, readField, say } from "./dom.js";

const STATUS_LABELS = { active: "启用", disabled: "禁用", invited: "待接受" };

export async function staffView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const rolesBox = h("div", { class: "results" });
  const adminsBox = h("div", { class: "results" });
  const card = h("section", { class: "card card-wide" }, h("p", { class: "eyebrow" }, "管理直属账户"),
    h("h1", { tabindex: "-1" }, "管理员与角色"), messages);
  main.append(card);
  let vocab;
  try {
    vocab = await endpoints.vocabularies();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    say(messages, "error", err.detail);
    return null;
  }
  const modules = vocab.permission_modules || [];
  const act = actionRunner(messages, () => Promise.all([loadRoles(), loadAdmins()]));

  // ---- roles ---------------------------------------------------------------------------
  const roleForm = h("form", { class: "form", novalidate: true },
    h("h3", {}, "新增角色"),
    field({ name: "role_name", label: "角色名称", maxlength: 50, required: true }),
    h("fieldset", { class: "checks" }, h("legend", {}, "权限模块"),
      ...modules.map((m) => h("label", { class: "checkbox" },
        h("input", { type: "checkbox", name: "module", value: m.code }), ` ${m.label}`))),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "新增角色")));
  roleForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { name: readField(roleForm, "role_name"),
      modules: [...roleForm.querySelectorAll("input[name=module]:checked")].map((i) => i.value) };
    act(roleForm.querySelector("button[type=submit]"), "正在保存…",
      () => endpoints.createRole(body), `已新增角色“${body.name}”。`).then((ok) => ok && roleForm.reset());
  });
  let roles = [];
  async function loadRoles() {
    roles = await endpoints.roles();
    clear(rolesBox);
    rolesBox.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["角色", "权限模块", "操作"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...roles.map((r) => {
      const remove = h("button", { type: "button", class: "btn btn-small" }, "删除");
      remove.addEventListener("click", () => act(remove, "正在删除…",
        () => endpoints.deleteRole(r.id), `已删除角色“${r.name}”。`));
      return h("tr", {}, h("td", {}, r.name), h("td", {}, r.module_labels.join("、") || "—"),
        h("td", {}, remove));
    }))));
    const select = adminForm.querySelector("select[name=role_id]");
    clear(select);
    select.append(h("option", { value: "" }, "—请选择—"),
      ...roles.map((r) => h("option", { value: String(r.id) }, r.name)));
  }

  // ---- admins --------------------------------------------------------------------------
  const newOnly = h("div", {},
    field({ name: "new_real_name", label: "真实姓名", maxlength: 30 }),
    field({ name: "new_mobile", label: "手机号码", type: "tel", maxlength: 11 }));
  const adminForm = h("form", { class: "form", novalidate: true },
    h("h3", {}, "新增管理员"),
    field({ name: "way", label: "添加方式", type: "radio", value: "existing", options: [
      { value: "existing", label: "已是本系统用户" }, { value: "new", label: "新用户" }] }),
    field({ name: "login_name", label: "用户名或身份证号码", maxlength: 64,
      hint: "新用户填写身份证号码，初始密码为其后六位，首次登录须修改" }),
    newOnly,
    field({ name: "role_id", label: "角色", type: "select", options: [] }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "新增管理员")));
  const sync = () => { newOnly.hidden = readField(adminForm, "way") !== "new"; };
  adminForm.addEventListener("change", sync);
  sync();
  adminForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const roleId = Number(readField(adminForm, "role_id"));
    const name = readField(adminForm, "login_name");
    const body = readField(adminForm, "way") === "new"
      ? { role_id: roleId, new_person: { id_number: name,
        real_name: readField(adminForm, "new_real_name"), mobile: readField(adminForm, "new_mobile") } }
      : { role_id: roleId, login_name: name };
    act(adminForm.querySelector("button[type=submit]"), "正在添加…",
      () => endpoints.addAdmin(body), (added) => (added.status === "invited"
        ? "该用户不属于本单位，已向其发出邀请：对方登录后接受邀请，才成为本单位管理员。"
        : "已新增管理员。")).then((ok) => ok && adminForm.reset());
  });

  async function loadAdmins() {
    const admins = await endpoints.admins();
    clear(adminsBox);
    adminsBox.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["管理员", "证件号码", "角色", "状态", "操作"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...admins.map((a) => {
      const who = a.real_name || a.username;
      const button = (label, busyLabel, action, done) => {
        const b = h("button", { type: "button", class: "btn btn-small" }, label);
        b.addEventListener("click", () => {
          // eslint-disable-next-line no-alert
          if (window.confirm(`${label}：${who}？`)) act(b, busyLabel, action, done);
        });
        return b;
      };
      const actions = h("td", {});
      if (a.status === "invited") {
        actions.append(button("撤回邀请", "正在撤回…", () => endpoints.removeAdmin(a.grant_id),
          `已撤回对“${who}”的邀请。`));
      } else if (!a.is_super) {
        actions.append(
          a.status === "active"
            ? button("禁用", "正在禁用…", () => endpoints.setAdminStatus(a.grant_id, "disabled"),
              `已禁用“${who}”。`)
            : button("启用", "正在启用…", () => endpoints.setAdminStatus(a.grant_id, "active"),
              `已启用“${who}”。`),
          " ", button("设为超级管理员", "正在设置…", () => endpoints.makeSuperAdmin(a.grant_id),
            `“${who}”已成为超级管理员，您不再是超级管理员。`),
          " ", button("重置密码", "正在重置…", () => endpoints.resetAdminPassword(a.grant_id),
            `已将“${who}”的密码重置为证件号码后六位。`),
          " ", button("删除", "正在删除…", () => endpoints.removeAdmin(a.grant_id),
            `已删除“${who}”的管理员权限。`));
      }
      return h("tr", {}, h("td", {}, who, a.is_super
        ? h("span", { class: "badge" }, "超级管理员") : null),
      h("td", {}, a.id_number_masked || ""), h("td", {}, a.role_name),
      h("td", {}, STATUS_LABELS[a.status] || a.status), actions);
    }))));
  }

  card.append(h("h2", {}, "角色"), rolesBox, roleForm, h("h2", {}, "管理员"), adminsBox, adminForm);
  try {
    await loadRoles();
    await loadAdmins();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    clear(rolesBox);
    say(messages, "error", err.detail);
    roleForm.hidden = true;
    adminForm.hidden = true;
  }
  return null;
}
