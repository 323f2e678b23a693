import { describe, expect, it } from 'vitest';
import { JudgeHealth, MAX_JUDGES, OTHER_JUDGES, codePoints } from '../../src/sinks/report/judge-health.js';
import { ReportStats, turnRow } from '../../src/sinks/report/report-stats.js';
import { scoredRecord, verdict, verdictsOf } from '../helpers/scored.js';

describe('JudgeHealth', () => {
  it('measures parse rate and flip rate per judge', () => {
    const health = new JudgeHealth();
    health.observe(verdictsOf([['a', 'challenger', 'challenger']]), 10, 10);
    health.observe(verdictsOf([['a', 'challenger', 'king']]), 10, 10); // flip
    health.observe(verdictsOf([['a', 'tie', undefined]]), 10, 10); // one order abstained: no pair
    const [a] = health.rows();
    expect(a).toMatchObject({ judge: 'a', verdicts: 6, parsed: 5, both_orders: 2 });
    expect(a!.parse_rate).toBeCloseTo(5 / 6, 12);
    expect(a!.flip_rate).toBe(0.5);
  });

  it('measures P(prefers the first shown) over decisive verdicts only', () => {
    const health = new JudgeHealth();
    // king-first shows the king as A: a king win is a first-shown pick; challenger-first: a challenger win is.
    health.observe([verdict({ judge: 'a', order: 'king-first', winner: 'king' }), verdict({ judge: 'a', order: 'challenger-first', winner: 'challenger' })], 5, 5);
    health.observe([verdict({ judge: 'a', order: 'king-first', winner: 'challenger' }), verdict({ judge: 'a', order: 'challenger-first', winner: 'tie' })], 5, 5);
    expect(health.rows()[0]!.prefers_first).toBeCloseTo(2 / 3, 12);
  });

  it('derives the side from position_winner when winner is missing', () => {
    const health = new JudgeHealth();
    const { winner: _w, p: _p, ...positional } = verdict({ judge: 'a', order: 'challenger-first', winner: 'challenger' });
    expect(positional.position_winner).toBe('A');
    health.observe([positional], 5, 5);
    expect(health.rows()[0]!.prefers_first).toBe(1);
  });

  it('measures P(prefers the longer) and skips equal lengths', () => {
    const health = new JudgeHealth();
    health.observe(verdictsOf([['a', 'challenger', 'challenger']]), 200, 50); // longer won twice
    health.observe(verdictsOf([['a', 'king', 'challenger']]), 50, 200); // longer (king) won once, lost once
    health.observe(verdictsOf([['a', 'king', 'king']]), 80, 80); // equal length: not counted
    expect(health.rows()[0]!.prefers_longer).toBe(0.75);
  });

  it('reads lengths in characters (code points), not UTF-16 units', () => {
    expect(['', 'abc', '😀😀', 'é', 'e\u0301', '\ud83d', '\ude00\ud83d', 'a😀b'].map(codePoints)).toEqual([0, 3, 2, 1, 2, 1, 2, 3]);
    // Two emoji (four UTF-16 units) against three letters: the king's reply is the longer one.
    const stats = new ReportStats(0);
    const record = scoredRecord({ challenger: '😀😀', king: 'abc' });
    stats.observe(record, turnRow(record, 'final'));
    expect(stats.judges.rows()[0]!.prefers_longer).toBe(0);
  });

  it('measures agreement between judges on each turn decision', () => {
    const health = new JudgeHealth();
    health.observe(verdictsOf([['a', 'challenger', 'challenger'], ['b', 'challenger', 'tie'], ['c', 'king', 'king']]), 1, 1);
    health.observe(verdictsOf([['a', 'king', 'king'], ['b', 'king', 'king'], ['c', undefined, undefined]]), 1, 1);
    const pairs = Object.fromEntries(health.pairRows().map((p) => [p.judges.join('+'), [p.turns, p.agreement]]));
    expect(pairs).toEqual({ 'a+b': [2, 1], 'a+c': [1, 0], 'b+c': [1, 0] });
    const rows = Object.fromEntries(health.rows().map((r) => [r.judge, r.agreement]));
    expect(rows).toEqual({ a: 2 / 3, b: 2 / 3, c: 0 });
  });

  it('pools judges beyond the limit instead of growing without bound', () => {
    const health = new JudgeHealth();
    for (let i = 0; i < MAX_JUDGES + 5; i++) health.observe([verdict({ judge: `j${i}`, order: 'king-first', winner: 'king' })], 1, 1);
    const rows = health.rows();
    expect(rows).toHaveLength(MAX_JUDGES + 1);
    expect(rows.find((r) => r.judge === OTHER_JUDGES)!.verdicts).toBe(5);
  });
});
