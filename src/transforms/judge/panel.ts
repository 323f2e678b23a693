import type { Order, Verdict } from '../../contract/judgement.js';
import { bothOrders, sidesByJudge } from '../../contract/verdict-sides.js';
import { round4 } from './aggregate.js';

/**
 * How much of the panel a turn asks (`--panel`):
 * - `full`: every judge in both orders, all at once;
 * - `adaptive`: one judge-order at a time, stopping as soon as no outcome of the verdicts not yet asked
 *   could change the turn's bucket (the full panel's bucket, by construction);
 * - `confident`: as adaptive, and also once the chance that the full panel puts the turn in another
 *   bucket is below `1 - --agreement` (see {@link otherBucketChance}).
 */
export const PANEL_MODES = ['adaptive', 'confident', 'full'] as const;
export type PanelMode = (typeof PANEL_MODES)[number];

/** Where a turn lands in td report: `final`, `refined`, `defeat`, or `parse-fail` (score null). */
export type TurnBucket = 'final' | 'refined' | 'defeat' | 'parse-fail';

/** The thresholds that decide a turn's bucket: td report's `--final-min` / `--defeat-min` and the judge's `--min-parsed`. */
export interface BucketRule {
  finalMin: number;
  defeatMin: number;
  minParsed: number;
}

/** A verdict as the stopping rule sees it: what it adds to the turn. */
export type VerdictOutcome = 'win' | 'tie' | 'loss' | 'abstain';
export const VERDICT_OUTCOMES: readonly VerdictOutcome[] = ['win', 'tie', 'loss', 'abstain'];

/** The verdicts of a turn so far: the sum of the challenger's preference in half points (win 2, tie 1), parsed and asked. */
export interface Tally {
  halfPoints: number;
  parsed: number;
  asked: number;
}

export const EMPTY_TALLY: Tally = { halfPoints: 0, parsed: 0, asked: 0 };

export function addOutcome(tally: Tally, outcome: VerdictOutcome, count = 1): Tally {
  if (outcome === 'abstain') return { ...tally, asked: tally.asked + count };
  const points = outcome === 'win' ? 2 : outcome === 'tie' ? 1 : 0;
  return { halfPoints: tally.halfPoints + points * count, parsed: tally.parsed + count, asked: tally.asked + count };
}

/**
 * The turn's score as `aggregate` computes it over these verdicts (100 x mean preference, 4 decimals),
 * or null when none parsed or fewer than `minParsed` of them did.
 */
export function tallyScore(tally: Tally, minParsed: number): number | null {
  if (tally.parsed === 0 || tally.parsed / tally.asked < minParsed) return null;
  return round4(100 * (tally.halfPoints / 2 / tally.parsed));
}

/** The bucket td report puts a score in (score null: parse-fail). */
export function bucketOfScore(score: number | null, rule: BucketRule): TurnBucket {
  if (score === null) return 'parse-fail';
  if (score >= rule.finalMin) return 'final';
  if (score >= rule.defeatMin) return 'refined';
  return 'defeat';
}

export function bucketOfTally(tally: Tally, rule: BucketRule): TurnBucket {
  return bucketOfScore(tallyScore(tally, rule.minParsed), rule);
}

/**
 * The bucket every completion of the turn lands in when `remaining` verdicts are still to come, or
 * undefined when their outcomes could still move it. Three completions decide it: the score of any
 * completion lies between all-loss and all-win (adding a win never lowers a mean, a loss never raises
 * it), and whether it parse-fails depends only on how many parsed, fewest with all abstaining. The
 * property test checks this against every completion of every verdict sequence.
 */
export function settledBucket(tally: Tally, remaining: number, rule: BucketRule): TurnBucket | undefined {
  const bucket = bucketOfTally(addOutcome(tally, 'abstain', remaining), rule);
  if (remaining === 0) return bucket;
  if (bucketOfTally(addOutcome(tally, 'win', remaining), rule) !== bucket) return undefined;
  if (bucketOfTally(addOutcome(tally, 'loss', remaining), rule) !== bucket) return undefined;
  return bucket;
}

/**
 * The full panel's scores still possible: all-loss and all-win bound every completion whose score is not
 * null (null when every completion's is: they parse no more than all-win does).
 */
export function fullScoreBounds(tally: Tally, remaining: number, rule: BucketRule): { min: number | null; max: number | null } {
  return { min: tallyScore(addOutcome(tally, 'loss', remaining), rule.minParsed), max: tallyScore(addOutcome(tally, 'win', remaining), rule.minParsed) };
}

/**
 * The share of verdicts the model assumes to be position-biased: the judge picks the candidate shown
 * first whatever it is (10-30% of verdicts in published studies; arXiv 2606.13685). Such a verdict is a
 * loss for the challenger when the king is shown first and a win when the challenger is.
 */
export const ASSUMED_POSITION_BIAS = 0.2;
/** The share of the other verdicts the model assumes to be ties, whatever the turn. */
export const ASSUMED_TIE_RATE = 0.05;
/** The share of verdicts the model assumes to be abstentions (a reply with no verdict). */
export const ASSUMED_ABSTAIN_RATE = 0.02;
/**
 * The pairwise agreement the model assumes between two decisive verdicts of a turn that are not
 * position-biased. Two LLM judges agree on about 76% of all their pairwise verdicts (arXiv 2606.13685);
 * position bias and ties account for much of the rest, so two decisive unbiased verdicts agree more.
 */
export const ASSUMED_AGREEMENT = 0.85;

/**
 * The Beta(a, a) prior of a turn's challenger-win probability q, chosen so that two decisive unbiased
 * verdicts of a fresh turn agree with probability `agreement`: E[q^2 + (1-q)^2] = (a + 1) / (2a + 1), so
 * a = (1 - A) / (2A - 1).
 */
export function priorCount(agreement = ASSUMED_AGREEMENT): number {
  return (1 - agreement) / (2 * agreement - 1);
}

/** A verdict asked so far, as the model reads it: its outcome and the order it was asked in. */
export interface AskedVerdict {
  outcome: VerdictOutcome;
  order: Order;
}

/** The panel's order at position `index` of the asking sequence: each judge king-first, then challenger-first. */
export function orderAt(index: number): Order {
  return index % 2 === 0 ? 'king-first' : 'challenger-first';
}

/** The assumptions of the stopping model (docs/judge.md); the defaults are the ASSUMED_* constants. */
export interface PanelModel {
  bias: number;
  tie: number;
  abstain: number;
  agreement: number;
}

const DEFAULT_MODEL: PanelModel = { bias: ASSUMED_POSITION_BIAS, tie: ASSUMED_TIE_RATE, abstain: ASSUMED_ABSTAIN_RATE, agreement: ASSUMED_AGREEMENT };

const rising = (x: number, n: number): number => {
  let product = 1;
  for (let i = 0; i < n; i++) product *= x + i;
  return product;
};
const factorial = (n: number): number => rising(1, n);
const choose = (n: number, k: number): number => factorial(n) / (factorial(k) * factorial(n - k));

/** Every split of `n` verdicts into abstained, biased, tie and decisive, with its multinomial probability. */
function* splits(n: number, model: PanelModel): Generator<{ abstained: number; biased: number; ties: number; decisive: number; probability: number }> {
  const p = [model.abstain, (1 - model.abstain) * model.bias, (1 - model.abstain) * (1 - model.bias) * model.tie, (1 - model.abstain) * (1 - model.bias) * (1 - model.tie)];
  for (let ab = 0; ab <= n; ab++) {
    for (let bi = 0; bi <= n - ab; bi++) {
      for (let ti = 0; ti <= n - ab - bi; ti++) {
        const de = n - ab - bi - ti;
        const probability = (factorial(n) / (factorial(ab) * factorial(bi) * factorial(ti) * factorial(de))) * p[0]! ** ab * p[1]! ** bi * p[2]! ** ti * p[3]! ** de;
        yield { abstained: ab, biased: bi, ties: ti, decisive: de, probability };
      }
    }
  }
}

/**
 * Every way the verdicts not yet asked (positions `asked.length` to `of - 1` of the panel) can complete
 * the turn, as the full panel's tally with its posterior predictive probability. The model: a verdict is
 * an abstention (rate `abstain`), else position-biased (rate `bias`: a loss when the king is shown first,
 * a win when the challenger is), else a tie (rate `tie`), else decisive: a win with the turn's own
 * probability q, which has a Beta(a, a) prior set by the assumed agreement ({@link priorCount}). Only the
 * decisive verdicts tell about q; a king-first loss or a challenger-first win may be bias, so the
 * posterior is a mixture over how many of those were, each component a Beta, and the decisive verdicts to
 * come a Beta-binomial draw from it.
 */
export function* completions(asked: readonly AskedVerdict[], of: number, model: PanelModel = DEFAULT_MODEL): Generator<{ tally: Tally; probability: number }> {
  const a = priorCount(model.agreement);
  let tally = EMPTY_TALLY;
  let wins = 0;
  let losses = 0;
  let eligibleWins = 0;
  let eligibleLosses = 0;
  for (const { outcome, order } of asked) {
    tally = addOutcome(tally, outcome);
    if (outcome === 'win') {
      wins++;
      if (order === 'challenger-first') eligibleWins++;
    } else if (outcome === 'loss') {
      losses++;
      if (order === 'king-first') eligibleLosses++;
    }
  }
  // Posterior components: bw of the challenger-first wins and bl of the king-first losses were bias.
  const decisiveRate = (1 - model.bias) * (1 - model.tie);
  const components: Array<{ weight: number; alpha: number; beta: number }> = [];
  let totalWeight = 0;
  for (let bw = 0; bw <= eligibleWins; bw++) {
    for (let bl = 0; bl <= eligibleLosses; bl++) {
      const [w, l] = [wins - bw, losses - bl];
      const weight = choose(eligibleWins, bw) * choose(eligibleLosses, bl) * model.bias ** (bw + bl) * decisiveRate ** (w + l) * (rising(a, w) * rising(a, l)) / rising(2 * a, w + l);
      components.push({ weight, alpha: a + w, beta: a + l });
      totalWeight += weight;
    }
  }
  let kingFirst = 0;
  let challengerFirst = 0;
  for (let i = asked.length; i < of; i++) orderAt(i) === 'king-first' ? kingFirst++ : challengerFirst++;
  for (const king of splits(kingFirst, model)) {
    for (const challenger of splits(challengerFirst, model)) {
      const shape = king.probability * challenger.probability;
      let base = addOutcome(tally, 'abstain', king.abstained + challenger.abstained);
      base = addOutcome(addOutcome(base, 'loss', king.biased), 'win', challenger.biased);
      base = addOutcome(base, 'tie', king.ties + challenger.ties);
      const decisive = king.decisive + challenger.decisive;
      for (let w = 0; w <= decisive; w++) {
        // Beta-binomial: C(d, w) B(alpha + w, beta + d - w) / B(alpha, beta), mixed over the components.
        let p = 0;
        for (const c of components) p += (c.weight / totalWeight) * choose(decisive, w) * (rising(c.alpha, w) * rising(c.beta, decisive - w)) / rising(c.alpha + c.beta, decisive);
        yield { tally: addOutcome(addOutcome(base, 'win', w), 'loss', decisive - w), probability: shape * p };
      }
    }
  }
}

/**
 * The confident rule: the posterior probability (see {@link completions}) that the full panel puts the
 * turn in another bucket than `bucket`.
 */
export function otherBucketChance(asked: readonly AskedVerdict[], of: number, bucket: TurnBucket, rule: BucketRule): number {
  let chance = 0;
  for (const { tally, probability } of completions(asked, of)) if (bucketOfTally(tally, rule) !== bucket) chance += probability;
  return chance;
}

/**
 * The gate's estimate of the full panel's mean preference for a turn that stopped early: its posterior
 * mean under the same model (see {@link completions}), over the completions in which some verdict parsed
 * (renormalised); null when none can.
 */
export function fullPreferenceEstimate(asked: readonly AskedVerdict[], of: number): number | null {
  let weight = 0;
  let sum = 0;
  for (const { tally, probability } of completions(asked, of)) {
    if (tally.parsed === 0) continue;
    weight += probability;
    sum += probability * (tally.halfPoints / 2 / tally.parsed);
  }
  return weight === 0 ? null : sum / weight;
}

/** Why a turn asked no more verdicts: all of them, the bucket was settled, confident enough, or identical candidates. */
export type StopReason = 'complete' | 'settled' | 'confident' | 'identical';

/** A verdict as the stopping rule counts it. */
export function outcomeOf(verdict: Verdict): VerdictOutcome {
  if (verdict.status !== 'parsed' || verdict.p === undefined) return 'abstain';
  return verdict.p === 1 ? 'win' : verdict.p === 0 ? 'loss' : 'tie';
}

/** The tally of the verdicts asked so far, and each with its order, as the model reads them. */
export function tallyOf(verdicts: readonly Verdict[]): { tally: Tally; asked: AskedVerdict[] } {
  let tally = EMPTY_TALLY;
  const asked: AskedVerdict[] = [];
  for (const verdict of verdicts) {
    const outcome = outcomeOf(verdict);
    tally = addOutcome(tally, outcome);
    asked.push({ outcome, order: verdict.order });
  }
  return { tally, asked };
}

export interface PanelRule extends BucketRule {
  mode: PanelMode;
  /** `--agreement`: the confident mode stops once the full panel's bucket differs with a chance below 1 - this. */
  agreement: number;
}

/**
 * Whether a turn that has these verdicts (in asking order) of a panel of `of` stops now, and why; or
 * undefined to ask the next judge-order. `full` never stops early; `confident` never before one judge
 * has given a parsed verdict in both orders (unless the bucket is settled).
 */
export function panelStop(verdicts: readonly Verdict[], of: number, rule: PanelRule): StopReason | undefined {
  const remaining = of - verdicts.length;
  if (remaining <= 0) return 'complete';
  if (rule.mode === 'full') return undefined;
  const { tally, asked } = tallyOf(verdicts);
  if (settledBucket(tally, remaining, rule) !== undefined) return 'settled';
  if (rule.mode !== 'confident') return undefined;
  if (![...sidesByJudge(verdicts).values()].some(bothOrders)) return undefined;
  const bucket = bucketOfTally(tally, rule);
  return otherBucketChance(asked, of, bucket, rule) < 1 - rule.agreement ? 'confident' : undefined;
}
