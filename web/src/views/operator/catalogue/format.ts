// Dates and times as people in China read them: the server's ISO UTC times in Beijing
// time, today's date in Beijing (the API's dates are Beijing dates), video durations.

const ZONE = "Asia/Shanghai";

/** "2026/3/5 18:00:00" of an ISO time, in Beijing time; "" when there is none. */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString("zh-CN", { timeZone: ZONE, hour12: false });
}

/** Today's date in Beijing, "YYYY-MM-DD". */
export function shanghaiToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric",
    month: "2-digit", day: "2-digit" }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** A "YYYY-MM-DD" date moved by `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "0:06", "12:30" or "1:02:03" of a duration in milliseconds (rounded to the second). */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return "";
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
