import type { Judgement, Verdict } from '../../contract/judgement.js';
import { aggregate, round4 } from '../../transforms/judge/aggregate.js';
import { PREFERENCE } from '../../contract/verdict-sides.js';
import type { SeedScore } from './seed-files.js';

/**
 * A td judgement from a seed score file. The verdicts, when the file lists them, become the contract's
 * (a verdict without a winner is an abstention) and go through td judge's own aggregation: parsed counts,
 * dimension means, flips and the bootstrap lower bound (1000 resamples, seeded by the record id). The
 * seed's `score` is kept as the seed computed it, and `preference` is score / 100, so the two agree as
 * td's contract has them. Without verdicts there is nothing to count: `parsed_fraction` is 1 for a score
 * and 0 for a null one, and the bound is null. `source: "seed"` marks the judgement as imported.
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
  const { judgement } = aggregate(verdicts, { against, minParsed: 0, bootstrap: 1000, seed: id });
  return {
    ...judgement,
    parsed_fraction: verdicts.length > 0 ? judgement.parsed_fraction : seed.score === null ? 0 : 1,
    preference: seed.score === null ? null : round4(seed.score / 100),
    source: 'seed',
  };
}
