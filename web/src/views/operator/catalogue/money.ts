// Money and hours as the learning API takes them: money in integer fen (typed in yuan,
// converted from the typed text digit by digit — never through a float), hours as text
// with one decimal ("32.0"), summed in tenths.

/** Fen of a yuan amount typed as text ("150", "5.5", "0.29"), or null when it is not one
 * (negative, more than two decimals, not a number, above 1,000,000 元). */
export function yuanToFen(text: string | null | undefined): number | null {
  const match = /^(\d{1,7})(?:\.(\d{0,2}))?$/.exec((text ?? "").trim().replace(/^\+/, ""));
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return fen <= 100_000_000 ? fen : null;
}

/** "150.00" of 15000 fen. */
export function fenToYuan(fen: number | null | undefined): string {
  const value = Math.max(0, Math.trunc(fen ?? 0));
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")}`;
}

/** "150.00 元". */
export function yuanText(fen: number | null | undefined): string {
  return `${fenToYuan(fen)} 元`;
}

/** "32.0" of hours typed as "32", "32.0" or "6.5"; null when not 0–999 with one decimal. */
export function normalHours(text: string | null | undefined): string | null {
  const match = /^(\d{1,3})(?:\.(\d)?)?$/.exec((text ?? "").trim());
  if (!match) return null;
  return `${Number(match[1])}.${match[2] ?? "0"}`;
}

/** Tenths of an hour of "6.5" (65); 0 for anything that is not hours. */
export function tenthsOf(hours: string | null | undefined): number {
  const normal = normalHours(hours);
  if (!normal) return 0;
  const [whole, tenth] = normal.split(".");
  return Number(whole) * 10 + Number(tenth);
}

/** "8.5" of tenths 85. */
export function hoursOfTenths(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** The sum of hours texts, as hours text. */
export function sumHours(values: Iterable<string | null | undefined>): string {
  let tenths = 0;
  for (const value of values) tenths += tenthsOf(value);
  return hoursOfTenths(tenths);
}
