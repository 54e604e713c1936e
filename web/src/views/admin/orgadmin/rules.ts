// The rules the unit-administration screens (本单位信息, 内设部门, 下级单位与施教机构, 管理员与角色)
// apply before calling the gateway: labels, which actions a row offers, which units may be
// chosen, and the request bodies built from what was typed. Pure functions (unit tested in
// tests/orgadmin.test.ts); the services enforce every rule again.
import type { components } from "@/api/schema";
import type { OrgNode } from "@/components/orgNode";

type Schemas = components["schemas"];
export type OrgChange = Schemas["OrgChange"];
export type DiffRow = Schemas["DiffRow"];
export type Admin = Schemas["Admin"];
export type UnitAdmin = Schemas["UnitAdmin"];
export type Role = Schemas["Role"];
export type ModuleCode = Schemas["RoleBody"]["modules"][number];
export type AddAdminBody = Schemas["AddAdminBody"];

// ---- 本单位信息 -----------------------------------------------------------------------------

export const CHANGE_STATUS: Record<string, string> = {
  pending: "审核中", approved: "已生效", rejected: "已驳回", withdrawn: "已撤销",
};

export const CHANGE_STATUS_TAG: Record<string, "warning" | "success" | "danger" | "info"> = {
  pending: "warning", approved: "success", rejected: "danger", withdrawn: "info",
};

const PARENT_DECISION: Record<string, string> = { approved: "已通过", rejected: "已驳回" };

/** Who may be a unit's parent, by the unit's type (the guide's registration rules). */
export const PARENT_TYPES: Record<string, readonly string[]> = {
  supervising_dept: ["hr_bureau"],
  employer: ["supervising_dept", "employer", "hr_bureau"],
  training_institution: ["supervising_dept", "hr_bureau"],
};

/** Whether a unit of `orgType` may ask to move at all (更换上级部门). */
export function canChangeParent(orgType: string | undefined): boolean {
  return Boolean(orgType && PARENT_TYPES[orgType]);
}

/** The OrgPicker rule for a new parent: a unit of an allowed type, other than the unit
 * itself and its current parent. */
export function parentSelectable(org: { id?: number; type?: string; parent_id?: number }) {
  const allowed = PARENT_TYPES[org.type ?? ""] ?? [];
  return (node: OrgNode): boolean => Boolean(node.type && allowed.includes(node.type))
    && node.id !== org.id && node.id !== org.parent_id;
}

/** A value of a change record's diff as a person reads it. */
export function diffValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "（空）";
  if (typeof value === "boolean") return value ? "是" : "否";
  return String(value);
}

/** The two parents' decisions on a parent change still under review, or "". */
export function parentDecisions(change: OrgChange): string {
  if (change.kind !== "parent" || change.status !== "pending") return "";
  const side = (decision: string | null | undefined) => PARENT_DECISION[decision ?? ""] ?? "待审核";
  return `原上级：${side(change.old_parent_decision)}；新上级：${side(change.new_parent_decision)}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString("zh-CN", { hour12: false });
}

export interface InfoChangeInput {
  name: string;
  uscc: string;
}

/** The body of 修改单位信息 (certificate_id added once the scan is uploaded), or the reason
 * nothing can be sent. */
export function infoChangeBody(input: InfoChangeInput, current: { name?: string }):
{ body: { name: string | null; uscc: string | null } } | { error: string } {
  const name = input.name.trim();
  const uscc = input.uscc.trim().toUpperCase();
  if (!name && !uscc) return { error: "请填写新的单位名称或新的统一社会信用代码" };
  if (name && name === current.name && !uscc) return { error: "新的单位名称与当前名称相同" };
  return { body: { name: name || null, uscc: uscc || null } };
}

export const CERTIFICATE_TYPES = ["image/jpeg", "image/png", "application/pdf"];
export const CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024;

/** Why a chosen scan cannot be uploaded, or null. */
export function certificateProblem(file: { type: string; size: number }): string | null {
  if (!CERTIFICATE_TYPES.includes(file.type)) return "扫描件须为 JPG、PNG 或 PDF 文件";
  if (file.size > CERTIFICATE_MAX_BYTES) return "扫描件不能超过5MB";
  return null;
}

// ---- 内设部门 -------------------------------------------------------------------------------

/** Departments are kept under employers and under (enabled) departments. */
export function acceptsDepartments(unit: { type?: string; status?: string }): boolean {
  if (unit.type === "employer") return true;
  return unit.type === "internal_dept" && unit.status !== "disabled";
}

export function departmentEnabled(dept: { status?: string }): boolean {
  return dept.status === "approved";
}

/** A department name as the service takes it, or why not. */
export function departmentNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return "请填写部门名称";
  if (trimmed.length > 100) return "部门名称不能超过100个字符";
  return null;
}

// ---- 下级单位与施教机构 ----------------------------------------------------------------------

export const UNIT_TYPES = [
  { value: "supervising_dept", label: "主管部门" },
  { value: "employer", label: "用人单位" },
  { value: "training_institution", label: "继续教育基地（施教机构）" },
] as const;

export const INSTITUTION_LEVELS = ["国家级", "省级", "市级", "县级"] as const;

export function adminName(admin: { real_name?: string | null; username?: string }): string {
  return admin.real_name || admin.username || "";
}

/** A unit admin's standing as the list says it: 超级管理员 / 待接受邀请 / 已禁用 / "". */
export function unitAdminNote(admin: UnitAdmin): string {
  if (admin.status === "invited") return "待接受邀请";
  if (admin.is_super) return "超级管理员";
  if (admin.status === "disabled") return "已禁用";
  return "";
}

// ---- 管理员与角色 ----------------------------------------------------------------------------

export const ADMIN_STATUS: Record<string, string> = {
  active: "启用", disabled: "禁用", invited: "待接受",
};

export type AdminAction = "withdraw" | "disable" | "enable" | "make_super" | "reset_password"
  | "remove";

/** What the super admin may do to an admin of the unit: an invitation can only be withdrawn;
 * the super admin (and oneself) is left alone; only an active admin becomes super. */
export function adminActions(admin: Admin, selfUserId: number | undefined): AdminAction[] {
  if (admin.status === "invited") return ["withdraw"];
  if (admin.is_super || (selfUserId !== undefined && admin.user_id === selfUserId)) return [];
  const actions: AdminAction[] = [admin.status === "active" ? "disable" : "enable"];
  if (admin.status === "active") actions.push("make_super");
  actions.push("reset_password", "remove");
  return actions;
}

export const ACTION_LABELS: Record<AdminAction, string> = {
  withdraw: "撤回邀请", disable: "禁用", enable: "启用", make_super: "设为超级管理员",
  reset_password: "重置密码", remove: "删除",
};

/** The confirmation asked before an action, and the message after it. */
export function actionTexts(action: AdminAction, who: string): { confirm: string; done: string } {
  switch (action) {
    case "withdraw":
      return { confirm: `撤回对“${who}”的管理员邀请？`, done: `已撤回对“${who}”的邀请。` };
    case "disable":
      return { confirm: `禁用“${who}”？禁用后其不能再以本单位管理员登录，可以再启用。`,
        done: `已禁用“${who}”。` };
    case "enable":
      return { confirm: `启用“${who}”？`, done: `已启用“${who}”。` };
    case "make_super":
      return { confirm: `将“${who}”设为超级管理员？设置后您将不再是超级管理员，不能再管理管理员与角色。`,
        done: `“${who}”已成为超级管理员，您不再是超级管理员。` };
    case "reset_password":
      return { confirm: `将“${who}”的密码重置为证件号码后六位？其下次登录须修改密码。`,
        done: `已将“${who}”的密码重置为证件号码后六位。` };
    case "remove":
      return { confirm: `删除“${who}”的管理员权限？删除后不能恢复，其不能再以本单位管理员登录。`,
        done: `已删除“${who}”的管理员权限。` };
  }
}

export type AddWay = "existing" | "member" | "new";

export interface AddAdminInput {
  way: AddWay;
  role_id: number | null;
  login_name: string;
  member: { user_id?: number } | null;
  id_number: string;
  real_name: string;
  mobile: string;
  email: string;
}

/** The body of 新增管理员 for the chosen way, or the message of each missing field. */
export function addAdminBody(input: AddAdminInput):
{ body: AddAdminBody } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!input.role_id) errors.role_id = "请选择角色";
  let body: AddAdminBody | null = null;
  if (input.way === "existing") {
    const name = input.login_name.trim();
    if (!name) errors.login_name = "请填写用户名或身份证号码";
    body = { role_id: input.role_id ?? 0, login_name: name };
  } else if (input.way === "member") {
    if (!input.member?.user_id) errors.user_id = "请选择本单位人员";
    body = { role_id: input.role_id ?? 0, user_id: input.member?.user_id ?? null };
  } else {
    const person = { id_number: input.id_number.trim().toUpperCase(),
      real_name: input.real_name.trim(), mobile: input.mobile.trim(),
      email: input.email.trim() || null };
    if (!person.id_number) errors["new_person.id_number"] = "请填写身份证号码";
    if (!person.real_name) errors["new_person.real_name"] = "请填写真实姓名";
    if (!person.mobile) errors["new_person.mobile"] = "请填写手机号码";
    body = { role_id: input.role_id ?? 0, new_person: person };
  }
  return Object.keys(errors).length ? { errors } : { body };
}

/** The message after adding: an outsider is only invited. */
export function addedMessage(added: Admin): string {
  return added.status === "invited"
    ? "该用户不属于本单位，已向其发出邀请：对方登录后接受邀请，才成为本单位管理员。"
    : "已新增管理员。";
}

export interface PermissionModule {
  code: ModuleCode;
  label: string;
}

/** A role's body from the dialog, or the message of each missing field. */
export function roleBody(name: string, modules: ModuleCode[]):
{ body: { name: string; modules: ModuleCode[] } } | { errors: Record<string, string> } {
  const trimmed = name.trim();
  const errors: Record<string, string> = {};
  if (!trimmed) errors.name = "请填写角色名称";
  else if (trimmed.length > 50) errors.name = "角色名称不能超过50个字符";
  return Object.keys(errors).length ? { errors } : { body: { name: trimmed, modules } };
}
