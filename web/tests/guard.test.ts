import { describe, expect, it } from "vitest";

import type { Session, SessionUser } from "@/api/session";
import { ADMIN_MENU, canAccess, LEARNER_NAV, menusFor } from "@/menus";
import { decide, homeOf } from "@/router/guard";

function signedIn(user: Partial<SessionUser>, mustChange = false): Session {
  return { access_token: "t", refresh_token: "r", must_change_password: mustChange,
    user: { user_id: 1, username: "u", role: "learner", ...user } };
}

describe("route guards", () => {
  it("sends a visitor to the login page and a signed-in person away from it", () => {
    expect(decide("/admin", { auth: true }, null)).toEqual({ allow: false, redirect: "/login" });
    expect(decide("/login", { guest: true }, null)).toEqual({ allow: true });
    expect(decide("/login", { guest: true }, signedIn({ role: "admin" })))
      .toEqual({ allow: false, redirect: "/admin" });
  });

  it("keeps someone who must change their password on the password page", () => {
    const s = signedIn({ role: "learner" }, true);
    expect(homeOf(s)).toBe("/settings/password");
    expect(decide("/settings/profile", { auth: true }, s))
      .toEqual({ allow: false, redirect: "/settings/password" });
    expect(decide("/settings/password", { auth: true }, s)).toEqual({ allow: true });
  });

  it("refuses a page outside the role or the permission modules, with a message", () => {
    const reviewer = signedIn({ role: "admin", modules: ["account_review"] });
    const refused = decide("/admin/learners",
      { auth: true, roles: ["admin", "operator"], module: "learner_management" }, reviewer);
    expect(refused).toMatchObject({ allow: false, redirect: "/admin",
      flash: { text: "当前登录角色无权使用该功能" } });
    expect(decide("/admin/member-reviews",
      { auth: true, roles: ["admin", "operator"], module: "account_review" }, reviewer))
      .toEqual({ allow: true });
    expect(decide("/admin", { auth: true, roles: ["admin", "operator"] }, signedIn({})))
      .toMatchObject({ allow: false, redirect: "/courses" });
  });

  it("lets only a super admin manage admins; the operator passes module checks", () => {
    const meta = { auth: true, roles: ["admin" as const], superOnly: true };
    expect(decide("/admin/staff", meta, signedIn({ role: "admin", modules: ["basic_info"] })).allow)
      .toBe(false);
    expect(decide("/admin/staff", meta, signedIn({ role: "admin", is_super: true })).allow).toBe(true);
    expect(canAccess({ module: "statistics" }, signedIn({ role: "operator" }).user)).toBe(true);
  });
});

describe("menus", () => {
  it("show an admin only the functions of their modules", () => {
    const titles = menusFor(signedIn({ role: "admin", modules: ["learner_management"] }).user)
      .flatMap((g) => g.items.map((i) => i.label));
    expect(titles).toContain("学员管理");
    expect(titles).toContain("人员调动");
    expect(titles).not.toContain("审核注册人员");
    expect(titles).not.toContain("管理员与角色");
    expect(titles).not.toContain("姓名证件修改"); // a learner's own request page
  });

  it("show the operator every platform function but the unit's own pages", () => {
    const paths = menusFor(signedIn({ role: "operator" }).user).flatMap((g) => g.items)
      .map((i) => i.path);
    const all = ADMIN_MENU.flatMap((g) => g.items);
    for (const item of all) {
      expect(paths.includes(item.path)).toBe(!item.roles || item.roles.includes("operator"));
    }
  });

  it("show a learner the seed's navigation entries that exist", () => {
    const groups = menusFor(signedIn({ role: "learner" }).user);
    // the seed's order, entries whose page does not exist yet left out
    expect(groups.map((g) => g.title))
      .toEqual(LEARNER_NAV.filter((e) => e.path || e.children).map((e) => e.label));
    expect(groups.at(-1)!.title).toBe("个人设置");
    expect(groups.at(-1)!.items.map((i) => i.label))
      .toEqual(["个人资料", "修改密码", "姓名证件修改"]);
  });
});
