// 基本信息修改 (Henan guide): the admin's own unit — contact details change at once;
// 修改单位信息 (name, code with a new scan) and 更换上级部门 go to review, one at a time and
// only while nothing awaits review below; 变更记录 with 撤销 of a pending change.
import { ApiError, endpoints } from "./api.js";
import { busy, clear, clearErrors, field, focusFirstError, h, readField, say,
  showErrors } from "./dom.js";
import { orgPicker } from "./orgpicker.js";
import { diffCell } from "./reviewlist.js";

const STATUS = { pending: "审核中", approved: "已生效", rejected: "已驳回", withdrawn: "已撤销" };
const PARENTS = {
  supervising_dept: ["hr_bureau"],
  employer: ["supervising_dept", "employer", "hr_bureau"],
  training_institution: ["supervising_dept", "hr_bureau"],
};

export async function myOrgView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const body = h("div", {});
  main.append(h("section", { class: "card card-wide" }, h("p", { class: "eyebrow" }, "基本信息"),
    h("h1", { tabindex: "-1" }, "本单位信息"), messages, body));
  let org;
  try {
    org = await endpoints.myOrg();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    say(messages, "error", err.detail);
    return null;
  }
  const report = (err, form) => {
    if (!(err instanceof ApiError)) throw err;
    const leftover = form ? showErrors(form, err.errors) : [];
    say(messages, "error", err.detail,
      leftover.length ? h("span", { class: "alert-note" }, leftover.join("；")) : null);
    messages.focus();
    if (form) focusFirstError(form);
  };

  // ---- contacts: at once ----------------------------------------------------------------
  const contacts = h("form", { class: "form", novalidate: true },
    h("h2", {}, "联系方式"),
    field({ name: "address", label: "单位地址", maxlength: 200, value: org.address }),
    field({ name: "contact_name", label: "联系人", maxlength: 50, value: org.contact_name }),
    field({ name: "contact_phone", label: "联系电话", type: "tel", maxlength: 20,
      value: org.contact_phone }),
    org.type === "employer" ? field({ name: "review_members", label: "本单位人员注册是否需要审核",
      type: "radio", value: org.review_members ? "yes" : "no",
      options: [{ value: "yes", label: "需要审核" }, { value: "no", label: "无需审核" }] }) : null,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "保存")));
  contacts.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(contacts);
    const changes = {};
    for (const name of ["address", "contact_name", "contact_phone"]) {
      changes[name] = readField(contacts, name);
    }
    if (org.type === "employer") changes.review_members = readField(contacts, "review_members") === "yes";
    try {
      org = await busy(contacts.querySelector("button[type=submit]"), "正在保存…",
        () => endpoints.updateMyOrg(changes));
      say(messages, "success", "联系方式已保存。");
    } catch (err) {
      report(err, contacts);
    }
  });

  // ---- name / code: reviewed --------------------------------------------------------------
  const info = h("form", { class: "form", novalidate: true },
    h("h2", {}, "修改单位信息"),
    h("p", { class: "hint" }, `当前：${org.name}，${org.uscc ? `统一社会信用代码 ${org.uscc}`
      : `组织机构代码 ${org.org_code || "—"}`}。修改经上级单位审核后生效；本单位及下级有待审核信息时不能提交。`),
    field({ name: "name", label: "新的单位名称", maxlength: 100 }),
    field({ name: "uscc", label: "新的统一社会信用代码", maxlength: 18 }),
    field({ name: "certificate", label: "新的代码证扫描件（修改代码时必传）", type: "file",
      accept: "image/jpeg,image/png,application/pdf" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "提交审核")));
  info.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(info);
    const request = { name: readField(info, "name") || null, uscc: readField(info, "uscc") || null };
    const file = info.querySelector('input[name="certificate"]').files[0];
    const button = info.querySelector("button[type=submit]");
    try {
      await busy(button, "正在提交…", async () => {
        if (file) request.certificate_id = (await endpoints.uploadCertificate(file)).certificate_id;
        return endpoints.requestOrgChange(request);
      });
      say(messages, "success", "修改申请已提交上级单位审核。");
      info.reset();
      await records();
    } catch (err) {
      report(err, info);
    }
  });

  // ---- parent: both parents review ---------------------------------------------------------
  const parent = orgPicker({ name: "parent_id", label: "新的上级部门", required: true,
    selectable: (o) => (PARENTS[org.type] || []).includes(o.type) && o.id !== org.id,
    hint: "须经原上级部门和新上级部门的管理员都审核通过后生效，下级单位随本单位一并调整。" });
  const move = h("form", { class: "form", novalidate: true }, h("h2", {}, "更换上级部门"),
    h("p", { class: "hint" }, `当前上级：${org.parent_name || "—"}`), parent,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" },
      "提交审核")));
  move.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(move);
    if (!parent.value) {
      showErrors(move, { parent_id: ["请选择新的上级部门"] });
      return;
    }
    try {
      await busy(move.querySelector("button[type=submit]"), "正在提交…",
        () => endpoints.requestParentChange({ parent_id: parent.value.id }));
      say(messages, "success", "更换上级部门的申请已提交，待原上级和新上级审核。");
      await records();
    } catch (err) {
      report(err, move);
    }
  });

  // ---- 变更记录 -------------------------------------------------------------------------------
  const history = h("div", { class: "results" });
  async function records() {
    clear(history);
    const { items } = await endpoints.orgChanges();
    if (!items.length) {
      history.append(h("p", {}, "没有变更记录。"));
      return;
    }
    history.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["类型", "修改内容", "状态", "原因", "提交时间", "操作"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...items.map((c) => {
      const action = h("td");
      if (c.status === "pending") {
        const button = h("button", { type: "button", class: "btn btn-small" }, "撤销");
        button.addEventListener("click", async () => {
          try {
            await busy(button, "正在撤销…", () => endpoints.withdrawOrgChange(c.change_id));
            say(messages, "success", "已撤销该修改申请。");
            await records();
          } catch (err) {
            report(err);
          }
        });
        action.append(button);
      }
      return h("tr", {}, h("td", {}, c.kind_label), h("td", {}, diffCell(c.diff)),
        h("td", {}, STATUS[c.status] || c.status), h("td", {}, c.reason || ""),
        h("td", {}, new Date(c.requested_at).toLocaleString("zh-CN", { hour12: false })), action);
    }))));
  }

  body.append(
    h("dl", { class: "facts" }, h("dt", {}, "单位名称"), h("dd", {}, org.name),
      h("dt", {}, "单位类型"), h("dd", {}, org.type_label), h("dt", {}, "上级单位"),
      h("dd", {}, org.parent_name || "—")),
    contacts, info, PARENTS[org.type] ? move : null, h("h2", {}, "变更记录"), history);
  await records();
  return null;
}
