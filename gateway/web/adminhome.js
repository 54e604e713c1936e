// 管理首页: the admin's functions grouped as the Henan guide lists them. A link shows for
// every function; the services decide what the admin's role may use (403 explains).
import { h } from "./dom.js";
import { invitationsCard } from "./invitations.js";

const GROUPS = [
  ["审核账户", [
    ["/admin/org-reviews", "审核单位注册", "下级主管部门、用人单位、继续教育基地的注册"],
    ["/admin/member-reviews", "审核注册人员", "本单位及下级单位专技人员的注册"],
    ["/admin/person-change-reviews", "人员信息变更审核", "姓名、证件等信息的修改申请"],
    ["/admin/org-change-reviews", "单位信息变更审核", "下级单位修改单位信息、更换上级部门"],
  ]],
  ["单位", [
    ["/admin/org", "本单位信息", "联系方式、修改单位信息、更换上级部门、变更记录"],
    ["/admin/departments", "内设部门", "新增、改名、停用部门及下级部门"],
    ["/admin/subordinates", "下级单位与施教机构", "下级单位的注册信息与管理员"],
    ["/admin/staff", "管理员与角色", "角色的权限模块；新增、禁用、删除管理员（超级管理员）"],
    ["/admin/audit-log", "操作记录", "本单位及下级单位的审核与管理操作"],
  ]],
  ["专技人员管理", [
    ["/admin/learners", "学员管理", "查询、导出、重置密码、调出；批量导入"],
    ["/admin/transfers", "人员调动", "确认调入，查看调入、调出记录"],
    ["/admin/password-reset", "重置学员密码", "按用户 ID 重置为证件号码后六位"],
  ]],
];

export function adminHomeView(main, ctx) {
  const s = ctx.session;
  main.append(invitationsCard(), h("section", { class: "card card-wide" },
    h("p", { class: "eyebrow" }, s?.user?.role === "operator" ? "平台运营" : "管理员"),
    h("h1", { tabindex: "-1" }, "管理首页"),
    ...GROUPS.map(([title, links]) => h("section", { class: "menu-group" },
      h("h2", {}, title),
      h("ul", { class: "menu" }, ...links.map(([to, label, note]) => h("li", {},
        h("a", { href: `#${to}` }, label), h("span", { class: "hint" }, note))))))));
  return null;
}
