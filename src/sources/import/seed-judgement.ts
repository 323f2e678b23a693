import { DIMENSIONS, type Dimension, type Judgement, type Order, type Verdict } from '../../contract/judgement.js';
import { bootstrapLowerBound } from '../../core/bootstrap.js';
import { hash32 } from '../sample/random.js';
import type { SeedScore } from './seed-files.js';

const PREFERENCE = { challenger: 1, tie: 0.5, king: 0 } as const;
const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

/**
 * A td judgement from a seed score file. `score` stays the seed's own number, and `preference` is
 * score / 100, so the two agree as td's contract has them. The verdicts, when the file lists them,
 * become the contract's (a verdict without a winner is an abstention) and give the parsed counts,
 * dimension means, flips and a bootstrap lower bound (1000 resamples, seeded by the record id). Without
 * verdicts there is nothing to count: `parsed_fraction` is 1 for a score and 0 for a null one, and the
 * bound is null. `source: "seed"` marks the judgement as imported.
 */
export function seedJudgement(seed: SeedScore, against: 'king' | 'reference', id: string): Judgement {
  const verdicts: Verdict[] = (seed.verdicts ?? []).map((v) =>
    v.winner === null || v.winner === undefined
      ? { judge: v.judge, order: v.order, status: 'abstained', error: 'the seed recorded no winner' }
      : {
          judge: v.judge,
          order: v.order,
          status: 'parsed',
          winner: v.winner,
          p: PREFERENCE[v.winner],
          ...(v.scores === undefined ? {} : { scores: v.scores }),
          ...(v.reason === undefined ? {} : { reason: v.reason }),
        },
  );
  const parsed = verdicts.filter((v) => v.status === 'parsed');
  const total = verdicts.length;
  const fraction = total > 0 ? parsed.length / total : seed.score === null ? 0 : 1;
  const bound = parsed.length === 0 ? undefined : bootstrapLowerBound(parsed.map((v) => v.p!), { resamples: 1000, confidence: 0.95, seed: hash32(id) });
  return {
    against,
    verdicts,
    parsed: parsed.length,
    total,
    parsed_fraction: round4(fraction),
    preference: seed.score === null ? null : round4(seed.score / 100),
    dimensions: { challenger: sideMeans(parsed, 'challenger'), king: sideMeans(parsed, 'king') },
    flips: flips(parsed),
    lower_bound: bound === undefined ? null : round4(bound),
    source: 'seed',
  };
}

function sideMeans(parsed: readonly Verdict[], side: 'challenger' | 'king'): Record<Dimension, number | null> {
  const means = {} as Record<Dimension, number | null>;
  for (const dimension of DIMENSIONS) {
    const values = parsed.flatMap((v) => (v.scores ? [v.scores[side][dimension]] : []));
    means[dimension] = values.length === 0 ? null : round4(values.reduce((a, b) => a + b, 0) / values.length);
  }
  return means;
}

/** Judges whose two orders both parsed and named different winners. */
function flips(parsed: readonly Verdict[]): number {
  const byJudge = new Map<string, Map<Order, string>>();
  for (const v of parsed) byJudge.set(v.judge, (byJudge.get(v.judge) ?? new Map()).set(v.order, v.winner!));
  let count = 0;
  for (const orders of byJudge.values()) {
    const a = orders.get('king-first');
    const b = orders.get('challenger-first');
    if (a !== undefined && b !== undefined && a !== b) count++;
  }
  return count;
}
