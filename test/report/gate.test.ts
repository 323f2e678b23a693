import { describe, expect, it } from 'vitest';
import { decideGate } from '../../src/sinks/report/gate.js';

const options = { minMargin: 0, minParsedFraction: 0.8, resamples: 1000, seed: 0 };

describe('decideGate', () => {
  it('passes a challenger that wins most turns, with the margin over 0.5', () => {
    const gate = decideGate([1, 1, 1, 1, 0.5, 1, 0, 1, 1, 1], 0, options);
    expect(gate.verdict).toBe('pass');
    expect(gate.mean_preference).toBe(0.85);
    expect(gate.margin).toBe(0.35);
    expect(gate.margin_lower_bound!).toBeGreaterThan(0);
    expect(gate.margin_lower_bound!).toBeLessThan(0.35);
    expect(gate.reasons).toEqual([]);
  });

  it('fails a challenger that only ties: a lower bound of exactly 0 is not above 0', () => {
    const gate = decideGate([0.5, 0.5, 0.5], 0, options);
    expect(gate.margin_lower_bound).toBe(0);
    expect(gate.verdict).toBe('fail');
    expect(gate.reasons).toEqual(['margin lower bound +0.000 is not above --min-margin 0']);
  });

  it('fails when too few turns parsed, however good the margin', () => {
    const gate = decideGate([1, 1, 1], 1, { ...options, minParsedFraction: 0.8 });
    expect(gate.parsed_fraction).toBe(0.75);
    expect(gate.verdict).toBe('fail');
    expect(gate.reasons).toEqual(['parsed fraction 0.750 is below --min-parsed-fraction 0.8']);
  });

  it('applies --min-margin to the lower bound', () => {
    const preferences = [1, 1, 1, 1, 0.5, 1, 0, 1, 1, 1];
    const loose = decideGate(preferences, 0, options);
    const strict = decideGate(preferences, 0, { ...options, minMargin: loose.margin_lower_bound! });
    expect(strict.verdict).toBe('fail');
    expect(strict.reasons[0]).toMatch(/^margin lower bound \+0\.\d{3} is not above --min-margin /);
  });

  it('fails with a reason when nothing parsed or nothing came in', () => {
    expect(decideGate([], 3, options)).toMatchObject({ verdict: 'fail', parsed: 0, parse_fail: 3, mean_preference: null, margin_lower_bound: null });
    expect(decideGate([], 3, options).reasons).toContain('no parsed turns');
    expect(decideGate([], 0, options).reasons).toEqual(['no judged turns']);
  });
});
