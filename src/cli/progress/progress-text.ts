import type { StageStats } from '../../core/stats.js';
import { LLM_COUNTERS } from '../../llm/accounting.js';

/** One stage as progress shows it: plain numbers sampled from its `StageStats`. */
export interface StageSnapshot {
  stage: string;
  in: number;
  out: number;
  inFlight: number;
  failed: number;
  retries: number;
  /** Prompt + completion tokens spent this run (cache hits spend none). */
  tokens: number;
  /** Present once a price table has priced a call. */
  costUsd: number | undefined;
  /** `--max-cost`: the process's budget and what it has spent of it, when one is set. */
  budget?: { maxUsd: number; spentUsd: number } | undefined;
  /** Records finished (out or failed; out alone for a source) per second since the stage started. */
  rate: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | undefined;
}

/** A stage whose counters progress samples; `source` marks the stage that produces the records. */
export interface TrackedStage {
  stats: StageStats;
  source: boolean;
}

/**
 * Samples every stage at once. The total a stage expects comes from its own `stats.expected` (a source
 * knows how many records it will emit), else from the stage before it: what that one expects, less what
 * it has already failed (failed records never reach the next stage).
 */
export function snapshots(stages: readonly TrackedStage[], now = Date.now()): StageSnapshot[] {
  let upstream: number | undefined;
  return stages.map(({ stats, source }) => {
    const expected = stats.expected ?? upstream;
    const failed = stats.failed;
    const done = source ? stats.out : stats.out + failed;
    const elapsed = Math.max(stats.elapsedSeconds(now), 1e-3);
    const rate = done / elapsed;
    const etaSeconds = expected !== undefined && rate > 0 && done > 0 ? Math.max(0, expected - done) / rate : undefined;
    upstream = expected === undefined ? undefined : source ? expected : Math.max(0, expected - failed);
    return {
      stage: stats.stage,
      in: stats.in,
      out: stats.out,
      inFlight: stats.inFlight,
      failed,
      retries: stats.get(LLM_COUNTERS.retries),
      tokens: stats.get(LLM_COUNTERS.promptTokens) + stats.get(LLM_COUNTERS.completionTokens),
      costUsd: stats.counters.has(LLM_COUNTERS.costUsd) ? stats.get(LLM_COUNTERS.costUsd) : undefined,
      budget: stats.counters.has(LLM_COUNTERS.budgetUsd) ? { maxUsd: stats.get(LLM_COUNTERS.budgetUsd), spentUsd: stats.get(LLM_COUNTERS.budgetSpentUsd) } : undefined,
      rate,
      etaSeconds,
    };
  });
}

/** `1.2k`, `34.5M`: short counts for a line that must fit a terminal. */
export function shortCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

/** `45s`, `3m05s`, `2h07m`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One stage on one line: `king: in 120, out 117, 8 in flight, 3 failed, 2 retries, 12.3k tokens, $0.0420, 4.1/s, ETA 1m20s`.
 * Counts that every stage has are always shown; LLM counters only once they are not zero.
 */
export function progressText(s: StageSnapshot): string {
  const parts = [`in ${s.in}`, `out ${s.out}`, `${s.inFlight} in flight`, `${s.failed} failed`];
  if (s.retries > 0) parts.push(`${shortCount(s.retries)} retries`);
  if (s.tokens > 0) parts.push(`${shortCount(s.tokens)} tokens`);
  if (s.costUsd !== undefined) parts.push(`$${s.costUsd.toFixed(4)}`);
  if (s.budget !== undefined) parts.push(`budget $${s.budget.spentUsd.toFixed(4)} of $${s.budget.maxUsd.toFixed(2)} spent`);
  if (s.rate > 0) parts.push(`${s.rate < 10 ? s.rate.toFixed(1) : Math.round(s.rate)}/s`);
  if (s.etaSeconds !== undefined) parts.push(`ETA ${duration(s.etaSeconds)}`);
  return `${s.stage}: ${parts.join(', ')}`;
}
