import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { creditedText, electivePrice, examText, hoursText, isPlanTab, kindText, mmss, pageOf,
  planTabs, secondsText, shanghaiYear, statusTag, timeText, windowText, yuan }
  from "@/views/learning/courses/format";
import { intervalOf, PlaybackController, positionText, SEEK_SLACK_SECONDS,
  STATUS_AFTER_STOP_MS, STATUS_POLL_SECONDS, type HeartbeatBody }
  from "@/views/learning/courses/playback";

describe("我的课程's words and numbers", () => {
  it("names the tabs after the year the API answers", () => {
    expect(planTabs(2026)).toEqual([
      { name: "all", label: "全部" },
      { name: "current_public", label: "2026年公需课" },
      { name: "makeup", label: "2022–2025年公需课补学计划" },
      { name: "professional", label: "2026年专业科目" },
    ]);
    expect(isPlanTab("makeup")).toBe(true);
    expect(isPlanTab("history")).toBe(false);
    expect(isPlanTab(undefined)).toBe(false);
  });

  it("takes the year in Beijing time", () => {
    // 2025-12-31 17:00 UTC is already 2026 in Beijing
    expect(shanghaiYear(new Date("2025-12-31T17:00:00Z"))).toBe(2026);
    expect(shanghaiYear(new Date("2025-12-31T15:00:00Z"))).toBe(2025);
  });

  it("shows fen as yuan with two decimals", () => {
    expect(yuan(1000)).toBe("10.00 元");
    expect(yuan(5)).toBe("0.05 元");
    expect(yuan(123456)).toBe("1234.56 元");
    expect(yuan(0)).toBe("0.00 元");
    expect(yuan(undefined)).toBe("0.00 元");
  });

  it("shows hours, video times, dates and windows", () => {
    expect(hoursText("6.0")).toBe("6.0 学时");
    expect(hoursText(undefined)).toBe("0.0 学时");
    expect(mmss(12_010)).toBe("00:12");
    expect(mmss(754_000)).toBe("12:34");
    expect(mmss(3_723_000)).toBe("1:02:03");
    expect(mmss(-5)).toBe("00:00");
    expect(mmss(null)).toBe("00:00");
    expect(secondsText(65)).toBe("01:05");
    expect(timeText("2026-03-05T10:00:00+00:00")).toBe("2026/03/05 18:00");
    expect(timeText(null)).toBe("");
    expect(timeText("not a time")).toBe("not a time");
    expect(windowText({ opens_on: "2026-01-01", closes_on: "2026-12-31" }))
      .toBe("2026-01-01 至 2026-12-31");
    expect(windowText({})).toBe("");
  });

  it("tags the plan's state and names its kind", () => {
    expect(statusTag("not_activated")).toEqual({ label: "待激活", type: "warning" });
    expect(statusTag("learning")).toEqual({ label: "学习中", type: "primary" });
    expect(statusTag("passed")).toEqual({ label: "已通过", type: "success" });
    expect(kindText({ kind_label: "公需科目", makeup: true })).toBe("公需科目 · 补学计划");
    expect(kindText({ kind_label: "专业科目", category: "法律类" })).toBe("专业科目 · 法律类");
  });

  it("prices an elective, or says the plan is sold whole", () => {
    expect(electivePrice({ pricing: "per_hour" }, { price_fen: 1000 })).toBe("10.00 元");
    expect(electivePrice({ pricing: "per_hour" }, { price_fen: 0 })).toBe("免费");
    expect(electivePrice({ pricing: "flat", flat_price_fen: 9900 }, { price_fen: 1000 }))
      .toBe("按计划收费");
  });

  it("says where a course's exam stands", () => {
    expect(examText({ exam_required: false })).toBe("无需考试");
    expect(examText({ exam_required: true, completed: false })).toBe("学完后考试");
    expect(examText({ exam_required: true, completed: true })).toBe("待考试");
    expect(examText({ exam_required: true, exam_passed: true, exam_score: 86 }))
      .toBe("已通过（86分）");
  });

  it("pages a list answered whole", () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    expect(pageOf(items, 1, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pageOf(items, 3, 10)).toEqual([20, 21, 22]);
    expect(pageOf(items, 4, 10)).toEqual([]);
  });

  it("states the server's credited progress", () => {
    expect(creditedText({ covered_ms: 5_000, duration_ms: 12_000 }))
      .toBe("已计入学习 00:05 / 00:12（41%）");
    expect(creditedText({ covered_ms: 12_000, duration_ms: 12_000, completed: true }))
      .toBe("已计入学习 00:12 / 00:12（100%），本节已完成");
    // 99 % until the server says complete
    expect(creditedText({ covered_ms: 11_990, duration_ms: 12_000 })).toContain("（99%）");
  });
});

describe("the player's heartbeats", () => {
  let sent: HeartbeatBody[];
  let polls: number;
  let now: number;

  function player(facts: Partial<{ furthest_ms: number; start_position_ms: number;
    heartbeat_interval_seconds: number }> = {}, send?: (b: HeartbeatBody) => Promise<unknown>) {
    return new PlaybackController({ token: "tok", duration_ms: 12_000,
      heartbeat_interval_seconds: 5, ...facts }, {
      send: send ?? (async (body) => { sent.push(body); }),
      time: () => now,
      poll: () => { polls += 1; },
    });
  }

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    polls = 0;
    now = 0;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes positions as seconds with three decimals", () => {
    expect(positionText(1.23456)).toBe("1.235");
    expect(positionText(0)).toBe("0.000");
    expect(positionText(-1)).toBe("0.000");
    expect(positionText(Number.NaN)).toBe("0.000");
    expect(intervalOf(20)).toBe(20);
    expect(intervalOf(0)).toBe(20);
    expect(intervalOf(500)).toBe(120);
  });

  it("numbers play, ticks every interval, pause and end 1, 2, 3 …", async () => {
    const p = player();
    p.play(0);
    now = 5;
    await vi.advanceTimersByTimeAsync(5_000);
    now = 10;
    await vi.advanceTimersByTimeAsync(5_000);
    p.pause(10.5);
    await vi.advanceTimersByTimeAsync(1_000); // paused: no tick
    p.play(10.5);
    p.pause(12, true); // the pause that comes with the end…
    p.end(12); // …is left to end
    await p.flush();
    expect(sent.map((b) => [b.seq, b.event, b.position])).toEqual([
      [1, "play", "0.000"], [2, "tick", "5.000"], [3, "tick", "10.000"], [4, "pause", "10.500"],
      [5, "play", "10.500"], [6, "end", "12.000"]]);
    expect(sent.every((b) => b.token === "tok")).toBe(true);
    expect(p.lastSeq).toBe(6);
  });

  it("sends one heartbeat after the other, in order, even when one fails", async () => {
    const order: number[] = [];
    const failures: number[] = [];
    const p = new PlaybackController({ token: "t", heartbeat_interval_seconds: 5 }, {
      send: (body) => new Promise((resolve, reject) => {
        // the first takes longest: the second must still go after it
        setTimeout(() => {
          order.push(body.seq);
          if (body.seq === 2) reject(new Error("down"));
          else resolve(undefined);
        }, body.seq === 1 ? 300 : 10);
      }),
      time: () => 0, poll: () => undefined, failed: (_err, body) => failures.push(body.seq),
    });
    p.play(0);
    p.pause(1);
    p.play(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await p.flush();
    expect(order).toEqual([1, 2, 3]);
    expect(failures).toEqual([2]);
  });

  it("refuses a seek past the furthest point watched and reports allowed ones", async () => {
    const p = player({ furthest_ms: 4_000, start_position_ms: 3_000 });
    expect(p.startSeconds).toBe(3);
    expect(p.seeking(3)).toBeNull(); // setting the start position: not reported
    p.play(3);
    expect(p.seeking(9)).toBe(4); // back to the furthest point
    expect(p.seeking(4 + SEEK_SLACK_SECONDS)).toBeNull();
    expect(p.seeking(1)).toBeNull();
    await p.flush();
    expect(sent.map((b) => [b.event, b.position, b.from_position])).toEqual([
      ["play", "3.000", undefined], ["seek", "5.000", "3.000"], ["seek", "1.000", "5.000"]]);
    expect(p.canSeekTo(5)).toBe(true);
    expect(p.canSeekTo(5.5)).toBe(false);
  });

  it("raises the furthest point by what plays, not by jumps", () => {
    const p = player({ furthest_ms: 2_000 });
    p.play(0);
    for (const t of [0.25, 0.5, 1, 1.5, 2, 2.25, 2.5]) p.timeupdate(t);
    expect(p.furthest).toBe(2.5);
    p.timeupdate(2.75, true); // while seeking: ignored
    expect(p.furthest).toBe(2.5);
    p.timeupdate(9); // a jump without a seek event
    expect(p.furthest).toBe(2.5);
    p.raiseFurthest(6); // the server knows more
    expect(p.furthest).toBe(6);
    p.raiseFurthest(3);
    expect(p.furthest).toBe(6);
  });

  it("stops on a lost focus: a hidden heartbeat, and the pause that follows says nothing", async () => {
    const p = player();
    expect(p.hidden(1)).toBe(false); // not playing: nothing to stop
    p.play(0);
    now = 3;
    expect(p.hidden(3)).toBe(true);
    p.pause(3); // the caller pauses the video
    await vi.advanceTimersByTimeAsync(10_000);
    await p.flush();
    expect(sent.map((b) => b.event)).toEqual(["play", "hidden"]);
    expect(polls).toBe(1); // the server's progress read once after the stop
  });

  it("reads the server's progress every minute while playing and after a stop", async () => {
    const p = player({ heartbeat_interval_seconds: 20 });
    p.play(0);
    await vi.advanceTimersByTimeAsync(STATUS_POLL_SECONDS * 1000 * 2);
    expect(polls).toBe(2);
    p.pause(120);
    await vi.advanceTimersByTimeAsync(STATUS_AFTER_STOP_MS);
    expect(polls).toBe(3);
    await vi.advanceTimersByTimeAsync(STATUS_POLL_SECONDS * 1000);
    expect(polls).toBe(3);
  });

  it("sends nothing more once stopped, and pauses when leaving while playing", async () => {
    const p = player();
    p.play(0);
    await p.finish(4);
    p.play(4);
    p.pause(5);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.map((b) => b.event)).toEqual(["play", "pause"]);

    sent = [];
    const q = player();
    q.play(0);
    q.stop(); // another device took over
    q.pause(2);
    await q.finish(2);
    expect(sent.map((b) => b.event)).toEqual(["play"]);
  });
});
