// Every page of the client, each loaded on first visit (its own chunk).
import type { RouteRecordRaw } from "vue-router";

import type { RouteAccess } from "./guard";

declare module "vue-router" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface RouteMeta extends RouteAccess {}
}

const ADMINS = ["admin", "operator"] as const;

export const routes: RouteRecordRaw[] = [
  {
    path: "/",
    component: () => import("@/layouts/PublicLayout.vue"),
    children: [
      { path: "login", component: () => import("@/views/public/LoginView.vue"),
        meta: { title: "登录", guest: true } },
      { path: "register", component: () => import("@/views/public/RegisterView.vue"),
        meta: { title: "用户注册", guest: true } },
      { path: "org-register", component: () => import("@/views/public/OrgRegisterView.vue"),
        meta: { title: "单位注册", guest: true } },
      { path: "registration-status",
        component: () => import("@/views/public/RegistrationStatusView.vue"),
        meta: { title: "注册审核进度查询", guest: true } },
    ],
  },
  {
    path: "/",
    component: () => import("@/layouts/AppShell.vue"),
    children: [
      { path: "settings/profile", component: () => import("@/views/me/ProfileView.vue"),
        meta: { title: "个人资料", auth: true } },
      { path: "settings/password", component: () => import("@/views/me/PasswordView.vue"),
        meta: { title: "修改密码", auth: true } },
      { path: "settings/info-changes", component: () => import("@/views/me/InfoChangesView.vue"),
        meta: { title: "姓名证件修改", auth: true, roles: ["learner"] } },
      { path: "admin", component: () => import("@/views/admin/AdminHomeView.vue"),
        meta: { title: "管理首页", auth: true, roles: [...ADMINS] } },
      { path: "admin/password-reset",
        component: () => import("@/views/admin/PasswordResetView.vue"),
        meta: { title: "重置学员密码", auth: true, roles: [...ADMINS],
          module: "learner_management" } },
      { path: "admin/org", component: () => import("@/views/admin/MyOrgView.vue"),
        meta: { title: "本单位信息", auth: true, roles: ["admin"], module: "basic_info" } },
      { path: "admin/subordinates", component: () => import("@/views/admin/SubordinatesView.vue"),
        meta: { title: "下级单位与施教机构", auth: true, roles: [...ADMINS],
          module: "direct_accounts" } },
      { path: "admin/departments", component: () => import("@/views/admin/DepartmentsView.vue"),
        meta: { title: "内设部门", auth: true, roles: ["admin"], module: "basic_info" } },
      { path: "admin/staff", component: () => import("@/views/admin/StaffView.vue"),
        meta: { title: "管理员与角色", auth: true, roles: ["admin"], superOnly: true } },
      { path: "admin/audit-log", component: () => import("@/views/admin/AuditLogView.vue"),
        meta: { title: "操作记录", auth: true, roles: [...ADMINS], module: "statistics" } },
      { path: "admin/learners", component: () => import("@/views/admin/LearnersView.vue"),
        meta: { title: "学员管理", auth: true, roles: [...ADMINS], module: "learner_management" } },
      { path: "admin/transfers", component: () => import("@/views/admin/TransfersView.vue"),
        meta: { title: "人员调动", auth: true, roles: [...ADMINS], module: "learner_management" } },
      { path: "admin/org-reviews", component: () => import("@/views/admin/OrgReviewsView.vue"),
        meta: { title: "审核单位注册", auth: true, roles: [...ADMINS], module: "account_review" } },
      { path: "admin/member-reviews",
        component: () => import("@/views/admin/MemberReviewsView.vue"),
        meta: { title: "审核注册人员", auth: true, roles: [...ADMINS], module: "account_review" } },
      { path: "admin/person-change-reviews",
        component: () => import("@/views/admin/PersonChangeReviewsView.vue"),
        meta: { title: "人员信息变更审核", auth: true, roles: [...ADMINS],
          module: "account_review" } },
      { path: "admin/org-change-reviews",
        component: () => import("@/views/admin/OrgChangeReviewsView.vue"),
        meta: { title: "单位信息变更审核", auth: true, roles: [...ADMINS],
          module: "account_review" } },
    ],
  },
  { path: "/:rest(.*)*", redirect: "/" },
];
