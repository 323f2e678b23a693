import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { resolveProgressMode, startProgress } from '../../src/cli/progress/progress.js';
import { duration, progressText, shortCount, snapshots } from '../../src/cli/progress/progress-text.js';
import { StageStats } from '../../src/core/stats.js';

function stats(stage: string, values: Partial<Pick<StageStats, 'in' | 'out' | 'inFlight' | 'expected'>>, startedSecondsAgo: number, now: number): StageStats {
  const s = new StageStats(stage);
  Object.assign(s, values);
  (s as { startedAt: number }).startedAt = now - startedSecondsAgo * 1000;
  return s;
}

describe('progress lines', () => {
  test('ETA: a source knows its total; each later stage expects what came before less its failures', () => {
    const now = 1_000_000;
    const sample = stats('sample', { in: 60, out: 50, expected: 100 }, 10, now);
    sample.recordFailure({ kind: 'filtered', reason: 'no-pr', message: '' });
    const king = stats('king', { in: 40, out: 36, inFlight: 4 }, 10, now);
    king.recordFailure({ kind: 'rejected', reason: 'format', message: '' });
    king.recordFailure({ kind: 'rejected', reason: 'format', message: '' });
    king.add('tokens.prompt', 12_000);
    king.add('tokens.completion', 345);
    king.add('retries', 3);
    const challenge = stats('challenge', { in: 30, out: 30 }, 10, now);
    const [s, k, c] = snapshots(
      [
        { stats: sample, source: true },
        { stats: king, source: false },
        { stats: challenge, source: false },
      ],
      now,
    );
    // sample: 50 of 100 out in 10 s -> 5/s, 10 s left (its own failures do not count against its output).
    expect([s!.rate, s!.etaSeconds]).toEqual([5, 10]);
    // king: expects 100; 38 done (36 out + 2 failed) at 3.8/s -> 62 left.
    expect(k!.rate).toBeCloseTo(3.8);
    expect(k!.etaSeconds).toBeCloseTo(62 / 3.8);
    // challenge: expects 100 - 2 king failures = 98; 30 done at 3/s.
    expect(c!.etaSeconds).toBeCloseTo(68 / 3);
    expect(progressText(k!)).toBe('king: in 40, out 36, 4 in flight, 2 failed, 3 retries, 12k tokens, 3.8/s, ETA 16s');
    expect(progressText(s!)).toBe('sample: in 60, out 50, 0 in flight, 1 failed, 5.0/s, ETA 10s');
  });

  test('no ETA without a known total, nor before anything is done; cost once priced', () => {
    const now = 5_000;
    const king = stats('king', { in: 3, inFlight: 3 }, 2, now);
    const [k] = snapshots([{ stats: king, source: false }], now);
    expect(k!.etaSeconds).toBeUndefined();
    expect(progressText(k!)).toBe('king: in 3, out 0, 3 in flight, 0 failed');
    king.add('cost_usd', 0.0123);
    expect(progressText(snapshots([{ stats: king, source: false }], now)[0]!)).toBe('king: in 3, out 0, 3 in flight, 0 failed, $0.0123');
  });

  test('with --max-cost: spend against the budget (the process\'s spend, shared by its stages)', () => {
    const now = 5_000;
    const judge = stats('judge', { in: 3, inFlight: 3 }, 2, now);
    judge.add('cost_usd', 0.0123);
    judge.counters.set('budget.max_usd', 5);
    judge.counters.set('budget.spent_usd', 3.21);
    expect(progressText(snapshots([{ stats: judge, source: false }], now)[0]!)).toBe('judge: in 3, out 0, 3 in flight, 0 failed, $0.0123, budget $3.2100 of $5.00 spent');
  });

  test('short counts and durations', () => {
    expect([shortCount(999), shortCount(1234), shortCount(56_789), shortCount(2_500_000), shortCount(45_000_000)]).toEqual(['999', '1.2k', '57k', '2.5M', '45M']);
    expect([duration(45), duration(185), duration(7620)]).toEqual(['45s', '3m05s', '2h07m']);
  });

  test('modes: --quiet and off silence it; auto draws bars only on a terminal that is not dumb', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    const settings = { mode: 'auto' as const, intervalSeconds: 10, quiet: false };
    expect(resolveProgressMode(settings, tty, {})).toBe('bars');
    expect(resolveProgressMode(settings, tty, { TERM: 'dumb' })).toBe('lines');
    expect(resolveProgressMode(settings, pipe, {})).toBe('lines');
    expect(resolveProgressMode({ ...settings, quiet: true }, tty, {})).toBe('off');
    expect(resolveProgressMode({ ...settings, mode: 'bars' }, pipe, {})).toBe('bars');
  });

  test('plain lines come every interval on the given stream, never at the start', async () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const king = new StageStats('king');
    const progress = await startProgress([{ stats: king, source: false }], { mode: 'lines', intervalSeconds: 0.05, quiet: false }, stream as unknown as NodeJS.WriteStream, {});
    expect(written).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 130));
    progress.log('td king: a log line\n');
    await progress.stop();
    const lines = written.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((line) => line === 'td king: in 0, out 0, 0 in flight, 0 failed').length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toBe('td king: a log line');
    const after = written;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(written).toBe(after);
  });
});
