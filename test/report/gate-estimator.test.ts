import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATE_ESTIMATORS, decideGate } from '../../src/sinks/report/gate.js';
import { gatePreference } from '../../src/sinks/report/report-stats.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';

/** A turn whose adaptive panel stopped after three losses, with the full panel's estimated preference. */
function stoppedEarly(index: number, estimate: number) {
  const record = scoredRecord({ index, verdicts: verdictsOf([['judge-a', 'king', 'king']]).concat(verdictsOf([['judge-b', 'king', 'challenger']]).slice(0, 1)) });
  return { ...record, judgement: { ...record.judgement, panel: 'adaptive', asked: 3, of: 6, stopped: 'settled', full_score: { min: 0, max: 50 }, preference_estimate: estimate } };
}

describe("the gate's estimator on adaptive records", () => {
  it('counts a turn that stopped early at its preference_estimate, every other turn at its mean preference', () => {
    expect(gatePreference(stoppedEarly(0, 0.08))).toEqual({ value: 0.08, estimated: true });
    expect(stoppedEarly(0, 0.08).judgement.preference).toBe(0);
    expect(gatePreference(scoredRecord({ index: 1 }))).toEqual({ value: 1, estimated: false });
  });

  it('duel.json names the estimator and how many turns it applied to; the bound moves with the estimates, not the partial means', async () => {
    const full = Array.from({ length: 20 }, (_, i) => scoredRecord({ index: i, verdicts: verdictsOf([['judge-a', 'challenger', 'challenger']]) }));
    const early = Array.from({ length: 10 }, (_, i) => stoppedEarly(100 + i, 0.1));
    const out = join(tempDir(), 'report');
    await runReport([...full, ...early], { out });
    const duel = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8')) as { estimator: string; estimated_turns: number; mean_preference: number };
    expect(duel.estimator).toBe(GATE_ESTIMATORS.estimate);
    expect(duel.estimated_turns).toBe(10);
    // 20 turns at 1 and 10 at their estimate 0.1 (their partial mean, 0, would give 0.666667).
    expect(duel.mean_preference).toBe(0.7);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain("10 of the 30 parsed turns stopped their judge panel early");
  });

  it('without early-stopped turns the gate says it averages the mean preference, as before', () => {
    const gate = decideGate([1, 0.5, 1], 0, { minMargin: 0, minParsedFraction: 0.8, resamples: 1000, seed: 0 });
    expect(gate).toMatchObject({ estimator: GATE_ESTIMATORS.mean, estimated_turns: 0 });
  });
});
