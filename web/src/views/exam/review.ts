// 考试结果's pure parts: how the attempt ended, and an answer — the learner's or the key —
// as the review shows it: the letters shown on the paper for a choice, 对 / 错, each blank's
// text (a key's accepted texts joined by 或).
import { lettersOf, typeOf, type PaperQuestion } from "./paper";

export const CLOSED_BY_LABELS: Record<string, string> = { learner: "考生交卷",
  deadline: "到时自动交卷" };

export function closedByLabel(closedBy: string | null | undefined): string {
  return CLOSED_BY_LABELS[closedBy ?? ""] ?? "—";
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

/** A saved answer or a key as text; "未作答" when there is none. */
export function answerText(question: PaperQuestion, value: unknown): string {
  const values = listOf(value);
  if (!values.length) return "未作答";
  switch (typeOf(question)) {
    case "judge": return values[0] === true ? "对" : values[0] === false ? "错" : "未作答";
    case "fill": {
      const blanks = values.map((b) => (Array.isArray(b) ? b.join(" 或 ") : String(b ?? "")));
      if (blanks.every((b) => !b.trim())) return "未作答";
      return blanks.map((b, i) => (blanks.length > 1 ? `第${i + 1}空：${b || "（空）"}` : b))
        .join("；");
    }
    default: return lettersOf(question, values.map(String)) || "未作答";
  }
}

/** The points of a question: "10 / 10 分", "0 / 15 分". */
export function pointsText(question: Pick<PaperQuestion, "points" | "score">): string {
  return `${question.points ?? 0} / ${question.score ?? 0} 分`;
}

/** Right (all its score), or not. */
export function isRight(question: Pick<PaperQuestion, "points" | "score">): boolean {
  return (question.points ?? 0) > 0 && question.points === question.score;
}

/** Why answers or the key are not shown (the exam's review rules). */
export function reviewNote(shown: { answers: boolean; key: boolean }): string | null {
  if (!shown.answers) return "本场考试暂不开放查看作答。";
  if (!shown.key) return "正确答案暂未开放查看（按考试设置，可能在通过后或考试结束后开放）。";
  return null;
}

export const GRADE_POLL_MS = 1000;
/** Long enough for the server's own closing of an attempt nobody handed in: it waits 30 s
 * past the deadline for a 交卷 on its way, then its sweep (every 5 s) grades it. */
export const GRADE_TIMEOUT_MS = 60_000;

export interface GradePolling {
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The page left: stop asking. */
  stopped?: () => boolean;
  /** An error waiting will not cure (the attempt is not this learner's). */
  fatal?: (err: unknown) => boolean;
}

/** Ask for the attempt until the server has graded it (after the deadline the server closes
 * it at the next touch, or its sweep does): the graded attempt, or null when the time ran
 * out, the page left, or an error said waiting is useless. */
export async function waitForGrade<T extends { status?: string }>(fetchAttempt: () => Promise<T>,
  options: GradePolling = {}): Promise<T | null> {
  const interval = options.intervalMs ?? GRADE_POLL_MS;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.timeoutMs ?? GRADE_TIMEOUT_MS);
  for (;;) {
    if (options.stopped?.()) return null;
    try {
      const attempt = await fetchAttempt();
      if (attempt.status === "graded") return attempt;
    } catch (err) {
      if (options.fatal?.(err)) return null;
    }
    if (options.stopped?.() || now() + interval > deadline) return null;
    await sleep(interval);
  }
}
