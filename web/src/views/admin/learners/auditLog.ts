// 操作记录's pure parts: the action, the object and the before / after values in Chinese.
import type { components } from "@/api/schema";

export type AuditEntry = components["schemas"]["AuditEntry"];

export const ACTIONS: Record<string, string> = {
  member_approved: "通过人员注册", member_rejected: "驳回人员注册",
  org_registration_approved: "通过单位注册", org_registration_rejected: "驳回单位注册",
  org_info_change_requested: "提交修改单位信息", org_parent_change_requested: "提交更换上级部门",
  org_change_approved: "通过单位信息变更", org_change_rejected: "驳回单位信息变更",
  org_change_withdrawn: "撤销单位信息变更", org_info_changed: "修改联系方式", org_moved: "调整隶属关系",
  transfer_out: "人员调出", transfer_accepted: "接收调入", transfer_rejected: "拒绝调入",
  member_moved: "调整组织机构", department_added: "新增内设部门", department_changed: "修改内设部门",
  person_change_approved: "通过人员信息变更", person_change_rejected: "驳回人员信息变更",
  learner_added: "添加学员", learner_password_reset: "重置学员密码",
  learners_import_queued: "批量导入学员", admin_password_reset: "重置管理员密码",
  role_created: "新增角色", role_changed: "修改角色", role_deleted: "删除角色",
  admin_added: "新增管理员", admin_disabled: "禁用管理员", admin_active: "启用管理员",
  admin_revoked: "删除管理员", super_admin_set: "设置超级管理员",
  subordinate_admin_removed: "删除下级单位管理员", admin_invited: "邀请管理员",
  admin_invitation_withdrawn: "撤回管理员邀请", admin_invitation_accepted: "接受管理员邀请",
  admin_invitation_declined: "拒绝管理员邀请",
};

const TARGETS: Record<string, string> = {
  user: "用户", role: "角色", admin_grant: "管理员", learner_import: "导入任务", org: "单位",
  org_change: "单位变更申请", membership: "人员注册", transfer: "调动",
};

const KEYS: Record<string, string> = {
  status: "状态", reason: "原因", note: "备注", name: "名称", real_name: "姓名",
  modules: "权限模块", role: "角色", user_id: "用户ID", org_id: "单位ID", to_org_id: "调入单位ID",
  parent_id: "上级单位ID", units_moved: "调整单位数", filename: "文件名", is_super: "超级管理员",
  code_warning_confirmed: "已确认代码提示",
};

// The permission modules (services/common/authz.py MODULES).
const MODULES: Record<string, string> = {
  basic_info: "基本信息", direct_accounts: "直属账号", account_review: "账号审核",
  credit_declaration: "学时申报", declaration_records: "申报记录", credit_approval: "学时审批",
  batch_import: "批量导入", statistics: "查询统计", certificates: "证书打印",
  learner_management: "专技人员管理", pii_full: "查看完整身份信息",
};

const STATUSES: Record<string, string> = {
  pending: "待处理", approved: "已通过", rejected: "已驳回", accepted: "已接收",
  withdrawn: "已撤销", revoked: "已删除", active: "启用", disabled: "禁用", invited: "待接受",
  declined: "已拒绝",
};

export function actionLabel(action: string | undefined): string {
  return (action && ACTIONS[action]) || action || "—";
}

export function targetLabel(entry: Pick<AuditEntry, "target_type" | "target_id">): string {
  const type = entry.target_type ?? "";
  return `${TARGETS[type] ?? type} ${entry.target_id ?? ""}`.trim();
}

function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "是" : "否";
  if (key === "status" && typeof value === "string") return STATUSES[value] ?? value;
  if (key === "modules" && typeof value === "string") return MODULES[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => valueText(key, v)).join("、");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "状态: 待处理；原因: …" of a before / after value; "—" when there is none. */
export function brief(value: Record<string, unknown> | null | undefined): string {
  if (!value || !Object.keys(value).length) return "—";
  return Object.entries(value).map(([k, v]) => `${KEYS[k] ?? k}: ${valueText(k, v)}`).join("；");
}

/** The time of an entry in Beijing-style 24 h local time. */
export function timeOf(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("zh-CN", { hour12: false });
}
