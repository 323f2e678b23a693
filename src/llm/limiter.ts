import PQueue from 'p-queue';
import type { Logger } from '../core/logger.js';
import { formatDuration } from './format-duration.js';
import { TokenWindow, type TokenSpend } from './token-window.js';

export interface LimiterOptions {
  /** Requests in flight at most (the ceiling the adaptive limit grows back to). */
  concurrency: number;
  /** Requests started per minute at most. */
  rpm?: number | undefined;
  /** Tokens per minute at most. */
  tpm?: number | undefined;
}

/** Where one request stands in the limiter: given to the task so it can settle its token estimate. */
export interface Slot {
  settleTokens(tokens: number): void;
}

/**
 * One per endpoint + key, shared by every stage of a process (`session.memo`): a p-queue bounds
 * requests in flight (and, with `rpm`, starts per sliding minute); a token window enforces `tpm`.
 *
 * Rate limits slow the whole endpoint, not one request (AIMD, as TCP does): a 429 halves the
 * concurrency (at most once per back-off window, so one burst of 429s counts once) and pauses new
 * starts for the back-off the server asked for (capped by the caller); each run of successes as long
 * as the current limit adds one slot back, up to the ceiling. Requests already running are never cut.
 */
export class EndpointLimiter {
  private readonly queue: PQueue;
  private readonly tokens: TokenWindow | undefined;
  private successes = 0;
  private nextCutAt = 0;
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: LimiterOptions,
    private readonly log: Logger,
    private readonly label: string,
  ) {
    this.queue = new PQueue({
      concurrency: options.concurrency,
      ...(options.rpm === undefined ? {} : { interval: 60_000, intervalCap: options.rpm, strict: true }),
    });
    this.tokens = options.tpm === undefined ? undefined : new TokenWindow(options.tpm);
  }

  /** The current (adaptive) limit on requests in flight. */
  get concurrency(): number {
    return this.queue.concurrency;
  }

  /** Requests running now. */
  get running(): number {
    return this.queue.pending;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.queue.size;
  }

  /**
   * Runs `task` when a slot is free (and the rate windows allow). Retries pass a higher priority so
   * they are not starved by fresh work. Rejects with the signal's reason if aborted while waiting.
   */
  async run<T>(task: (slot: Slot) => Promise<T>, options: { signal?: AbortSignal; priority?: number; estimatedTokens?: number } = {}): Promise<T> {
    return this.queue.add(
      async () => {
        let spend: TokenSpend | undefined;
        if (this.tokens) spend = await this.tokens.reserve(options.estimatedTokens ?? 0, options.signal);
        const slot: Slot = { settleTokens: (tokens) => spend && this.tokens?.settle(spend, tokens) };
        return task(slot);
      },
      { ...(options.signal ? { signal: options.signal } : {}), priority: options.priority ?? 0 },
    ) as Promise<T>;
  }

  /** A request succeeded: additive increase towards the ceiling. */
  onSuccess(): void {
    if (this.queue.concurrency >= this.options.concurrency) return;
    this.successes++;
    if (this.successes >= this.queue.concurrency) {
      this.successes = 0;
      this.queue.concurrency = this.queue.concurrency + 1;
    }
  }

  /**
   * The server said 429: halve the limit (once per window) and hold new starts for `waitMs`.
   * Returns whether this call cut the limit (for counting slow-downs).
   */
  onRateLimited(waitMs: number, now = Date.now()): boolean {
    this.pauseFor(waitMs, now);
    if (now < this.nextCutAt) return false;
    this.nextCutAt = now + Math.max(1000, waitMs);
    this.successes = 0;
    const before = this.queue.concurrency;
    const after = Math.max(1, Math.floor(before / 2));
    this.queue.concurrency = after;
    this.log.warn(`${this.label}: rate limited (429): ${before} -> ${after} requests in flight, new requests wait ${formatDuration(waitMs)}`);
    return true;
  }

  private pauseFor(waitMs: number, now: number): void {
    const until = now + waitMs;
    if (until <= this.pausedUntil || waitMs <= 0) return;
    this.pausedUntil = until;
    this.queue.pause();
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.queue.start();
    }, waitMs);
  }

  /** Stops the resume timer (the session is closing). */
  close(): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    this.queue.start();
  }
}
