import { describe, expect, it } from "vitest";

import { menusFor } from "@/menus";
import { formatSize, newestFirst, parseRate, progressPercent, rateSeries, shouldPoll,
  statusLabel } from "@/views/admin/reports/reporting";

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
});
