// The single-page app: hash routes, the header, and the guards (signed in, role, forced
// password change).
import { ROLE_LABELS, endpoints, session } from "./api.js";
import { adminView } from "./admin.js";
import { adminHomeView } from "./adminhome.js";
import { auditLogView } from "./auditlog.js";
import { departmentsView } from "./departments.js";
import { clear, h, say } from "./dom.js";
import { loginView } from "./login.js";
import { orgRegisterView } from "./orgregister.js";
import { memberReviewsView, orgChangeReviewsView, orgReviewsView,
  personChangeReviewsView } from "./orgreviews.js";
import { progressView } from "./progress.js";
import { registerView } from "./register.js";
import { infoChangesView } from "./infochanges.js";
import { learnersView } from "./learners.js";
import { myOrgView } from "./myorg.js";
import { staffView } from "./staff.js";
import { subordinatesView } from "./subordinates.js";
import { transfersView } from "./transfers.js";
import { passwordView, profileView } from "./settings.js";

const SITE = "专业技术人员继续教育平台";
const ADMIN_ROLES = ["admin", "operator"];

const ROUTES = {
  "/login": { title: "登录", view: loginView, guest: true },
  "/register": { title: "用户注册", view: registerView, guest: true },
  "/org-register": { title: "单位注册", view: orgRegisterView, guest: true },
  "/registration-status": { title: "注册审核进度查询", view: progressView, guest: true },
  "/settings/profile": { title: "个人资料", view: profileView, auth: true },
  "/settings/password": { title: "修改密码", view: passwordView, auth: true },
  "/settings/info-changes": { title: "姓名证件修改", view: infoChangesView, auth: true,
    roles: ["learner"] },
  "/admin": { title: "管理首页", view: adminHomeView, auth: true, roles: ADMIN_ROLES },
  "/admin/password-reset": { title: "重置学员密码", view: adminView, auth: true,
    roles: ADMIN_ROLES },
  "/admin/org": { title: "本单位信息", view: myOrgView, auth: true, roles: ["admin"] },
  "/admin/subordinates": { title: "下级单位与施教机构", view: subordinatesView, auth: true,
    roles: ADMIN_ROLES },
  "/admin/departments": { title: "内设部门", view: departmentsView, auth: true,
    roles: ["admin"] },
  "/admin/staff": { title: "管理员与角色", view: staffView, auth: true, roles: ["admin"] },
  "/admin/audit-log": { title: "操作记录", view: auditLogView, auth: true, roles: ADMIN_ROLES },
  "/admin/learners": { title: "学员管理", view: learnersView, auth: true, roles: ADMIN_ROLES },
  "/admin/transfers": { title: "人员调动", view: transfersView, auth: true, roles: ADMIN_ROLES },
  "/admin/org-reviews": { title: "审核单位注册", view: orgReviewsView, auth: true,
    roles: ADMIN_ROLES },
  "/admin/member-reviews": { title: "审核注册人员", view: memberReviewsView, auth: true,
    roles: ADMIN_ROLES },
  "/admin/person-change-reviews": { title: "人员信息变更审核", view: personChangeReviewsView,
    auth: true, roles: ADMIN_ROLES },
  "/admin/org-change-reviews": { title: "单位信息变更审核", view: orgChangeReviewsView,
    auth: true, roles: ADMIN_ROLES },
};

const main = document.getElementById("main");
const header = document.getElementById("site-header");
const live = document.getElementById("live");

let renderSeq = 0;
let pending = { state: null, flash: null };

function home() {
  const s = session.get();
  if (!s) return "/login";
  if (s.must_change_password) return "/settings/password";
  return ADMIN_ROLES.includes(s.user?.role) ? "/admin" : "/settings/profile";
}

function currentPath() {
  const path = decodeURIComponent(window.location.hash.replace(/^#/, "")).split("?")[0];
  return path || "/";
}

/** Go to a route; state and flash are handed to the next view only. */
function navigate(path, { state = null, flash = null, replace = false } = {}) {
  pending = { state, flash };
  const hash = `#${path}`;
  if (window.location.hash === hash) {
    render();
  } else if (replace) {
    window.history.replaceState(null, "", hash);
    render();
  } else {
    window.location.hash = hash; // triggers hashchange → render
  }
}

async function render() {
  const seq = ++renderSeq;
  const path = currentPath();
  const s = session.get();
  let route = ROUTES[path];

  // Guards, in order: unknown route, signed in, forced password change, role.
  if (!route) return navigate(home(), { replace: true, ...pending });
  if (route.auth && !s) {
    return navigate("/login", { replace: true, flash: pending.flash });
  }
  if (route.guest && s) return navigate(home(), { replace: true, ...pending });
  if (s && s.must_change_password && path !== "/settings/password") {
    return navigate("/settings/password", { replace: true });
  }
  if (route.roles && !route.roles.includes(s.user?.role)) {
    return navigate(home(), { replace: true, flash: { kind: "error",
      text: "当前登录角色无权使用该功能" } });
  }

  const { state, flash } = pending;
  pending = { state: null, flash: null };
  renderHeader(path);
  clear(main);
  document.title = `${route.title} - ${SITE}`;
  const ctx = {
    state,
    session: s,
    flashMessage: flash,
    navigate,
    home,
    reload: () => render(),
    isCurrent: () => seq === renderSeq,
  };
  let focusTarget = null;
  try {
    focusTarget = await route.view(main, ctx);
  } catch (err) {
    if (seq !== renderSeq) return;
    console.error(err);
    clear(main);
    main.append(h("section", { class: "card" }, h("h1", { tabindex: "-1" }, "出错了"),
      h("p", {}, "页面加载失败，请刷新后重试。")));
  }
  if (seq !== renderSeq) return;
  live.textContent = route.title;
  const target = focusTarget || main.querySelector("h1");
  if (target) target.focus({ preventScroll: false });
}

function renderHeader(path) {
  const s = session.get();
  clear(header);
  const brand = h("a", { class: "brand", href: "#/" }, h("span", { class: "logo",
    "aria-hidden": "true" }, "继"), SITE);
  const bar = h("div", { class: "header-inner" }, brand);
  if (s) {
    const user = s.user || {};
    const link = (to, label, section) => {
      const here = path.startsWith(section);
      return h("a", { href: `#${to}`, class: here ? "active" : null,
        "aria-current": path === to ? "page" : null }, label);
    };
    const nav = h("nav", { class: "main-nav", "aria-label": "主导航" });
    if (!s.must_change_password) {
      if (ADMIN_ROLES.includes(user.role)) {
        nav.append(link("/admin", "管理首页", "/admin"));
      }
      nav.append(link("/settings/profile", "个人设置", "/settings/"));
    }
    const logout = h("button", { type: "button", class: "btn btn-ghost" }, "退出登录");
    logout.addEventListener("click", async () => {
      logout.disabled = true;
      await endpoints.logout();
      navigate("/login", { flash: { kind: "info", text: "您已安全退出登录。" } });
    });
    bar.append(nav, h("div", { class: "user-box" },
      h("span", { class: "greeting" }, "您好，",
        h("strong", {}, user.real_name || user.username || "用户"),
        user.role ? h("span", { class: "badge" }, ROLE_LABELS[user.role] || user.role) : null),
      logout));
  } else {
    bar.append(h("nav", { class: "main-nav", "aria-label": "主导航" },
      h("a", { href: "#/login", class: path === "/login" ? "active" : null,
        "aria-current": path === "/login" ? "page" : null }, "登录"),
      h("a", { href: "#/register", class: path === "/register" ? "active" : null,
        "aria-current": path === "/register" ? "page" : null }, "注册"),
      h("a", { href: "#/org-register", class: path === "/org-register" ? "active" : null,
        "aria-current": path === "/org-register" ? "page" : null }, "单位注册"),
      h("a", { href: "#/registration-status",
        class: path === "/registration-status" ? "active" : null,
        "aria-current": path === "/registration-status" ? "page" : null }, "审核进度查询")));
  }
  header.append(bar);
}

// The session ended elsewhere (refresh failed, logged out in a call): back to the login.
let started = false;
window.addEventListener("session-change", (event) => {
  if (!started) return;
  const reason = event.detail?.reason;
  if (reason === "expired" && !session.get()) {
    navigate("/login", { flash: { kind: "warn", text: "登录已过期，请重新登录。" } });
  } else if (reason === "must-change-password") {
    navigate("/settings/password");
  } else if (reason === "refresh" || reason === "password-changed") {
    renderHeader(currentPath());
  }
});

window.addEventListener("hashchange", () => render());

// The skip link must not change the hash (the hash is the route).
document.getElementById("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

// On load: a stored session is checked (and its must_change_password refreshed) first.
async function start() {
  const s = session.get();
  let flash = null;
  if (s) {
    try {
      const me = await endpoints.me();
      session.update({
        must_change_password: Boolean(me.must_change_password),
        user: { user_id: me.user_id, role: me.role, username: me.username,
          real_name: me.real_name, org_id: me.org_id },
      }, "start");
    } catch (err) {
      if (err.status === 401) {
        flash = { kind: "warn", text: "登录已过期，请重新登录。" };
      } else {
        // Keep the session on a network or server error; the views will say what failed.
        say(document.getElementById("boot-messages"), "error", err.detail);
      }
    }
  }
  started = true;
  pending = { state: null, flash };
  render();
}

start();
