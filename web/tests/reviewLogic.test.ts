import { describe, expect, it } from "vitest";

import {
  decisionRefusal, diffValue, formatWhen, NOTHING_SELECTED, outcomeOf, parentSides,
  REASON_REQUIRED, transferStatusLabel,
} from "@/components/review/reviewLogic";

describe("decisionRefusal", () => {
  it("asks for a selection first", () => {
    expect(decisionRefusal(0, "approve", null)).toBe(NOTHING_SELECTED);
    expect(decisionRefusal(0, "reject", "有原因")).toBe(NOTHING_SELECTED);
  });

  it("asks for a reason only when rejecting", () => {
    expect(decisionRefusal(2, "reject", "")).toBe(REASON_REQUIRED);
    expect(decisionRefusal(2, "reject", "   ")).toBe(REASON_REQUIRED);
    expect(decisionRefusal(2, "reject", null)).toBe(REASON_REQUIRED);
    expect(decisionRefusal(2, "reject", "材料不全")).toBeNull();
    expect(decisionRefusal(1, "approve", null)).toBeNull();
  });
});

describe("outcomeOf", () => {
  const names = new Map([[1, "甲单位"], [2, "乙单位"], [3, "丙单位"]]);

  it("says how many were decided", () => {
    const outcome = outcomeOf("approve", { decided: [1, 2], skipped: [] }, "org_id", names);
    expect(outcome).toEqual({ kind: "success", title: "已通过 2 条。", skipped: [] });
    expect(outcomeOf("reject", { decided: [3] }, "org_id", names).title).toBe("已驳回 1 条。");
  });

  it("names each skipped entry with its reason", () => {
    const outcome = outcomeOf("approve", { decided: [1], skipped: [
      { org_id: 2, reason: "统一社会信用代码校验未通过，须确认后再审核通过" },
      { org_id: 9, reason: "不在您的审核范围内" },
      { org_id: 3 },
    ] }, "org_id", names);
    expect(outcome.kind).toBe("warning");
    expect(outcome.title).toBe("已通过 1 条，3 条未处理。");
    expect(outcome.skipped).toEqual([
      { id: 2, name: "乙单位", reason: "统一社会信用代码校验未通过，须确认后再审核通过" },
      { id: 9, name: "编号 9", reason: "不在您的审核范围内" },
      { id: 3, name: "丙单位", reason: "未处理" },
    ]);
  });

  it("reads the id under the list's own key", () => {
    const outcome = outcomeOf("reject", { decided: [], skipped: [
      { membership_id: 1, reason: "该申请已处理" }, { reason: "不能审核本人" }] },
    "membership_id", names);
    expect(outcome.skipped.map((s) => s.name)).toEqual(["甲单位", "未知条目"]);
  });
});

describe("formatting", () => {
  it("shows times in Chinese 24-hour form, nothing when missing", () => {
    expect(formatWhen(null)).toBe("");
    expect(formatWhen(undefined)).toBe("");
    expect(formatWhen("not a date")).toBe("not a date");
    const shown = formatWhen("2026-05-01T08:30:00+08:00");
    expect(shown).toMatch(/2026/);
    expect(shown).not.toMatch(/上午|下午|AM|PM/);
  });

  it("shows a change's values, empty ones as （空）", () => {
    expect(diffValue("赵明")).toBe("赵明");
    expect(diffValue(null)).toBe("（空）");
    expect(diffValue(undefined)).toBe("（空）");
    expect(diffValue("")).toBe("（空）");
    expect(diffValue(0)).toBe("0");
    expect(diffValue(true)).toBe("是");
    expect(diffValue(false)).toBe("否");
    expect(diffValue(["a", "b"])).toBe("a、b");
    expect(diffValue([])).toBe("（空）");
  });

  it("shows both parents' decisions of a parent change", () => {
    expect(parentSides("info", null, null)).toBe("—");
    expect(parentSides("parent", null, null)).toBe("待审核 / 待审核");
    expect(parentSides("parent", "approved", "rejected")).toBe("已通过 / 已驳回");
    expect(parentSides("parent", "approved", "pending")).toBe("已通过 / 待审核");
  });

  it("names a transfer's status", () => {
    expect(transferStatusLabel("pending")).toBe("待确认");
    expect(transferStatusLabel("accepted")).toBe("已接收");
    expect(transferStatusLabel("rejected")).toBe("已拒绝");
    expect(transferStatusLabel("odd")).toBe("odd");
    expect(transferStatusLabel(undefined)).toBe("");
  });
});
