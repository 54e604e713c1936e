// The checks the registration screens make before asking the server (用户注册, 单位注册,
// 注册审核进度查询). They only help: the server's answer is what counts.
import type { components } from "@/api/schema";

import { passwordProblem } from "@/rules/password";

export { PASSWORD_HINT, passwordProblem, strengthOf } from "@/rules/password";

export type RegisterBody = components["schemas"]["RegisterBody"];
export type OrgRegistrationBody = components["schemas"]["OrgRegistrationBody"];
export type OrgType = OrgRegistrationBody["type"];
/** Field name (dotted for nested ones) → its message. */
export type Problems = Record<string, string>;

export const USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,19}$/;
export const MOBILE_RE = /^1[3-9]\d{9}$/;
export const CITIZEN_ID_RE = /^\d{17}[\dXx]$/;
export const MAX_SCAN_BYTES = 5 * 1024 * 1024;
export const SCAN_TYPES = ["image/jpeg", "image/png", "application/pdf"];

// ---- 用户注册 ---------------------------------------------------------------------------

/** The wizard's form: every input as typed (selects and dates are "" until chosen). */
export interface PersonForm {
  username: string;
  password: string;
  password_confirm: string;
  real_name: string;
  mobile: string;
  id_type: string;
  id_number: string;
  birth_date: string;
  gender: string;
  ethnicity: string;
  title_status: string;
  title_level: string;
  professional_title: string;
  title_date: string;
  education: string;
  political_status: string;
  email: string;
}

export const ACCOUNT_FIELDS = ["username", "password", "password_confirm"] as const;
export const PERSON_FIELDS = ["org_id", "real_name", "mobile", "id_type", "id_number",
  "birth_date", "gender", "ethnicity", "title_status", "title_level", "professional_title",
  "title_date", "education", "political_status", "email"] as const;
const OPTIONAL = ["email", "ethnicity", "title_level", "professional_title", "title_date",
  "education", "political_status"] as const;

export function emptyPersonForm(): PersonForm {
  return { username: "", password: "", password_confirm: "", real_name: "", mobile: "",
    id_type: "id_card", id_number: "", birth_date: "", gender: "", ethnicity: "",
    title_status: "", title_level: "", professional_title: "", title_date: "", education: "",
    political_status: "", email: "" };
}

/** The title fields are required only of people who hold a title. */
export const holdsTitle = (form: Pick<PersonForm, "title_status">): boolean =>
  form.title_status === "已取得";

export function accountProblems(form: PersonForm): Problems {
  const out: Problems = {};
  const name = form.username.trim();
  if (!name) out.username = "请输入用户名";
  else if (!USERNAME_RE.test(name)) out.username = "用户名须为4–20位字母、数字或下划线，且以字母开头";
  const problem = passwordProblem(form.password, name);
  if (problem) out.password = problem;
  if (!form.password_confirm) out.password_confirm = "请再次输入密码";
  else if (form.password !== form.password_confirm) out.password_confirm = "两次输入的密码不一致";
  return out;
}

export function personProblems(form: PersonForm, orgChosen: boolean): Problems {
  const out: Problems = {};
  const need = (name: keyof PersonForm, message: string) => {
    if (!form[name].trim()) out[name] = message;
  };
  if (!orgChosen) out.org_id = "请选择所属组织机构";
  need("real_name", "请输入真实姓名");
  const mobile = form.mobile.trim();
  if (!mobile) out.mobile = "请输入手机号";
  else if (!MOBILE_RE.test(mobile)) out.mobile = "手机号须为11位中国大陆手机号码";
  need("id_type", "请选择证件类型");
  need("id_number", "请输入证件号码");
  need("birth_date", "请选择出生日期");
  need("gender", "请选择性别");
  need("title_status", "请选择是否已取得职称");
  if (holdsTitle(form)) {
    need("title_level", "已取得职称时须填写职称级别");
    need("professional_title", "已取得职称时须填写专业技术职称");
  }
  return out;
}

/** A citizen ID states the birth date and the sex: what it says, or null. */
export function factsOfCitizenId(number: string):
  { birth_date: string | null; gender: "male" | "female" } | null {
  const n = number.trim();
  if (!CITIZEN_ID_RE.test(n)) return null;
  const birth = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  const real = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === birth;
  return { birth_date: real ? birth : null, gender: Number(n[16]) % 2 ? "male" : "female" };
}

/** The POST /auth/register body: trimmed, optional fields left empty sent as null. */
export function registerBody(form: PersonForm, orgId: number): RegisterBody {
  const value = (name: keyof PersonForm) => form[name].trim();
  const optional = Object.fromEntries(OPTIONAL.map((name) => [name, value(name) || null]));
  return {
    username: value("username"), password: form.password, password_confirm: form.password_confirm,
    org_id: orgId, real_name: value("real_name"), mobile: value("mobile"),
    id_type: value("id_type") as RegisterBody["id_type"], id_number: value("id_number"),
    birth_date: value("birth_date"), gender: value("gender") as RegisterBody["gender"],
    title_status: value("title_status") as RegisterBody["title_status"],
    ...(optional as Pick<RegisterBody, (typeof OPTIONAL)[number]>),
  };
}

/** Which wizard step shows a field (0 the account, 1 the person). */
export function stepOfField(name: string): 0 | 1 {
  return (ACCOUNT_FIELDS as readonly string[]).includes(name) ? 0 : 1;
}

// ---- 单位注册 ---------------------------------------------------------------------------

export const ORG_TYPES: { value: OrgType; label: string }[] = [
  { value: "supervising_dept", label: "主管部门" },
  { value: "employer", label: "用人单位" },
  { value: "training_institution", label: "继续教育基地" },
];
/** Which units may be the parent of each type (as the server checks). */
export const PARENT_TYPES: Record<OrgType, readonly string[]> = {
  supervising_dept: ["hr_bureau"],
  employer: ["supervising_dept", "employer", "hr_bureau"],
  training_institution: ["supervising_dept", "hr_bureau"],
};
export const INSTITUTION_LEVELS = ["国家级", "省级", "市级", "县级"] as const;

export function canBeParent(type: OrgType | "", orgType: string | undefined): boolean {
  return PARENT_TYPES[type || "employer"].includes(orgType ?? "");
}

export interface OrgForm {
  type: OrgType | "";
  uscc: string;
  org_code: string;
  name: string;
  region: string;
  address: string;
  contact_name: string;
  contact_phone: string;
  institution_level: string;
  review_members: "yes" | "no";
  applicant: {
    existing: "yes" | "no" | "";
    id_number: string;
    password: string;
    password_confirm: string;
    real_name: string;
    mobile: string;
    email: string;
    landline: string;
  };
}

export function emptyOrgForm(): OrgForm {
  return { type: "", uscc: "", org_code: "", name: "", region: "", address: "",
    contact_name: "", contact_phone: "", institution_level: "", review_members: "yes",
    applicant: { existing: "", id_number: "", password: "", password_confirm: "",
      real_name: "", mobile: "", email: "", landline: "" } };
}

/** The fields each step of the unit wizard shows (server messages send you back there). */
export const ORG_STEP_FIELDS: readonly (readonly string[])[] = [
  ["type", "uscc", "org_code", "certificate_id", "certificate"],
  ["parent_id", "name", "region", "address", "contact_name", "contact_phone",
    "institution_level", "review_members"],
  ["applicant.existing", "applicant.id_number", "applicant.password",
    "applicant.password_confirm", "applicant.real_name", "applicant.mobile", "applicant.email",
    "applicant.landline"],
];

export interface Scan {
  size: number;
}

export function codeProblems(form: OrgForm, scan: Scan | null, uploaded: boolean): Problems {
  const out: Problems = {};
  if (!form.type) out.type = "请选择注册类型";
  if (!form.uscc.trim() && !form.org_code.trim()) out.uscc = "请填写统一社会信用代码或组织机构代码";
  if (!uploaded && !scan) out.certificate = "请上传代码证扫描件";
  else if (scan && scan.size > MAX_SCAN_BYTES) out.certificate = "扫描件不能超过5MB";
  return out;
}

export function basicProblems(form: OrgForm, parentChosen: boolean): Problems {
  const out: Problems = {};
  if (!parentChosen) out.parent_id = "请选择上级单位";
  const required: [keyof OrgForm, string][] = [["name", "单位名称"], ["address", "单位地址"],
    ["contact_name", "联系人"], ["contact_phone", "联系电话"]];
  for (const [name, label] of required) {
    if (!String(form[name]).trim()) out[name] = `请填写${label}`;
  }
  if (form.type === "training_institution" && !form.institution_level) {
    out.institution_level = "请选择继续教育基地级别";
  }
  return out;
}

export function applicantProblems(form: OrgForm): Problems {
  const out: Problems = {};
  const a = form.applicant;
  if (!a.existing) out["applicant.existing"] = "请选择申请人是否已是本系统用户";
  if (!CITIZEN_ID_RE.test(a.id_number.trim())) out["applicant.id_number"] = "请填写18位身份证号码";
  if (!a.password) out["applicant.password"] = "请输入密码";
  if (a.existing === "no") {
    const problem = passwordProblem(a.password);
    if (problem) out["applicant.password"] = problem;
    if (a.password !== a.password_confirm) out["applicant.password_confirm"] = "两次输入的密码不一致";
    if (!a.real_name.trim()) out["applicant.real_name"] = "请填写真实姓名";
    if (!MOBILE_RE.test(a.mobile.trim())) out["applicant.mobile"] = "手机号须为11位中国大陆手机号码";
  }
  return out;
}

/** The POST /orgs/registrations body. */
export function orgRegistrationBody(form: OrgForm, parentId: number,
  certificateId: string): OrgRegistrationBody {
  const optional = (text: string) => text.trim() || null;
  const a = form.applicant;
  const existing = a.existing === "yes";
  const type = form.type as OrgType;
  return {
    type, parent_id: parentId, name: form.name.trim(), uscc: optional(form.uscc),
    org_code: optional(form.org_code), region: optional(form.region),
    address: form.address.trim(), contact_name: form.contact_name.trim(),
    contact_phone: form.contact_phone.trim(),
    institution_level: type === "training_institution"
      ? form.institution_level as OrgRegistrationBody["institution_level"] : null,
    review_members: form.review_members !== "no",
    certificate_id: certificateId,
    applicant: existing
      ? { existing, id_number: a.id_number.trim(), password: a.password }
      : { existing, id_number: a.id_number.trim(), password: a.password,
        password_confirm: a.password_confirm, real_name: a.real_name.trim(),
        mobile: a.mobile.trim(), email: optional(a.email), landline: optional(a.landline) },
  };
}

/** The first wizard step showing one of `names`, or `fallback`. */
export function firstStepOf(names: string[], fallback: number): number {
  const step = ORG_STEP_FIELDS.findIndex((fields) => fields.some((f) => names.includes(f)));
  return step === -1 ? fallback : step;
}
