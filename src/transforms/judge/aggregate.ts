import { bootstrapLowerBound as coreBootstrap } from '../../core/bootstrap.js';
import { seedFromKey } from '../../core/seeded-random.js';
import { DIMENSIONS, type Dimension, type DimensionScores, type Judgement, type Order, type Verdict } from '../../contract/judgement.js';
import { PREFERENCE, firstShown, flipped, sideOfPosition, sidesByJudge } from '../../contract/verdict-sides.js';
import type { JudgeVerdict } from './verdict-schema.js';

/** Four decimals: enough for any mean of a few verdicts, and no float noise (0.30000000000000004) in the data. */
export function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/**
 * A positional verdict (A/B) as the contract records it (challenger/king). With `king-first` the king
 * was A; with `challenger-first` the challenger was A. The judge's own words are kept in `position_winner`.
 */
export function sideVerdict(judge: string, order: Order, verdict: JudgeVerdict, extra: Record<string, unknown> = {}): Verdict {
  const winner = sideOfPosition(order, verdict.winner);
  const [king, challenger] = firstShown(order) === 'king' ? [verdict.scores.A, verdict.scores.B] : [verdict.scores.B, verdict.scores.A];
  return {
    judge,
    order,
    status: 'parsed',
    position_winner: verdict.winner,
    winner,
    p: PREFERENCE[winner],
    scores: { challenger: { ...challenger }, king: { ...king } },
    reason: verdict.reason.length > MAX_REASON_CHARS ? `${verdict.reason.slice(0, MAX_REASON_CHARS)}…` : verdict.reason,
    ...extra,
  };
}

/** A judge's reason is kept to this many characters (it is a summary, not a transcript). */
export const MAX_REASON_CHARS = 2_000;

export function abstention(judge: string, order: Order, error: string): Verdict {
  return { judge, order, status: 'abstained', error };
}

export interface AggregateOptions {
  /** What the challenger was compared with. */
  against: 'king' | 'reference';
  /** Parsed fraction below which `score` is null. */
  minParsed: number;
  /** Bootstrap resamples for the lower bound. */
  bootstrap: number;
  /** Seeds the bootstrap (the record id): a rerun gives the same bound. */
  seed: string;
}

/**
 * A turn's score and judgement from its verdicts. `score` = 100 x mean preference over parsed verdicts,
 * or null when fewer than `minParsed` of them parsed (an abstention is neither a tie nor a loss: it is
 * left out of the mean and counts against the parsed fraction).
 */
export function aggregate(verdicts: readonly Verdict[], options: AggregateOptions): { score: number | null; judgement: Judgement } {
  const parsed = verdicts.filter((v) => v.status === 'parsed' && v.p !== undefined);
  const total = verdicts.length;
  const fraction = total === 0 ? 0 : parsed.length / total;
  const preferences = parsed.map((v) => v.p!);
  const preference = preferences.length === 0 ? null : mean(preferences);
  const score = preference === null || fraction < options.minParsed ? null : round4(100 * preference);
  return {
    score,
    judgement: {
      against: options.against,
      verdicts: [...verdicts],
      parsed: parsed.length,
      total,
      parsed_fraction: round4(fraction),
      preference: preference === null ? null : round4(preference),
      dimensions: { challenger: sideMeans(parsed, 'challenger'), king: sideMeans(parsed, 'king') },
      flips: countFlips(parsed),
      lower_bound: preferences.length === 0 ? null : round4(bootstrapLowerBound(preferences, options.bootstrap, options.seed)),
    },
  };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Mean score of one side on each dimension, over the parsed verdicts that judged that dimension (a
 * verdict may list the dimensions it judged in `judged`, as the rules judge does: it has no view on
 * correctness or progress, and its placeholder scores must not dilute the models' means).
 */
function sideMeans(parsed: readonly Verdict[], side: 'challenger' | 'king'): Record<Dimension, number | null> {
  const out = {} as Record<Dimension, number | null>;
  for (const dimension of DIMENSIONS) {
    const values: number[] = [];
    for (const verdict of parsed) {
      const judged = (verdict as { judged?: unknown }).judged;
      if (Array.isArray(judged) && !judged.includes(dimension)) continue;
      const scores = verdict.scores?.[side] as DimensionScores | undefined;
      if (scores) values.push(scores[dimension]);
    }
    out[dimension] = values.length === 0 ? null : round4(mean(values));
  }
  return out;
}

/** Judges whose two orders both parsed and named different winners (position bias, or a coin toss). */
function countFlips(parsed: readonly Verdict[]): number {
  let flips = 0;
  for (const orders of sidesByJudge(parsed).values()) if (flipped(orders)) flips++;
  return flips;
}

/**
 * One-sided 95% percentile-bootstrap lower bound of the mean of `values` (the report's gate uses the
 * same bootstrap over turns), seeded from the record so the same verdicts always give the same bound.
 */
export function bootstrapLowerBound(values: readonly number[], resamples: number, seed: string): number {
  if (values.length === 0) throw new RangeError('bootstrapLowerBound needs at least one value');
  return coreBootstrap(values, { resamples, confidence: 0.95, seed: seedFromKey(`td-judge-bootstrap/1:${seed}`) })!;
}
