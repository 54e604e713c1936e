// The player's rules, apart from the <video> element and the API (the view wires both in):
// heartbeats with their sequence numbers, sent one after another (the server refuses a
// heartbeat whose number is not above the last it took, so two must never race); a tick
// every heartbeat_interval_seconds while playing; the server's progress read every minute
// while playing and shortly after a stop; and no seeking past the furthest point watched
// (the server would credit nothing there anyway).

export type BeatEvent = "play" | "tick" | "pause" | "seek" | "end" | "hidden";

/** A heartbeat as POST /api/v1/me/heartbeats takes it: positions in seconds, as text with
 * three decimals. */
export interface HeartbeatBody {
  token: string;
  seq: number;
  event: BeatEvent;
  position: string;
  from_position?: string;
}

/** What POST /api/v1/me/playbacks answered (the parts the rules need). */
export interface SessionFacts {
  token: string;
  start_position_ms?: number;
  furthest_ms?: number;
  duration_ms?: number;
  heartbeat_interval_seconds?: number;
}

export interface PlayerPorts {
  /** POST one heartbeat; rejects when it was refused or not sent. */
  send(body: HeartbeatBody): Promise<unknown>;
  /** The playhead now (seconds): what a tick reports. */
  time(): number;
  /** Read the server's progress (GET /api/v1/me/playbacks/{session_id}). */
  poll(): void;
  /** A heartbeat failed (after its turn in the queue). */
  failed?(err: unknown, body: HeartbeatBody): void;
}

/** How far past the furthest watched point a seek may land (seconds). */
export const SEEK_SLACK_SECONDS = 1;
/** The server's progress is read this often while playing… */
export const STATUS_POLL_SECONDS = 60;
/** …and this long after a pause, an end or a lost focus (heartbeats are applied in batches). */
export const STATUS_AFTER_STOP_MS = 1500;
/** Two timeupdates of a video that plays are a fraction of a second apart: a bigger step
 * is a jump, not watching. */
const NATURAL_STEP_SECONDS = 2;
/** Seeks smaller than this (setting the start position, rounding) are not reported. */
const SEEK_NOISE_SECONDS = 0.25;
const DEFAULT_INTERVAL_SECONDS = 20;

/** A position in seconds as the heartbeat takes it: "12.345", never negative. */
export function positionText(seconds: number): string {
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 0).toFixed(3);
}

/** The tick interval the server asked for (seconds), kept within 1–120. */
export function intervalOf(seconds: number | undefined): number {
  if (!seconds || !Number.isFinite(seconds)) return DEFAULT_INTERVAL_SECONDS;
  return Math.min(120, Math.max(1, Math.round(seconds)));
}

export class PlaybackController {
  /** The furthest point watched (seconds): the server's, raised by what plays here. */
  furthest: number;
  /** The last playhead position seen (seconds). */
  lastTime: number;
  playing = false;
  /** No more heartbeats (another device took over, the token was refused, the page left). */
  stopped = false;
  readonly intervalSeconds: number;
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private afterStopTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly session: SessionFacts, private readonly ports: PlayerPorts) {
    this.furthest = (session.furthest_ms ?? 0) / 1000;
    this.lastTime = (session.start_position_ms ?? 0) / 1000;
    this.intervalSeconds = intervalOf(session.heartbeat_interval_seconds);
  }

  /** The sequence number of the last heartbeat sent. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Where the player should start (seconds). */
  get startSeconds(): number {
    return (this.session.start_position_ms ?? 0) / 1000;
  }

  /** Whether a seek (a note's time, the progress bar) may go to `seconds`. */
  canSeekTo(seconds: number): boolean {
    return seconds <= this.furthest + SEEK_SLACK_SECONDS;
  }

  /** The server says more was watched (another page, an earlier visit). */
  raiseFurthest(seconds: number): void {
    if (Number.isFinite(seconds)) this.furthest = Math.max(this.furthest, seconds);
  }

  /** The video started playing at `time`. */
  play(time: number): void {
    if (this.stopped || this.playing) return;
    this.playing = true;
    this.lastTime = time;
    this.beat("play", time);
    this.clearTimers();
    this.tickTimer = setInterval(() => this.tick(), this.intervalSeconds * 1000);
    this.pollTimer = setInterval(() => this.ports.poll(), STATUS_POLL_SECONDS * 1000);
  }

  /** The video paused. A pause that comes with the end of the video is left to `end`. */
  pause(time: number, ended = false): void {
    if (this.stopped || !this.playing || ended) return;
    this.stopPlaying("pause", time);
  }

  /** The video played to its end. */
  end(time: number): void {
    if (this.stopped || !this.playing) return;
    this.stopPlaying("end", time);
  }

  /** The page lost focus or was hidden: true when the video was playing and must now be
   * paused by the caller (its pause event then sends nothing more). */
  hidden(time: number): boolean {
    if (this.stopped || !this.playing) return false;
    this.stopPlaying("hidden", time);
    return true;
  }

  /** The player seeks to `target`: null when it may, or where to jump back to (the
   * furthest point watched) when `target` lies beyond it. */
  seeking(target: number): number | null {
    if (!this.canSeekTo(target)) return this.furthest;
    if (Math.abs(target - this.lastTime) > SEEK_NOISE_SECONDS) {
      this.beat("seek", target, this.lastTime);
    }
    this.lastTime = target;
    return null;
  }

  /** A timeupdate: what plays raises the furthest point; jumps (seeks) do not. */
  timeupdate(time: number, seeking = false): void {
    if (seeking) return;
    const step = time - this.lastTime;
    if (this.playing && step > 0 && step <= NATURAL_STEP_SECONDS
      && this.lastTime <= this.furthest + SEEK_SLACK_SECONDS) {
      this.furthest = Math.max(this.furthest, time);
    }
    this.lastTime = time;
  }

  /** No more heartbeats (another device took over, the token was refused). */
  stop(): void {
    this.stopped = true;
    this.playing = false;
    this.clearTimers();
  }

  /** Leaving the player: a pause if it was playing, then no more; resolves when the
   * heartbeats queued so far were sent. */
  finish(time: number): Promise<void> {
    if (!this.stopped && this.playing) {
      this.playing = false;
      this.beat("pause", time);
    }
    this.stop();
    if (this.afterStopTimer) clearTimeout(this.afterStopTimer);
    this.afterStopTimer = null;
    return this.flush();
  }

  /** Resolves when every heartbeat queued so far was sent (or failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  private tick(): void {
    if (this.stopped || !this.playing) return;
    const time = this.ports.time();
    this.timeupdate(time);
    this.beat("tick", time);
  }

  private stopPlaying(event: "pause" | "end" | "hidden", time: number): void {
    this.playing = false;
    this.clearTimers();
    this.lastTime = time;
    this.beat(event, time);
    this.afterStopTimer = setTimeout(() => {
      this.afterStopTimer = null;
      this.ports.poll();
    }, STATUS_AFTER_STOP_MS);
  }

  private clearTimers(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.tickTimer = this.pollTimer = null;
  }

  private beat(event: BeatEvent, position: number, from?: number): void {
    if (this.stopped) return;
    this.seq += 1;
    const body: HeartbeatBody = { token: this.session.token, seq: this.seq, event,
      position: positionText(position) };
    if (from !== undefined) body.from_position = positionText(from);
    this.queue = this.queue
      .then(() => this.ports.send(body))
      .then(() => undefined, (err: unknown) => this.ports.failed?.(err, body));
  }
}
