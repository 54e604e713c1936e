import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { AnswerSaver, DEBOUNCE_MS, PresenceTracker, retryDelay, RETRY_MS, type SaveBody,
  type SavedFacts } from "@/views/exam/autosave";

const FACTS: SavedFacts = { saved_at: "2026-03-05T10:00:00+00:00", answered: 1,
  deadline_at: "2026-03-05T10:30:00+00:00", server_time: "2026-03-05T10:00:00+00:00" };

function saverWith(send: (body: SaveBody) => Promise<SavedFacts>,
  extra: Partial<ConstructorParameters<typeof AnswerSaver>[2]> = {}) {
  const events: string[] = [];
  const saver = new AnswerSaver({ 11: "A" }, [], {
    send, saved: () => events.push("saved"), failing: (_e, wait) => events.push(`failing ${wait}`),
    closed: () => events.push("closed"), refused: () => events.push("refused"), ...extra });
  return { saver, events };
}

describe("自动保存", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits for typing to settle, then sends only what changed", async () => {
    const sent: SaveBody[] = [];
    const { saver, events } = saverWith(async (body) => { sent.push(body); return FACTS; });
    saver.set(12, ["A"]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS / 2);
    saver.set(12, ["A", "C"]);
    saver.set(11, "A"); // as saved: not sent
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ answers: { 12: ["A", "C"] } }]);
    expect(events).toEqual(["saved"]);
    expect(saver.dirty).toBe(false);
    // marks go with the answers when they changed (the whole list)
    saver.setMarks([14, 12]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(sent[1]).toEqual({ answers: {}, marked: [12, 14] });
  });

  it("sends one save at a time; changes made meanwhile go in the next", async () => {
    const sent: SaveBody[] = [];
    let release: () => void = () => undefined;
    const { saver } = saverWith((body) => {
      sent.push(body);
      return new Promise((resolve) => { release = () => resolve(FACTS); });
    });
    saver.set(12, ["B"]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(sent).toHaveLength(1);
    saver.set(13, true);
    const flushed = saver.flush(); // waits for the save on its way
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    expect(await flushed).toBe(true);
    expect(sent).toEqual([{ answers: { 12: ["B"] } }, { answers: { 13: true } }]);
  });

  it("keeps retrying a lost connection, later each time, and keeps every answer", async () => {
    const sent: SaveBody[] = [];
    let online = false;
    const { saver, events } = saverWith(async (body) => {
      sent.push(body);
      if (!online) throw new Error("network");
      return FACTS;
    });
    saver.set(12, ["A"]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(saver.failing).toBe(true);
    expect(events).toEqual([`failing ${RETRY_MS[0]}`]);
    saver.set(13, false); // typed while offline
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(events.at(-1)).toBe(`failing ${RETRY_MS[1]}`);
    online = true;
    await vi.advanceTimersByTimeAsync(RETRY_MS[1]);
    expect(saver.failing).toBe(false);
    expect(sent.at(-1)).toEqual({ answers: { 12: ["A"], 13: false } });
    expect(saver.dirty).toBe(false);
    expect(retryDelay(1)).toBe(RETRY_MS[0]);
    expect(retryDelay(99)).toBe(RETRY_MS.at(-1));
  });

  it("stops for good when the server closed the attempt", async () => {
    const closed = new Error("409");
    let calls = 0;
    const { saver, events } = saverWith(async () => { calls += 1; throw closed; },
      { classify: (err) => (err === closed ? "closed" : "retry") });
    saver.set(12, ["A"]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(events).toEqual(["closed"]);
    expect(saver.stopped).toBe(true);
    saver.set(13, true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
  });

  it("does not resend answers the server refused", async () => {
    let calls = 0;
    const { saver, events } = saverWith(async () => { calls += 1; throw new Error("422"); },
      { classify: () => "refused" });
    saver.set(12, ["Z"]);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 4);
    expect(events).toEqual(["refused"]);
    expect(calls).toBe(1);
    expect(saver.dirty).toBe(false);
  });

  it("hands what is left to 交卷 after a save on its way", async () => {
    const sent: SaveBody[] = [];
    const { saver } = saverWith(async (body) => { sent.push(body); return FACTS; });
    saver.set(12, ["A"]);
    saver.setMarks([13]);
    saver.stop();
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 2);
    await saver.settle();
    expect(sent).toEqual([]);
    expect(saver.pending()).toEqual({ answers: { 12: ["A"] }, marked: [13] });
    saver.restart(); // the submission failed: saving again
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
  });
});

describe("leaving the page", () => {
  it("is reported once per change (a tab switch fires blur and visibilitychange)", () => {
    const presence = new PresenceTracker();
    expect(presence.leave()).toBe(true);
    expect(presence.leave()).toBe(false);
    expect(presence.back()).toBe(true);
    expect(presence.back()).toBe(false);
  });
});
