// 自动保存, apart from the page and the API (the view wires both in): each change waits a
// moment for the next (typing a blank is many changes), then only the answers changed since
// the last save go to PUT …/answers, with the marks when they changed. One save at a time;
// what changes while one is on its way goes in the next. A save that fails is retried, a
// little later each time, until one gets through (the page says the connection is lost
// meanwhile); nothing typed is dropped. The server closing the attempt (409: 交卷 in another
// tab, or its deadline) ends saving for good. Before 交卷 the page stops the saver, waits for
// a save on its way, and sends what is left with the submission.
import { changedAnswers, sameMarks, sortedMarks, type WireAnswer } from "./paper";

export interface SaveBody {
  answers: Record<string, WireAnswer>;
  marked?: number[];
}

/** What a save's answer says (the parts the page uses). */
export interface SavedFacts {
  saved_at?: string;
  answered?: number;
  deadline_at?: string;
  server_time?: string;
}

/** How a failed save is taken: tried again, the attempt closed, or the answers refused. */
export type SaveFailure = "retry" | "closed" | "refused";

export interface SaverPorts {
  /** PUT the answers; rejects when it was refused or not sent. */
  send(body: SaveBody): Promise<SavedFacts>;
  /** How to take a rejection (default: try again). */
  classify?(err: unknown): SaveFailure;
  /** A save got through. */
  saved?(facts: SavedFacts, body: SaveBody): void;
  /** A save failed and will be tried again in `retryInMs`. */
  failing?(err: unknown, retryInMs: number): void;
  /** The server closed the attempt: no more saves. */
  closed?(err: unknown): void;
  /** The server refused these answers (not tried again). */
  refused?(err: unknown, body: SaveBody): void;
}

export const DEBOUNCE_MS = 1500;
/** Waits before the 1st, 2nd, 3rd… retry (the last repeats). */
export const RETRY_MS = [2000, 4000, 8000, 15000];

export function retryDelay(failures: number, steps: readonly number[] = RETRY_MS): number {
  return steps[Math.min(Math.max(failures, 1), steps.length) - 1];
}

export class AnswerSaver {
  /** Saves keep failing (the page shows the connection warning). */
  failing = false;
  /** No more saves (stopped for 交卷 or the deadline, or closed by the server). */
  stopped = false;
  private saved: Record<string, WireAnswer>;
  private current: Record<string, WireAnswer>;
  private savedMarks: number[];
  private marks: number[];
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: Promise<boolean> | null = null;

  constructor(saved: Record<string, WireAnswer>, savedMarks: number[],
    private readonly ports: SaverPorts,
    private readonly options: { debounceMs?: number; retryMs?: readonly number[] } = {}) {
    this.saved = { ...saved };
    this.current = { ...saved };
    this.savedMarks = sortedMarks(savedMarks);
    this.marks = [...this.savedMarks];
  }

  /** Something changed that the server does not hold yet. */
  get dirty(): boolean {
    return Object.keys(changedAnswers(this.saved, this.current)).length > 0
      || !sameMarks(this.savedMarks, this.marks);
  }

  /** A save is on its way. */
  get busy(): boolean {
    return this.inflight !== null;
  }

  /** The learner's answer to question `id` changed. */
  set(id: number | string, answer: WireAnswer): void {
    this.current[String(id)] = answer;
    this.schedule(this.options.debounceMs ?? DEBOUNCE_MS);
  }

  /** The marked questions changed (the whole list). */
  setMarks(marks: Iterable<number>): void {
    this.marks = sortedMarks(marks);
    this.schedule(this.options.debounceMs ?? DEBOUNCE_MS);
  }

  /** What the server does not hold yet: the changed answers, and the marks if changed. */
  pending(): SaveBody {
    const body: SaveBody = { answers: changedAnswers(this.saved, this.current) };
    if (!sameMarks(this.savedMarks, this.marks)) body.marked = [...this.marks];
    return body;
  }

  /** Save now (after a save on its way). True when the server then holds everything. */
  async flush(): Promise<boolean> {
    this.clearTimer();
    while (this.inflight) await this.inflight;
    if (this.stopped) return !this.dirty;
    if (!this.dirty) return true;
    this.inflight = this.sendOnce();
    try {
      return await this.inflight;
    } finally {
      this.inflight = null;
    }
  }

  /** No more saves; a save on its way finishes (wait for it with settle()). */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** Saving again (a submission that did not get through). */
  restart(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.dirty) this.schedule(0);
  }

  /** Wait until no save is on its way. */
  async settle(): Promise<void> {
    while (this.inflight) await this.inflight.catch(() => false);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async sendOnce(): Promise<boolean> {
    const body = this.pending();
    try {
      const facts = await this.ports.send(body);
      this.accept(body);
      this.failures = 0;
      this.failing = false;
      this.ports.saved?.(facts, body);
    } catch (err) {
      const kind = this.ports.classify?.(err) ?? "retry";
      if (kind === "closed") {
        this.stop();
        this.failing = false;
        this.ports.closed?.(err);
        return false;
      }
      if (kind === "refused") {
        this.accept(body); // sending them again would be refused again
        this.ports.refused?.(err, body);
      } else {
        this.failures += 1;
        this.failing = true;
        const wait = retryDelay(this.failures, this.options.retryMs);
        this.ports.failing?.(err, wait);
        this.schedule(wait);
        return false;
      }
    }
    // Changed while the save was on its way: those go in the next.
    if (this.dirty) this.schedule(this.options.debounceMs ?? DEBOUNCE_MS);
    return !this.dirty;
  }

  private accept(body: SaveBody): void {
    Object.assign(this.saved, body.answers);
    if (body.marked) this.savedMarks = [...body.marked];
  }
}

/** Reports the page leaving and coming back (失去焦点 / 回到页面) once per change: a tab
 * switch fires both `visibilitychange` and `blur`, and should count once. */
export class PresenceTracker {
  away = false;

  /** The page was left; true if this is news. */
  leave(): boolean {
    if (this.away) return false;
    this.away = true;
    return true;
  }

  /** The page is back; true if this is news. */
  back(): boolean {
    if (!this.away) return false;
    this.away = false;
    return true;
  }
}
