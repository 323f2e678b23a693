import { describe, expect, test } from 'vitest';
import type { Order, Verdict } from '../../src/contract/judgement.js';
import { abstention, aggregate, sideVerdict } from '../../src/transforms/judge/aggregate.js';
import {
  VERDICT_OUTCOMES,
  bucketOfScore,
  fullScoreBounds,
  completions,
  otherBucketChance,
  panelStop,
  priorCount,
  settledBucket,
  tallyOf,
  type BucketRule,
  type PanelRule,
  type VerdictOutcome,
} from '../../src/transforms/judge/panel.js';

const ORDERS: readonly Order[] = ['king-first', 'challenger-first'];
const JUDGES = ['judge-a', 'judge-b', 'judge-c'];
/** The panel's pairs in asking order: both orders of a judge before the next judge. */
const PAIRS = JUDGES.flatMap((judge) => ORDERS.map((order) => ({ judge, order })));
const SCORES = { correctness: 5, grounding: 5, progress: 5, protocol: 5, efficiency: 5 };

/** The verdict a judge gives in `order` for an outcome from the challenger's side, built as td builds it. */
function verdictFor(judge: string, order: Order, outcome: VerdictOutcome): Verdict {
  if (outcome === 'abstain') return abstention(judge, order, 'no JSON object in the reply');
  const challengerAt = order === 'king-first' ? 'B' : 'A';
  const kingAt = challengerAt === 'A' ? 'B' : 'A';
  const winner = outcome === 'tie' ? 'tie' : outcome === 'win' ? challengerAt : kingAt;
  return sideVerdict(judge, order, { reason: 'r', scores: { A: SCORES, B: SCORES }, winner });
}

/** Every sequence of `n` outcomes (4^n). */
function* sequences(n: number): Generator<VerdictOutcome[]> {
  if (n === 0) return yield [];
  for (const head of sequences(n - 1)) for (const outcome of VERDICT_OUTCOMES) yield [...head, outcome];
}

function bucketOfVerdicts(verdicts: readonly Verdict[], rule: BucketRule) {
  return bucketOfScore(aggregate(verdicts, { against: 'king', minParsed: rule.minParsed, bootstrap: 10, seed: 'x' }).score, rule);
}

/** Asks the panel pair by pair as td judge does, stopping where panelStop says; the verdicts asked. */
function runPanel(outcomes: readonly VerdictOutcome[], rule: PanelRule): Verdict[] {
  const asked: Verdict[] = [];
  while (panelStop(asked, PAIRS.length, rule) === undefined) {
    const { judge, order } = PAIRS[asked.length]!;
    asked.push(verdictFor(judge, order, outcomes[asked.length]!));
  }
  return asked;
}

/** The default thresholds, and corners: strict and lax parse rules, every threshold at an edge and between. */
const RULES: BucketRule[] = [
  { finalMin: 80, defeatMin: 66, minParsed: 0.5 },
  { finalMin: 80, defeatMin: 66, minParsed: 0.8 },
  { finalMin: 80, defeatMin: 66, minParsed: 0 },
  { finalMin: 80, defeatMin: 66, minParsed: 1 },
  { finalMin: 100, defeatMin: 50, minParsed: 0.5 },
  { finalMin: 75, defeatMin: 75, minParsed: 0.34 },
  { finalMin: 66.6667, defeatMin: 33.3333, minParsed: 0.5 },
  { finalMin: 0, defeatMin: 0, minParsed: 0.5 },
  { finalMin: 60, defeatMin: 40, minParsed: 0.67 },
];

describe('adaptive panel: the same bucket as the full panel, for every verdict sequence of a 3-judge panel', () => {
  test.each(RULES)('finalMin $finalMin, defeatMin $defeatMin, minParsed $minParsed: all 4^6 sequences', (rule) => {
    let asked = 0;
    let sequencesSeen = 0;
    for (const outcomes of sequences(PAIRS.length)) {
      sequencesSeen++;
      const full = PAIRS.map(({ judge, order }, i) => verdictFor(judge, order, outcomes[i]!));
      const adaptive = runPanel(outcomes, { ...rule, mode: 'adaptive', agreement: 0.98 });
      // The adaptive record asks a prefix of the full panel, in panel order, and lands in the same bucket.
      expect(adaptive).toEqual(full.slice(0, adaptive.length));
      expect(bucketOfVerdicts(adaptive, rule), outcomes.join(',')).toBe(bucketOfVerdicts(full, rule));
      asked += adaptive.length;
    }
    expect(sequencesSeen).toBe(4 ** 6);
    // It does stop early (a panel that always asked all six would pass the equality trivially).
    expect(asked).toBeLessThan(6 * 4 ** 6);
  });

  test.each(RULES)('finalMin $finalMin, defeatMin $defeatMin, minParsed $minParsed: settled exactly when every completion of the prefix agrees', (rule) => {
    // Against brute force over every completion of every prefix: settled is neither wrong nor late.
    for (let k = 0; k <= PAIRS.length; k++) {
      for (const prefix of sequences(k)) {
        const asked = prefix.map((outcome, i) => verdictFor(PAIRS[i]!.judge, PAIRS[i]!.order, outcome));
        const buckets = new Set<string>();
        for (const rest of sequences(PAIRS.length - k)) {
          const full = [...asked, ...rest.map((outcome, i) => verdictFor(PAIRS[k + i]!.judge, PAIRS[k + i]!.order, outcome))];
          buckets.add(bucketOfVerdicts(full, rule));
        }
        const settled = settledBucket(tallyOf(asked).tally, PAIRS.length - k, rule);
        expect(settled, prefix.join(',')).toBe(buckets.size === 1 ? [...buckets][0] : undefined);
      }
    }
  });

  test('the full-score bounds hold every completion that scores', () => {
    const rule = RULES[0]!;
    for (let k = 0; k <= 4; k++) {
      for (const prefix of sequences(k)) {
        const asked = prefix.map((outcome, i) => verdictFor(PAIRS[i]!.judge, PAIRS[i]!.order, outcome));
        const { min, max } = fullScoreBounds(tallyOf(asked).tally, PAIRS.length - k, rule);
        const scores: number[] = [];
        for (const rest of sequences(PAIRS.length - k)) {
          const full = [...asked, ...rest.map((outcome, i) => verdictFor(PAIRS[k + i]!.judge, PAIRS[k + i]!.order, outcome))];
          const { score } = aggregate(full, { against: 'king', minParsed: rule.minParsed, bootstrap: 10, seed: 'x' });
          if (score !== null) scores.push(score);
        }
        expect(min).toBe(scores.length === 0 ? null : Math.min(...scores));
        expect(max).toBe(scores.length === 0 ? null : Math.max(...scores));
      }
    }
  });

  test('full asks every pair whatever the verdicts', () => {
    for (const outcomes of [['loss', 'loss', 'loss', 'loss', 'loss', 'loss'], ['win', 'win', 'win', 'win', 'win', 'win']] as VerdictOutcome[][]) {
      expect(runPanel(outcomes, { ...RULES[0]!, mode: 'full', agreement: 0.98 })).toHaveLength(6);
    }
  });

  test('adaptive stops a clear defeat after three losses and a clear final after five wins', () => {
    const rule: PanelRule = { ...RULES[0]!, mode: 'adaptive', agreement: 0.98 };
    expect(runPanel(['loss', 'loss', 'loss', 'win', 'win', 'win'], rule)).toHaveLength(3);
    expect(runPanel(['win', 'win', 'win', 'win', 'win', 'loss'], rule)).toHaveLength(5);
    expect(runPanel(['win', 'loss', 'win', 'loss', 'win', 'loss'], rule)).toHaveLength(6);
  });
});

describe('confident panel', () => {
  const rule: PanelRule = { ...RULES[0]!, mode: 'confident', agreement: 0.98 };

  test('never stops before one judge has a parsed verdict in both orders, unless the bucket is settled', () => {
    for (const outcomes of sequences(PAIRS.length)) {
      const asked = runPanel(outcomes, rule);
      const settled = settledBucket(tallyOf(asked).tally, PAIRS.length - asked.length, rule) !== undefined;
      if (settled) continue;
      const judges = new Map<string, number>();
      for (const v of asked) if (v.status === 'parsed') judges.set(v.judge, (judges.get(v.judge) ?? 0) + 1);
      expect([...judges.values()].some((n) => n === 2), outcomes.join(',')).toBe(true);
    }
  });

  test('stops at least where adaptive does, and a unanimous first judge decides a clear turn', () => {
    for (const outcomes of sequences(PAIRS.length)) {
      expect(runPanel(outcomes, rule).length).toBeLessThanOrEqual(runPanel(outcomes, { ...rule, mode: 'adaptive' }).length);
    }
    expect(runPanel(['loss', 'loss', 'win', 'win', 'win', 'win'], rule)).toHaveLength(2);
    expect(runPanel(['win', 'win', 'win', 'win', 'loss', 'loss'], rule).length).toBeGreaterThan(2);
    // A split first judge says little: asked on.
    expect(runPanel(['win', 'loss', 'win', 'loss', 'tie', 'tie'], rule).length).toBeGreaterThan(2);
  });

  test('the posterior predictive sums to one, and the prior matches the assumed agreement', () => {
    const asked = (outcomes: VerdictOutcome[]) => outcomes.map((outcome, i) => ({ outcome, order: PAIRS[i]!.order }));
    for (const seen of [[], ['win', 'win'], ['win', 'tie', 'loss'], ['loss', 'loss', 'loss', 'abstain', 'win']] as VerdictOutcome[][]) {
      let total = 0;
      for (const { probability, tally } of completions(asked(seen), 6)) {
        total += probability;
        expect(tally.asked).toBe(6);
      }
      expect(total).toBeCloseTo(1, 12);
    }
    const a = priorCount(0.85);
    expect((a + 1) / (2 * a + 1)).toBeCloseTo(0.85, 12);
    // A king-first loss may be position bias, a challenger-first one not: after two losses the full panel
    // is very likely a defeat; after two wins, a later king-first verdict biased to the king can still spoil a final.
    expect(otherBucketChance(asked(['loss', 'loss']), 6, 'defeat', RULES[0]!)).toBeLessThan(0.02);
    const afterWins = otherBucketChance(asked(['win', 'win']), 6, 'final', RULES[0]!);
    expect(afterWins).toBeGreaterThan(0.02);
    expect(afterWins).toBeLessThan(0.5);
  });
});
