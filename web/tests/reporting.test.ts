import { describe, expect, it } from "vitest";

import { withinRoot } from "@/components/orgNode";
import { menusFor } from "@/menus";
import { beijingDate, countText, daysBetween, emptyFilters, examSeries, examStatusTag, filterError,
  formatSize, lastDays, netSeries, newestFirst, newestPlansFirst, parseRate, planLabel,
  progressPercent, rateSeries, reportQuery, rootNode, shortLabel, shouldPoll, sortOf,
  statusLabel, yuan } from "@/views/admin/reports/reporting";

describe("培训计划报表 logic", () => {
  it("parses the rate strings for the chart", () => {
    expect(parseRate("33.33%")).toBe(33.33);
    expect(parseRate("0.14%")).toBe(0.14);
    expect(parseRate("100%")).toBe(100);
    expect(parseRate("")).toBe(0);
    expect(parseRate(undefined)).toBe(0);
    expect(parseRate("—")).toBe(0);
  });

  it("builds the chart series from unit rows, leaving out 合计", () => {
    const s = rateSeries([
      { org_name: "甲单位", participation_rate: "50.00%", completion_rate: "25.00%" },
      { org_name: "乙单位", participation_rate: "0.00%", completion_rate: "0.00%" },
      { org_name: "合计", participation_rate: "33.33%", completion_rate: "16.67%" },
    ]);
    expect(s.units).toEqual(["甲单位", "乙单位"]);
    expect(s.participation).toEqual([50, 0]);
    expect(s.completion).toEqual([25, 0]);
  });

  it("formats sizes", () => {
    expect(formatSize(null)).toBe("");
    expect(formatSize(512)).toBe("512 字节");
    expect(formatSize(2048)).toBe("2.0 KB");
    expect(formatSize(3 * 1024 * 1024)).toBe("3.00 MB");
  });

  it("keeps polling only while an export is unfinished", () => {
    expect(shouldPoll([])).toBe(false);
    expect(shouldPoll([{ status: "done" }, { status: "failed" }])).toBe(false);
    expect(shouldPoll([{ status: "done" }, { status: "running" }])).toBe(true);
    expect(shouldPoll([{ status: "queued" }])).toBe(true);
  });

  it("shows progress, status and order", () => {
    expect(progressPercent({ done: 1, total: 4 })).toBe(25);
    expect(progressPercent({ done: 0, total: 0 })).toBe(0);
    expect(progressPercent(undefined)).toBe(0);
    expect(statusLabel("done")).toBe("完成");
    expect(newestFirst([{ job_id: 1, created_at: "2026-01-01T00:00:00" },
      { job_id: 2, created_at: "2026-01-02T00:00:00" }]).map((i) => i.job_id)).toEqual([2, 1]);
  });

  it("offers the report menu to admins holding statistics only", () => {
    const titles = (modules: string[]) => menusFor({ user_id: 1, role: "admin", username: "a",
      modules }).map((g) => g.title);
    expect(titles(["statistics"])).toContain("培训计划报表");
    expect(titles(["basic_info"])).not.toContain("培训计划报表");
  });

  it("offers 收支统计 to the operator only, and the five reports under 查询统计", () => {
    const paths = (user: Parameters<typeof menusFor>[0]) => menusFor(user)
      .flatMap((g) => g.items.map((i) => i.path));
    const admin = paths({ user_id: 1, role: "admin", username: "a", modules: ["statistics"] });
    for (const p of ["participation", "completion", "inactive", "exams-by-person",
      "exams-by-exam", "exports"]) expect(admin).toContain(`/admin/reports/${p}`);
    expect(admin).not.toContain("/admin/reports/money");
    expect(paths({ user_id: 2, role: "operator", username: "op" }))
      .toContain("/admin/reports/money");
  });
});

describe("report filters", () => {
  const org = { id: 7, name: "区人社局", path_names: ["市人社局", "区人社局"] };

  it("builds the query from the filter bar, leaving out what is empty", () => {
    const f = { ...emptyFilters(), plan_id: 3, org, day: "2026-03-01",
      range: ["2026-02-01", "2026-02-28"] as [string, string] };
    expect(reportQuery(f, { sort: "username", order: "desc", page: 2, page_size: 20 })).toEqual({
      plan_id: 3, org_id: 7, date_from: "2026-02-01", date_to: "2026-02-28", sort: "username",
      order: "desc", page: 2, page_size: 20 });
    expect(reportQuery(f, {}, "day")).toEqual({ plan_id: 3, org_id: 7, date: "2026-03-01" });
    expect(reportQuery({ ...emptyFilters(), plan_id: 3 }, { user_id: null }, "none"))
      .toEqual({ plan_id: 3 });
  });

  it("asks for a plan and an ordered range before querying", () => {
    expect(filterError(emptyFilters())).toBe("请选择培训计划");
    expect(filterError(emptyFilters(), false)).toBeNull();
    expect(filterError({ ...emptyFilters(), plan_id: 1, range: ["2026-03-02", "2026-03-01"] }))
      .toBe("开始日期不能晚于结束日期");
    expect(filterError({ ...emptyFilters(), plan_id: 1, range: ["2026-03-01", "2026-03-01"] }))
      .toBeNull();
  });

  it("maps el-table's sort to the API's whitelist", () => {
    const allowed = { username: "username", org_name: "org_name" };
    expect(sortOf("username", "ascending", allowed)).toEqual({ sort: "username", order: "asc" });
    expect(sortOf("org_name", "descending", allowed)).toEqual({ sort: "org_name", order: "desc" });
    expect(sortOf("username", null, allowed)).toEqual({});
    expect(sortOf("id_number_masked", "ascending", allowed)).toEqual({});
  });

  it("lists plans newest year first and labels them", () => {
    const plans = [{ plan_id: 1, year: 2025, name: "甲" }, { plan_id: 2, year: 2026, name: "乙" },
      { plan_id: 3, year: 2026, name: "丙" }];
    expect(newestPlansFirst(plans).map((p) => p.plan_id)).toEqual([3, 2, 1]);
    expect(planLabel({ name: "2026年公需科目", kind_label: "公需科目", status: "published",
      status_label: "进行中" })).toBe("2026年公需科目（公需科目）");
    expect(planLabel({ name: "2024年公需科目", kind_label: "公需科目", status: "closed",
      status_label: "已关闭" })).toBe("2024年公需科目（公需科目，已关闭）");
  });

  it("keeps the org picker inside the admin's jurisdiction", () => {
    const root = rootNode({ org_id: 7, name: "区人社局", type: "hr_bureau",
      path_names: ["市人社局", "区人社局"], has_children: true });
    expect(root).toMatchObject({ id: 7, name: "区人社局", has_children: true });
    expect(rootNode(null)).toBeNull();
    expect(rootNode({})).toBeNull();
    expect(withinRoot({ id: 9, name: "医院", path_names: ["市人社局", "区人社局", "医院"] }, root))
      .toBe(true);
    expect(withinRoot({ id: 7, name: "区人社局" }, root)).toBe(true);
    expect(withinRoot({ id: 8, name: "医院", path_names: ["市人社局", "外区人社局", "医院"] }, root))
      .toBe(false);
    expect(withinRoot({ id: 1, name: "市人社局", path_names: ["市人社局"] }, root)).toBe(false);
    expect(withinRoot({ id: 1, name: "市人社局" }, null)).toBe(true);
  });
});

describe("report figures", () => {
  it("shows integer fen as yuan", () => {
    expect(yuan(0)).toBe("¥0.00");
    expect(yuan(1050)).toBe("¥10.50");
    expect(yuan(7)).toBe("¥0.07");
    expect(yuan(-300)).toBe("-¥3.00");
    expect(yuan(123456789)).toBe("¥1234567.89");
    expect(yuan(null)).toBe("");
  });

  it("stacks 通过 / 未通过 / 未参考 per exam", () => {
    expect(examSeries([{ exam_name: "甲", passed: 1, failed: 2, not_taken: 3 },
      { exam_name: "乙" }])).toEqual({ exams: ["甲", "乙"], passed: [1, 0], failed: [2, 0],
      notTaken: [3, 0] });
    expect(shortLabel("一二三四五六七八九十", 5)).toBe("一二三四…");
    expect(shortLabel("短", 5)).toBe("短");
    expect(examStatusTag("已通过")).toBe("success");
    expect(examStatusTag("未考")).toBe("info");
  });

  it("draws the daily net over every day of the range, plans added up", () => {
    expect(daysBetween("2026-02-27", "2026-03-02")).toEqual(
      ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(daysBetween("bad", "2026-03-02")).toEqual([]);
    expect(netSeries({ date_from: "2026-03-01", date_to: "2026-03-03", rows: [
      { date: "2026-03-01", net_fen: 1000 }, { date: "2026-03-01", net_fen: -250 },
      { date: "2026-03-03", net_fen: 5 }] })).toEqual({
      days: ["2026-03-01", "2026-03-02", "2026-03-03"], net: [7.5, 0, 0.05] });
  });

  it("counts rows, capped counts, and the default range", () => {
    expect(countText(21, true, "人")).toBe("共 21 人");
    expect(countText(100000, false)).toBe("超过 100000 条，请缩小查询范围");
    // 2026-03-30 02:00 in Beijing is still the 29th in UTC: Beijing's days count.
    expect(lastDays(30, new Date("2026-03-29T18:00:00Z"))).toEqual(["2026-03-01", "2026-03-30"]);
    expect(beijingDate(new Date("2026-03-29T15:59:59Z"))).toBe("2026-03-29");
    expect(beijingDate(new Date("2026-03-29T16:00:00Z"))).toBe("2026-03-30");
  });
});
