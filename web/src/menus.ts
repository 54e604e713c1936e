// What each shell's navigation offers. An admin sees the functions of their role's
// permission modules (the services enforce them again); the operator sees every platform
// function; a learner sees the seed's navigation, an entry showing once its backend exists.
import type { Role, SessionUser } from "@/api/session";

export interface Access {
  /** Roles that may open it (none: any signed-in role). */
  roles?: Role[];
  /** The admin's role must hold this permission module (the operator always may). */
  module?: string;
  /** Only a super admin 超级管理员 (and never the operator unless listed in roles). */
  superOnly?: boolean;
}

export interface MenuItem extends Access {
  path: string;
  label: string;
  hint?: string;
}

export interface MenuGroup {
  title: string;
  items: MenuItem[];
}

export const ADMIN_ROLES: Role[] = ["admin", "operator"];

export function canAccess(access: Access, user: SessionUser | null): boolean {
  if (!user) return false;
  if (access.roles && !access.roles.includes(user.role)) return false;
  if (user.role === "admin") {
    if (access.superOnly && !user.is_super) return false;
    if (access.module && !(user.modules ?? []).includes(access.module)) return false;
  }
  return true;
}

// 管理首页's functions grouped as the Henan guide lists them.
export const ADMIN_MENU: MenuGroup[] = [
  { title: "审核账户", items: [
    { path: "/admin/org-reviews", label: "审核单位注册", module: "account_review",
      hint: "下级主管部门、用人单位、继续教育基地的注册" },
    { path: "/admin/member-reviews", label: "审核注册人员", module: "account_review",
      hint: "本单位及下级单位专技人员的注册" },
    { path: "/admin/person-change-reviews", label: "人员信息变更审核", module: "account_review",
      hint: "姓名、证件等信息的修改申请" },
    { path: "/admin/org-change-reviews", label: "单位信息变更审核", module: "account_review",
      hint: "下级单位修改单位信息、更换上级部门" },
  ] },
  { title: "单位", items: [
    { path: "/admin/org", label: "本单位信息", module: "basic_info", roles: ["admin"],
      hint: "联系方式、修改单位信息、更换上级部门、变更记录" },
    { path: "/admin/departments", label: "内设部门", module: "basic_info", roles: ["admin"],
      hint: "新增、改名、停用部门及下级部门" },
    { path: "/admin/subordinates", label: "下级单位与施教机构", module: "direct_accounts",
      hint: "下级单位的注册信息与管理员" },
    { path: "/admin/staff", label: "管理员与角色", superOnly: true, roles: ["admin"],
      hint: "角色的权限模块；新增、禁用、删除管理员（超级管理员）" },
    { path: "/admin/audit-log", label: "操作记录", module: "statistics",
      hint: "本单位及下级单位的审核与管理操作" },
  ] },
  // 查询统计: the plan reports and their exports (the seed's section 3).
  { title: "培训计划报表", items: [
    { path: "/admin/reports/participation", label: "参训情况统计表", module: "statistics",
      hint: "各单位注册、选课、参训、完成人数与参训率、完成率；导出 Excel" },
    { path: "/admin/reports/completion", label: "完成情况明细表", module: "statistics",
      hint: "已选课学员的学习与完成学时、是否完成；查看学员的考试" },
    { path: "/admin/reports/inactive", label: "未激活人员明细表", module: "statistics",
      hint: "尚未激活培训计划的人员，可按注册日期查询" },
    { path: "/admin/reports/exams-by-person", label: "按人员统计考试", module: "statistics",
      hint: "学员的考试状态、剩余次数、已考次数与最高分" },
    { path: "/admin/reports/exams-by-exam", label: "考试情况统计", module: "statistics",
      hint: "各考试的应参考、通过、未通过、未参考人数" },
    { path: "/admin/reports/exports", label: "导出数据暂存区", module: "statistics",
      hint: "报表导出的进度与下载" },
  ] },
  { title: "专技人员管理", items: [
    { path: "/admin/learners", label: "学员管理", module: "learner_management",
      hint: "查询、导出、重置密码、调出；批量导入" },
    { path: "/admin/transfers", label: "人员调动", module: "learner_management",
      hint: "确认调入，查看调入、调出记录" },
    { path: "/admin/password-reset", label: "重置学员密码", module: "learner_management",
      hint: "按用户 ID 重置为证件号码后六位" },
  ] },
  // The learning catalogue, run by the platform's operator only.
  { title: "平台运营", items: [
    { path: "/operator/plans", label: "培训计划", roles: ["operator"],
      hint: "公需科目、专业科目与补学计划：学时、价格、课程与考试；发布、关闭" },
    { path: "/operator/courses", label: "课程", roles: ["operator"],
      hint: "课程、讲师、封面，章节与视频上传；批量导入" },
    { path: "/operator/posts", label: "讨论与问答审核", roles: ["operator"],
      hint: "隐藏、恢复学员的讨论；代讲师回答问题" },
    { path: "/operator/certificates", label: "证书管理", roles: ["operator"],
      hint: "按编号查询已签发的证书，撤销证书" },
  ] },
  // Exam's back office, the operator's only.
  { title: "考试", items: [
    { path: "/operator/question-bank", label: "题库管理", roles: ["operator"],
      hint: "各课程的试题：新增、修改、停用；按模板批量导入，导出" },
    { path: "/operator/exams", label: "考试管理", roles: ["operator"],
      hint: "考试的试卷规则、时间、次数与成绩规则；发布、关闭；考试记录" },
  ] },
  // Billing's back office, the operator's only.
  { title: "收费管理", items: [
    { path: "/operator/orders", label: "订单管理", roles: ["operator"],
      hint: "按订单号、学员、状态查询订单；整单或部分课程退款" },
    { path: "/operator/cards", label: "学习卡", roles: ["operator"],
      hint: "发行学习卡、导出印刷文件、销售登记，库存与使用情况" },
    { path: "/operator/invoices", label: "发票管理", roles: ["operator"],
      hint: "开具（发票号码与电子发票）、驳回发票申请；单位批量申请" },
    { path: "/admin/reports/money", label: "收支统计", roles: ["operator"],
      hint: "按日、按培训计划的支付与退款，学习卡兑换与充值；每日净收入；导出 Excel" },
  ] },
];

// The learner's navigation in the seed's order. Entries without a path wait for their
// service (learning, exam, billing, messaging) and are not shown until it lands.
export interface LearnerNavEntry {
  label: string;
  path?: string;
  children?: MenuItem[];
}

export const LEARNER_NAV: LearnerNavEntry[] = [
  { label: "我的课程", path: "/courses" },
  { label: "历史课程", path: "/history" },
  { label: "我的考试", path: "/exams" },
  { label: "我的档案", path: "/archive" },
  { label: "购物车", path: "/cart" },
  { label: "我的订单", path: "/orders" },
  { label: "我的账户", path: "/account" },
  { label: "我的发票", path: "/invoices" },
  { label: "我的消息" },
  { label: "我的笔记", path: "/notes" },
  { label: "个人设置", children: [
    { path: "/settings/profile", label: "个人资料" },
    { path: "/settings/password", label: "修改密码" },
    { path: "/settings/info-changes", label: "姓名证件修改", roles: ["learner"] },
  ] },
];

export const SETTINGS_MENU: MenuGroup = { title: "个人设置", items: [
  { path: "/settings/profile", label: "个人资料" },
  { path: "/settings/password", label: "修改密码" },
  { path: "/settings/info-changes", label: "姓名证件修改", roles: ["learner"] },
] };

/** The menu groups a signed-in person's shell shows. */
export function menusFor(user: SessionUser | null): MenuGroup[] {
  if (!user) return [];
  if (user.role === "learner") {
    return LEARNER_NAV.filter((e) => e.path || e.children)
      .map((e) => ({ title: e.label, items: (e.children ?? [{ path: e.path!, label: e.label }])
        .filter((item) => canAccess(item, user)) }))
      .filter((g) => g.items.length);
  }
  const groups = ADMIN_MENU.map((g) => ({ ...g, items: g.items.filter((i) => canAccess(i, user)) }))
    .filter((g) => g.items.length);
  return [{ title: "管理首页", items: [{ path: "/admin", label: "管理首页" }] }, ...groups,
    { ...SETTINGS_MENU, items: SETTINGS_MENU.items.filter((i) => canAccess(i, user)) }];
}
