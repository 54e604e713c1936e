// 管理下级单位 / 管理施教机构: units below the admin's own with their registration data and
// member counts; their admins, whose rights can be removed (they can no longer log in).
import { ApiError, endpoints } from "./api.js";
import { busy, clear, field, h, readField, say } from "./dom.js";

export async function subordinatesView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const filters = h("form", { class: "form form-inline", role: "search" },
    field({ name: "type", label: "单位类型", type: "select", emptyLabel: "全部", options: [
      { value: "supervising_dept", label: "主管部门" }, { value: "employer", label: "用人单位" },
      { value: "training_institution", label: "继续教育基地（施教机构）" }] }),
    field({ name: "q", label: "单位名称", type: "search", maxlength: 100 }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-secondary" },
      "查询")));
  const list = h("div", { class: "results" });
  main.append(h("section", { class: "card card-wide" }, h("p", { class: "eyebrow" }, "管理直属账户"),
    h("h1", { tabindex: "-1" }, "下级单位与施教机构"), messages, filters, list));

  async function load() {
    clear(list);
    const query = {};
    for (const name of ["type", "q"]) {
      const value = readField(filters, name);
      if (value) query[name] = value;
    }
    let page;
    try {
      page = await endpoints.subordinateUnits(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!page.items.length) {
      list.append(h("p", {}, "没有下级单位。"));
      return;
    }
    list.append(h("p", {}, `共 ${page.total} 个单位`), h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ...["单位名称", "类型", "代码", "上级单位", "在册人员", "联系人",
        "管理员"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...page.items.map((u) => {
        const admins = h("td", {});
        const show = h("button", { type: "button", class: "btn btn-small" }, "查看管理员");
        show.addEventListener("click", () => showAdmins(u, admins));
        admins.append(show);
        return h("tr", {}, h("td", {}, u.name, u.status === "disabled"
          ? h("span", { class: "badge badge-warn" }, "已停用") : null),
        h("td", {}, u.type_label, u.institution_level ? `（${u.institution_level}）` : ""),
        h("td", {}, u.uscc || u.org_code || ""), h("td", {}, u.parent_name || ""),
        h("td", {}, String(u.member_count)),
        h("td", {}, `${u.contact_name || ""} ${u.contact_phone || ""}`), admins);
      }))));
  }

  async function showAdmins(unit, cell) {
    clear(cell);
    let result;
    try {
      result = await endpoints.subordinateAdmins(unit.org_id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!result.items.length) {
      cell.append("无管理员");
      return;
    }
    cell.append(h("ul", { class: "plain" }, ...result.items.map((a) => {
      const remove = h("button", { type: "button", class: "btn btn-small" }, "删除");
      remove.addEventListener("click", async () => {
        // eslint-disable-next-line no-alert
        if (!window.confirm(`删除“${a.real_name || a.username}”在${unit.name}的管理员权限？删除后不能再以该单位管理员登录。`)) return;
        try {
          await busy(remove, "正在删除…", () => endpoints.removeSubordinateAdmin(unit.org_id,
            a.grant_id));
          say(messages, "success", `已删除“${a.real_name || a.username}”的管理员权限。`);
          await showAdmins(unit, cell);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          say(messages, "error", err.detail);
        }
      });
      const note = a.is_super ? "，超级管理员" : a.status === "invited" ? "，待接受邀请" : "";
      return h("li", {}, `${a.real_name || a.username}（${a.role_name}${note}）`,
        " ", remove);
    })));
  }

  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  await load();
  return null;
}
