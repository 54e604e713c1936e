import { describe, expect, it } from "vitest";

import { actionLabel, brief, targetLabel } from "@/views/admin/learners/auditLog";
import { failureReportUrl, fileProblem, isPending, MAX_IMPORT_BYTES, progressPercent,
  progressText, resultOf } from "@/views/admin/learners/importJob";
import { countText, dateOf, EMPTY_FILTERS, pagerLayout, queryOf, sortOf }
  from "@/views/admin/learners/learnerList";
import { resetDoneText, userIdProblem } from "@/views/admin/learners/passwordReset";

describe("学员管理's list", () => {
  it("sends only the filters that were filled in, trimmed", () => {
    expect(queryOf({ ...EMPTY_FILTERS, real_name: " 孙 ", org_id: 7, page: 2, page_size: 20 }))
      .toEqual({ real_name: "孙", org_id: 7, sort: "registered_at", order: "desc", page: 2,
        page_size: 20 });
    expect(queryOf({ username: "   ", mobile: "", org_id: null })).toEqual({});
  });

  it("says 共 N 人, or 超过 N 人 when the API stopped counting", () => {
    expect(countText(21, true)).toBe("共 21 人");
    expect(countText(10000, false)).toBe("超过 10000 人，请增加查询条件缩小范围");
    expect(pagerLayout(true)).toContain("total");
    expect(pagerLayout(false)).not.toContain("total");
    expect(pagerLayout(false)).toContain("slot");
  });

  it("maps the table's sorting to the API's, and back to the default when cleared", () => {
    expect(sortOf("org_name", "ascending")).toEqual({ sort: "org", order: "asc" });
    expect(sortOf("real_name", "descending")).toEqual({ sort: "real_name", order: "desc" });
    expect(sortOf("real_name", null)).toEqual({ sort: "registered_at", order: "desc" });
    expect(sortOf("mobile_masked", "ascending")).toEqual({ sort: "registered_at", order: "desc" });
  });

  it("shows registration dates as local dates", () => {
    expect(dateOf("2026-03-05T10:00:00")).toBe("2026-03-05");
    expect(dateOf(null)).toBe("");
    expect(dateOf("not a date")).toBe("");
  });
});

describe("批量导入", () => {
  it("refuses a missing, non-xlsx or too large file before uploading", () => {
    expect(fileProblem(null)).toBe("请选择按模板填写的 Excel 文件");
    expect(fileProblem({ name: "学员.xls", size: 10 })).toBe("请选择 .xlsx 格式的 Excel 文件");
    expect(fileProblem({ name: "学员.xlsx", size: MAX_IMPORT_BYTES + 1 })).toBe("文件超过20MB");
    expect(fileProblem({ name: "学员.XLSX", size: 1024 })).toBeNull();
  });

  it("polls while queued or running and shows the progress", () => {
    expect(isPending({ status: "queued" })).toBe(true);
    expect(isPending({ status: "running" })).toBe(true);
    expect(isPending({ status: "done" })).toBe(false);
    expect(progressPercent({ status: "running", progress: { done: 1, total: 3 } })).toBe(33);
    expect(progressPercent({ status: "running", progress: { done: 0, total: null } })).toBeNull();
    expect(progressPercent({ status: "done" })).toBe(100);
    expect(progressText({ status: "running", progress: { done: 2, total: 5 } }))
      .toBe("正在导入：已处理 2 / 5 行…");
    expect(progressText({ status: "queued" })).toBe("已开始导入，请稍候…");
  });

  it("tells the counts, the failure and the report link", () => {
    expect(resultOf({ status: "done", total_rows: 2, imported: 1, failed: 1 }))
      .toEqual({ kind: "warning", text: "共 2 行：导入 1 人，失败 1 行。" });
    expect(resultOf({ status: "done", total_rows: 3, imported: 3, failed: 0 }).kind)
      .toBe("success");
    expect(resultOf({ status: "failed", error: "表头与模板不一致" }))
      .toEqual({ kind: "error", text: "导入失败：表头与模板不一致" });
    expect(failureReportUrl({ failure_report: { download_url: "/api/v1/files/x" } }))
      .toBe("/api/v1/files/x");
    expect(failureReportUrl({ failure_report: null })).toBeNull();
    expect(failureReportUrl({ failure_report: {} })).toBeNull();
  });
});

describe("重置学员密码", () => {
  it("checks the user ID before asking", () => {
    expect(userIdProblem("")).toBe("请输入学员用户 ID");
    expect(userIdProblem("0")).toBe("用户 ID 须为正整数");
    expect(userIdProblem("12a")).toBe("用户 ID 须为正整数");
    expect(userIdProblem(" 42 ")).toBeNull();
    expect(resetDoneText(42, true)).toBe("已重置用户 42 的密码为其证件号码后六位，该学员下次登录须先修改密码。");
    expect(resetDoneText(42, false)).toBe("已重置用户 42 的密码为其证件号码后六位。");
  });
});

describe("操作记录", () => {
  it("names actions, objects and values in Chinese, unknown ones as they are", () => {
    expect(actionLabel("transfer_out")).toBe("人员调出");
    expect(actionLabel("learner_password_reset")).toBe("重置学员密码");
    expect(actionLabel("something_new")).toBe("something_new");
    expect(targetLabel({ target_type: "transfer", target_id: 3 })).toBe("调动 3");
    expect(targetLabel({ target_type: "widget", target_id: 4 })).toBe("widget 4");
    expect(brief(null)).toBe("—");
    expect(brief({ to_org_id: 5, status: "pending", note: null }))
      .toBe("调入单位ID: 5；状态: 待处理；备注: —");
    expect(brief({ is_super: true, modules: ["batch_import", "b"], extra: { x: 1 } }))
      .toBe("超级管理员: 是；权限模块: 批量导入、b；extra: {\"x\":1}");
  });
});
