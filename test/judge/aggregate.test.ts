import { describe, expect, test } from 'vitest';
import type { Order, Verdict } from '../../src/contract/judgement.js';
import { JudgementSchema } from '../../src/contract/judgement.js';
import { abstention, aggregate, bootstrapLowerBound, sideVerdict } from '../../src/transforms/judge/aggregate.js';
import { verdict } from '../helpers/judge.js';

const options = { against: 'king' as const, minParsed: 0.5, bootstrap: 1000, seed: 'r0' };

/** A parsed verdict whose side winner is `winner`, given in `order`. */
function v(judge: string, order: Order, winner: 'challenger' | 'king' | 'tie'): Verdict {
  const challengerAt = order === 'king-first' ? 'B' : 'A';
  const kingAt = challengerAt === 'A' ? 'B' : 'A';
  const position = winner === 'tie' ? 'tie' : winner === 'challenger' ? challengerAt : kingAt;
  return sideVerdict(judge, order, verdict(position, { [challengerAt.toLowerCase()]: { correctness: 9 }, [kingAt.toLowerCase()]: { correctness: 5 } }));
}

describe('sideVerdict', () => {
  test('translates positions to sides in both orders and keeps the judge\'s words', () => {
    const kingFirst = sideVerdict('j', 'king-first', verdict('B', { a: { progress: 2 }, b: { progress: 9 } }));
    expect(kingFirst).toMatchObject({ position_winner: 'B', winner: 'challenger', p: 1, scores: { king: { progress: 2 }, challenger: { progress: 9 } } });
    const challengerFirst = sideVerdict('j', 'challenger-first', verdict('B', { a: { progress: 2 }, b: { progress: 9 } }));
    expect(challengerFirst).toMatchObject({ position_winner: 'B', winner: 'king', p: 0, scores: { challenger: { progress: 2 }, king: { progress: 9 } } });
    expect(sideVerdict('j', 'king-first', verdict('tie'))).toMatchObject({ winner: 'tie', p: 0.5 });
  });
});

describe('aggregate', () => {
  test('3 judges x 2 orders: 5 of 6 wins is 83.3333, 4 of 6 is 66.6667', () => {
    const five = [v('a', 'king-first', 'challenger'), v('a', 'challenger-first', 'challenger'), v('b', 'king-first', 'challenger'), v('b', 'challenger-first', 'challenger'), v('c', 'king-first', 'challenger'), v('c', 'challenger-first', 'king')];
    expect(aggregate(five, options).score).toBe(83.3333);
    const four = five.map((x, i) => (i === 4 ? v('c', 'king-first', 'king') : x));
    const result = aggregate(four, options);
    expect(result.score).toBe(66.6667);
    expect(result.judgement).toMatchObject({ parsed: 6, total: 6, parsed_fraction: 1, preference: 0.6667, flips: 0 });
    expect(JudgementSchema.safeParse(result.judgement).success).toBe(true);
  });

  test('an abstention is neither a tie nor a loss: it leaves the mean and lowers the parsed fraction', () => {
    const verdicts = [v('a', 'king-first', 'challenger'), v('a', 'challenger-first', 'challenger'), abstention('b', 'king-first', 'no JSON object in the reply'), v('b', 'challenger-first', 'tie')];
    const { score, judgement } = aggregate(verdicts, options);
    expect(score).toBe(83.3333);
    expect(judgement).toMatchObject({ parsed: 3, total: 4, parsed_fraction: 0.75, preference: 0.8333 });
  });

  test('below --min-parsed the score is null, and the judgement is still complete', () => {
    const verdicts = [v('a', 'king-first', 'challenger'), abstention('a', 'challenger-first', 'x'), abstention('b', 'king-first', 'x'), abstention('b', 'challenger-first', 'x')];
    const { score, judgement } = aggregate(verdicts, options);
    expect(score).toBeNull();
    expect(judgement).toMatchObject({ parsed: 1, total: 4, parsed_fraction: 0.25, preference: 1, lower_bound: 1 });
    expect(aggregate(verdicts, { ...options, minParsed: 0.25 }).score).toBe(100);
    const none = aggregate([abstention('a', 'king-first', 'x')], { ...options, minParsed: 0 });
    expect(none).toMatchObject({ score: null, judgement: { preference: null, lower_bound: null, flips: 0 } });
    expect(none.judgement.dimensions.challenger.correctness).toBeNull();
  });

  test('flips count judges whose two parsed orders named different winners', () => {
    const verdicts = [
      v('biased', 'king-first', 'king'),
      v('biased', 'challenger-first', 'challenger'),
      v('steady', 'king-first', 'challenger'),
      v('steady', 'challenger-first', 'challenger'),
      v('half', 'king-first', 'tie'),
      v('half', 'challenger-first', 'challenger'),
      v('lost', 'king-first', 'king'),
      abstention('lost', 'challenger-first', 'x'),
    ];
    expect(aggregate(verdicts, options).judgement.flips).toBe(2);
  });

  test('dimension means per side over parsed verdicts, leaving out dimensions a verdict did not judge', () => {
    const rules = { ...v('td/rules', 'king-first', 'tie'), judged: ['protocol'] };
    rules.scores = { challenger: { correctness: 1, grounding: 1, progress: 1, protocol: 10, efficiency: 1 }, king: { correctness: 1, grounding: 1, progress: 1, protocol: 4, efficiency: 1 } };
    const { judgement } = aggregate([v('a', 'king-first', 'challenger'), v('a', 'challenger-first', 'challenger'), rules], options);
    expect(judgement.dimensions.challenger).toEqual({ correctness: 9, grounding: 7, progress: 7, protocol: 8, efficiency: 7 });
    expect(judgement.dimensions.king).toEqual({ correctness: 5, grounding: 7, progress: 7, protocol: 6, efficiency: 7 });
  });
});

describe('bootstrapLowerBound', () => {
  test('is seeded by the record: the same values and seed give the same bound, below the mean', () => {
    const values = [1, 1, 0.5, 0, 1, 1];
    expect(bootstrapLowerBound(values, 1000, 'r1')).toBe(0.5);
    // Pinned per seed: a change of the seed derivation would change judge outputs already written.
    const bounds = Array.from({ length: 6 }, (_, i) => bootstrapLowerBound(values, 50, `s${i}`));
    expect(bounds).toEqual([0.5, 0.5, 0.5, 0.5, 5 / 12, 1 / 3]);
  });

  test('equals the value when every value is the same', () => {
    expect(bootstrapLowerBound([1, 1, 1], 1000, 'x')).toBe(1);
    expect(bootstrapLowerBound([0.5], 1000, 'x')).toBe(0.5);
  });

  test('matches the 5th percentile of resampled means (checked against a sort of many resamples)', () => {
    // Two values 0 and 1, n = 2: resampled means are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4: the 5th percentile is 0.
    expect(bootstrapLowerBound([0, 1], 1000, 'y')).toBe(0);
    // n = 6 with five 1s and one 0: P(mean <= 4/6) is about 26%, P(mean <= 3/6) about 6%: the 5th percentile is 0.5 or 4/6.
    expect([0.5, 4 / 6]).toContain(bootstrapLowerBound([1, 1, 1, 1, 1, 0], 1000, 'z'));
  });
});
