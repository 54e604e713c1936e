// The admins' review pages (Henan guide 审核账户 and the change reviews), each a
// configuration of reviewPage: 审核单位注册, 审核注册人员, 人员信息变更审核, 单位信息变更审核.
import { endpoints } from "./api.js";
import { h } from "./dom.js";
import { diffCell, reviewPage } from "./reviewlist.js";

const when = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "");

export function orgReviewsView(main, ctx) {
  return reviewPage(main, ctx, {
    eyebrow: "审核账户", title: "审核单位注册", empty: "没有待审核的单位注册。",
    filters: [
      { name: "type", label: "单位类型", type: "select", emptyLabel: "全部", options: [
        { value: "employer", label: "用人单位" },
        { value: "training_institution", label: "继续教育基地" },
        { value: "supervising_dept", label: "主管部门" }] },
      { name: "q", label: "单位名称", type: "search", maxlength: 100 },
      { name: "institution_level", label: "基地级别", type: "select", emptyLabel: "全部",
        options: ["国家级", "省级", "市级", "县级"] },
    ],
    columns: [
      { label: "单位名称", cell: (i) => [i.name, i.code_warning
        ? h("span", { class: "badge badge-warn" }, "代码校验未通过") : null] },
      { label: "类型", cell: (i) => i.type_label },
      { label: "代码", cell: (i) => i.uscc || i.org_code || "" },
      { label: "上级单位", cell: (i) => i.parent_name || "" },
      { label: "联系人", cell: (i) => `${i.contact_name || ""} ${i.contact_phone || ""}` },
      { label: "级别", cell: (i) => i.institution_level || "" },
      { label: "扫描件", cell: (i) => (i.certificate_url ? h("a", { href: i.certificate_url,
        target: "_blank", rel: "noopener" }, "查看扫描件") : "") },
    ],
    extras: [{ name: "confirm_code_warning",
      label: "已核对扫描件，确认通过统一社会信用代码校验位不符的单位" }],
    idOf: (i) => i.org_id, nameOf: (i) => i.name,
    load: (q) => endpoints.orgRegistrations({ status: "pending", ...q }),
    decide: (ids, decision, reason, flags) => endpoints.decideOrgRegistrations({
      org_ids: ids, decision, reason, confirm_code_warning: !!flags.confirm_code_warning }),
  });
}

export function memberReviewsView(main, ctx) {
  return reviewPage(main, ctx, {
    eyebrow: "审核账户", title: "审核注册人员", empty: "没有待审核的人员注册。",
    filters: [{ name: "q", label: "姓名", type: "search", maxlength: 30 }],
    columns: [
      { label: "姓名", cell: (i) => i.real_name },
      { label: "证件号码", cell: (i) => i.id_number_masked },
      { label: "所属单位", cell: (i) => i.org_name },
      { label: "注册时间", cell: (i) => when(i.requested_at) },
    ],
    idOf: (i) => i.membership_id, nameOf: (i) => i.real_name,
    load: (q) => endpoints.memberReviews(q),
    decide: (ids, decision, reason) => endpoints.decideMembers({ membership_ids: ids, decision,
      reason }),
  });
}

export function personChangeReviewsView(main, ctx) {
  return reviewPage(main, ctx, {
    eyebrow: "审核账户", title: "人员信息变更审核", empty: "没有待审核的信息变更。",
    filters: [{ name: "real_name", label: "姓名", type: "search", maxlength: 30 }],
    columns: [
      { label: "姓名", cell: (i) => i.real_name },
      { label: "所属单位", cell: (i) => i.org_name || "" },
      { label: "修改内容", cell: (i) => diffCell(i.diff) },
      { label: "提交时间", cell: (i) => when(i.requested_at) },
    ],
    idOf: (i) => i.change_id, nameOf: (i) => i.real_name,
    load: (q) => endpoints.personChangeReviews(q),
    decide: (ids, decision, reason) => endpoints.decidePersonChanges({ change_ids: ids,
      decision, reason }),
  });
}

export function orgChangeReviewsView(main, ctx) {
  const sides = { approved: "已通过", rejected: "已驳回" };
  return reviewPage(main, ctx, {
    eyebrow: "审核账户", title: "单位信息变更审核", empty: "没有待审核的单位信息变更。",
    filters: [{ name: "kind", label: "类型", type: "select", emptyLabel: "全部", options: [
      { value: "info", label: "修改单位信息" }, { value: "parent", label: "更换上级部门" }] },
    { name: "q", label: "单位名称", type: "search", maxlength: 100 }],
    columns: [
      { label: "单位", cell: (i) => i.org_name },
      { label: "类型", cell: (i) => i.kind_label },
      { label: "修改内容", cell: (i) => diffCell(i.diff) },
      { label: "原上级 / 新上级", cell: (i) => (i.kind === "parent"
        ? `${sides[i.old_parent_decision] || "待审核"} / ${sides[i.new_parent_decision] || "待审核"}`
        : "—") },
      { label: "提交时间", cell: (i) => when(i.requested_at) },
    ],
    idOf: (i) => i.change_id, nameOf: (i) => i.org_name,
    load: (q) => endpoints.orgChangeReviews(q),
    decide: (ids, decision, reason) => endpoints.decideOrgChanges({ change_ids: ids, decision,
      reason }),
  });
}
