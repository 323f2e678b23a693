import { describe, expect, test } from 'vitest';
import type { Order, Verdict } from '../../src/contract/judgement.js';
import { PREFERENCE, flipped, preferenceOf, preferredSide, sideOfPosition, sidesByJudge } from '../../src/contract/verdict-sides.js';
import { sideVerdict } from '../../src/transforms/judge/aggregate.js';

const scores = { correctness: 5, grounding: 5, progress: 5, protocol: 5, efficiency: 5 };
const ORDERS: Order[] = ['king-first', 'challenger-first'];

describe('verdict sides: one reading for td judge, td import and td report', () => {
  test.each([
    ['king-first', 'A', 'king'],
    ['king-first', 'B', 'challenger'],
    ['challenger-first', 'A', 'challenger'],
    ['challenger-first', 'B', 'king'],
    ['challenger-first', 'tie', 'tie'],
  ] as const)('%s, %s names the %s', (order, position, side) => {
    expect(sideOfPosition(order, position)).toBe(side);
  });

  test('a verdict td judge writes reads back the same from its position alone (as td report reads a seed verdict)', () => {
    for (const order of ORDERS) {
      for (const position of ['A', 'B', 'tie'] as const) {
        const written = sideVerdict('j', order, { reason: 'r', scores: { A: scores, B: scores }, winner: position });
        const positionOnly: Verdict = { judge: 'j', order, status: 'parsed', position_winner: position };
        expect(preferredSide(positionOnly)).toBe(written.winner);
        expect(preferenceOf(positionOnly)).toBe(written.p);
        expect(written.p).toBe(PREFERENCE[written.winner!]);
      }
    }
  });

  test('sides per judge and order: flips, conflicts and unreadable verdicts', () => {
    const verdict = (judge: string, order: Order, winner?: 'king' | 'challenger' | 'tie'): Verdict => ({ judge, order, status: 'parsed', ...(winner ? { winner } : {}) });
    const byJudge = sidesByJudge([
      verdict('a', 'king-first', 'king'),
      verdict('a', 'challenger-first', 'challenger'),
      verdict('b', 'king-first', 'tie'),
      verdict('b', 'challenger-first', 'tie'),
      verdict('c', 'king-first', 'king'),
      verdict('c', 'king-first', 'challenger'),
      verdict('d', 'king-first'),
      { judge: 'e', order: 'king-first', status: 'abstained' },
    ]);
    expect([...byJudge.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect([...byJudge.values()].map(flipped)).toEqual([true, false, false, false]);
    expect(byJudge.get('c')).toMatchObject({ conflict: true, unreadable: false });
    expect(byJudge.get('d')).toMatchObject({ conflict: false, unreadable: true });
    const pooled = sidesByJudge([verdict('a', 'king-first', 'king'), verdict('b', 'challenger-first', 'challenger')], () => 'others');
    expect(flipped(pooled.get('others')!)).toBe(true);
  });
});
