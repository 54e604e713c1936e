// 操作记录: approvals and admin actions of this unit and the units below it (who, what,
// when, before / after), newest first.
import { ApiError, endpoints } from "./api.js";
import { clear, h, pagerControls, say } from "./dom.js";

const PAGE_SIZE = 50;
const ACTIONS = {
  member_approved: "通过人员注册", member_rejected: "驳回人员注册",
  org_registration_approved: "通过单位注册", org_registration_rejected: "驳回单位注册",
  org_info_change_requested: "提交修改单位信息", org_parent_change_requested: "提交更换上级部门",
  org_change_approved: "通过单位信息变更", org_change_rejected: "驳回单位信息变更",
  org_change_withdrawn: "撤销单位信息变更", org_info_changed: "修改联系方式", org_moved: "调整隶属关系",
  transfer_out: "人员调出", transfer_accepted: "接收调入", transfer_rejected: "拒绝调入",
  member_moved: "调整组织机构", department_added: "新增内设部门", department_changed: "修改内设部门",
  person_change_approved: "通过人员信息变更", person_change_rejected: "驳回人员信息变更",
  learner_added: "添加学员", admin_password_reset: "重置密码", role_created: "新增角色",
  role_changed: "修改角色", role_deleted: "删除角色", admin_added: "新增管理员",
  admin_disabled: "禁用管理员", admin_active: "启用管理员", admin_revoked: "删除管理员",
  super_admin_set: "设置超级管理员", subordinate_admin_removed: "删除下级单位管理员",
  admin_invited: "邀请管理员", admin_invitation_withdrawn: "撤回管理员邀请",
  admin_invitation_accepted: "接受管理员邀请", admin_invitation_declined: "拒绝管理员邀请",
};
const brief = (value) => (value == null ? "—" : Object.entries(value)
  .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : v}`)
  .join("；"));

export async function auditLogView(main) {
  const messages = h("div", { class: "messages", tabindex: "-1" });
  const list = h("div", { class: "results" });
  const pager = h("div", { class: "actions pager" });
  main.append(h("section", { class: "card card-wide" }, h("p", { class: "eyebrow" }, "查询统计"),
    h("h1", { tabindex: "-1" }, "操作记录"), messages, list, pager));
  let page = 1;
  async function load() {
    clear(list);
    let result;
    try {
      result = await endpoints.auditLog({ page, page_size: PAGE_SIZE });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      say(messages, "error", err.detail);
      return;
    }
    if (!result.items.length) {
      list.append(h("p", {}, "还没有操作记录。"));
      return;
    }
    list.append(h("table", { class: "table" }, h("thead", {}, h("tr", {},
      ...["时间", "操作人", "操作", "对象", "操作前", "操作后"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...result.items.map((e) => h("tr", {},
      h("td", {}, new Date(e.at).toLocaleString("zh-CN", { hour12: false })),
      h("td", {}, `用户 ${e.actor_user_id}`), h("td", {}, ACTIONS[e.action] || e.action),
      h("td", {}, `${e.target_type} ${e.target_id}`), h("td", {}, brief(e.before)),
      h("td", {}, brief(e.after)))))));
    pagerControls(pager, page, Math.ceil(result.total / PAGE_SIZE), (n) => {
      page = n;
      load();
    });
  }
  await load();
  return null;
}
