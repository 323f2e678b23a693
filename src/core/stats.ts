import type { Failure, FailureKind } from './outcome.js';

/**
 * Counters for one stage, read by the end-of-run summary and by live progress. Counters are plain
 * numbers so progress can sample them cheaply; stages add their own (tokens, retries, cost) by name.
 */
export class StageStats {
  readonly startedAt = Date.now();
  in = 0;
  out = 0;
  inFlight = 0;
  readonly failedByReason = new Map<string, number>();
  readonly failedKinds = new Set<FailureKind>();
  readonly counters = new Map<string, number>();
  /** Expected total input, when a stage knows it (e.g. `td sample -n`), for ETA. */
  expected: number | undefined;

  constructor(readonly stage: string) {}

  get failed(): number {
    let total = 0;
    for (const n of this.failedByReason.values()) total += n;
    return total;
  }

  recordFailure(failure: Failure): void {
    this.failedByReason.set(failure.reason, (this.failedByReason.get(failure.reason) ?? 0) + 1);
    this.failedKinds.add(failure.kind);
  }

  add(counter: string, amount = 1): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + amount);
  }

  get(counter: string): number {
    return this.counters.get(counter) ?? 0;
  }

  elapsedSeconds(now = Date.now()): number {
    return (now - this.startedAt) / 1000;
  }

  /** `in 120, out 117, failed 3 (format 2, http-500 1), 12.3s` */
  summary(now = Date.now()): string {
    const failed = this.failed;
    const reasons = [...this.failedByReason.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    const failedText = failed > 0 ? `failed ${failed} (${reasons})` : 'failed 0';
    return `in ${this.in}, out ${this.out}, ${failedText}, ${this.elapsedSeconds(now).toFixed(1)}s`;
  }
}
