// The exam's countdown by the server's time, never the computer's: each answer of the
// server (the attempt, every save) says what time it is there; the page counts on from
// that moment with a monotonic timer (performance.now()), so a computer whose clock is
// wrong — or is changed during the exam — neither gains nor loses time. The deadline is
// the server's too (deadline_at).

/** A time of day without an offset is UTC (the services store UTC). */
const NO_OFFSET = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** An ISO time as epoch milliseconds (NaN when it cannot be read). */
export function epochOf(iso: string | null | undefined): number {
  if (!iso) return NaN;
  return new Date(NO_OFFSET.test(iso) ? `${iso}Z` : iso).getTime();
}

/** The server's time at a moment of the page's monotonic clock. */
export interface ServerAnchor {
  /** The server's time (epoch ms) when it answered… */
  server: number;
  /** …and the page's monotonic clock (ms) when the answer arrived. */
  local: number;
}

/** An anchor from an answer's server_time, received at `localNow`; null if unreadable. */
export function anchorOf(serverTime: string | null | undefined, localNow: number):
  ServerAnchor | null {
  const server = epochOf(serverTime);
  return Number.isFinite(server) ? { server, local: localNow } : null;
}

/** The server's time now (epoch ms). */
export function serverNow(anchor: ServerAnchor, localNow: number): number {
  return anchor.server + (localNow - anchor.local);
}

/** Milliseconds left before `deadline` (an ISO time) by the server's clock; 0 once past. */
export function remainingMs(deadline: string | null | undefined, anchor: ServerAnchor | null,
  localNow: number): number {
  const end = epochOf(deadline);
  if (!Number.isFinite(end) || !anchor) return 0;
  return Math.max(0, end - serverNow(anchor, localNow));
}

/** The countdown as the clock shows it: "01:29:59", "00:00:07". Seconds are rounded up, so
 * "00:00:00" shows only when the time is up. */
export function countdownText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}

/** The countdown turns red for the last five minutes. */
export const HURRY_MS = 5 * 60_000;
/** Answers not saved yet are sent this long before the deadline (a debounce would miss it). */
export const LAST_SAVE_MS = 4_000;
/** The server takes a 交卷 arriving up to 2 s after the deadline as the learner's (a click at
 * 00:00); one arriving later closes the attempt as 到时自动交卷. With nothing left to hand in
 * at 00:00, the page waits this long before asking the server to close it. */
export const AFTER_DEADLINE_MS = 3_000;

const SHANGHAI_TIME = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** An ISO time as Beijing time of day, "14:30:05" ("" when unreadable): 已保存 14:30:05. */
export function clockText(iso: string | null | undefined): string {
  const at = epochOf(iso);
  return Number.isFinite(at) ? SHANGHAI_TIME.format(new Date(at)) : "";
}
