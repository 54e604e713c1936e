// Where a navigation may go, decided from the route's meta and the session alone (unit
// tested in tests/guard.test.ts). Order: signed in, guest-only pages, a forced password
// change, then role and permission module.
import type { Session } from "@/api/session";
import { ADMIN_ROLES, canAccess, type Access } from "@/menus";

export interface RouteAccess extends Access {
  title?: string;
  /** Needs a signed-in person. */
  auth?: boolean;
  /** Only for someone not signed in (login, registration). */
  guest?: boolean;
}

export type Decision =
  | { allow: true }
  | { allow: false; redirect: string; flash?: { kind: "warning" | "error"; text: string } };

export const PASSWORD_PAGE = "/settings/password";

export function homeOf(s: Session | null): string {
  if (!s) return "/login";
  if (s.must_change_password) return PASSWORD_PAGE;
  // A learner starts at 学习首页, which is 我的课程 (seed 1.2).
  return ADMIN_ROLES.includes(s.user.role) ? "/admin" : "/courses";
}

export function decide(path: string, meta: RouteAccess, s: Session | null): Decision {
  if (meta.auth && !s) return { allow: false, redirect: "/login" };
  if (meta.guest && s) return { allow: false, redirect: homeOf(s) };
  if (s?.must_change_password && meta.auth && path !== PASSWORD_PAGE) {
    return { allow: false, redirect: PASSWORD_PAGE };
  }
  if (meta.auth && s && !canAccess(meta, s.user)) {
    return { allow: false, redirect: homeOf(s),
      flash: { kind: "error", text: "当前登录角色无权使用该功能" } };
  }
  return { allow: true };
}
