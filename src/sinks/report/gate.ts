import { bootstrapLowerBound } from '../../core/bootstrap.js';

/** The confidence of the gate's one-sided bound. */
export const GATE_CONFIDENCE = 0.95;

export interface GateOptions {
  /** The margin's lower bound must be above this. */
  minMargin: number;
  /** Parsed turns / judged turns must be at least this. */
  minParsedFraction: number;
  resamples: number;
  seed: number;
  /** Parsed turns whose panel stopped early and whose preference is the full panel's estimate. @default 0 */
  estimated?: number;
}

/** What the gate averages per turn, as duel.json states it. */
export const GATE_ESTIMATORS = {
  mean: 'mean preference over the verdicts of each turn',
  estimate: "mean preference over the verdicts of each turn; for turns whose panel stopped early, the full panel's estimated mean preference (judgement.preference_estimate)",
} as const;

/** `DIR/duel.json`: whether the challenger beat its opponent by enough, with enough turns parsed. */
export interface Gate {
  verdict: 'pass' | 'fail';
  /** Why the gate failed (empty when it passed). */
  reasons: string[];
  /** Judged turns: parsed + parse-fail. */
  turns: number;
  parsed: number;
  parse_fail: number;
  parsed_fraction: number | null;
  /** Mean challenger preference over parsed turns (1 win, 0.5 tie, 0 loss, averaged per turn first). */
  mean_preference: number | null;
  /** mean_preference - 0.5. */
  margin: number | null;
  /** One-sided percentile-bootstrap lower bound of the margin at `confidence`. */
  margin_lower_bound: number | null;
  confidence: number;
  resamples: number;
  seed: number;
  min_margin: number;
  min_parsed_fraction: number;
  /** What the gate averages per turn (see GATE_ESTIMATORS). */
  estimator: string;
  /** Parsed turns whose panel stopped early (adaptive or confident), counted at the full panel's estimate. */
  estimated_turns: number;
}

/** Rounds for the written files (the decision itself uses the exact values). */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Decides the gate over the per-turn preferences of the parsed turns. Passes when the margin's lower
 * bound is strictly above `minMargin` (with the default 0: the challenger is better at 95% confidence)
 * and the parsed fraction is at least `minParsedFraction`.
 */
export function decideGate(preferences: ArrayLike<number>, parseFail: number, options: GateOptions): Gate {
  const parsed = preferences.length;
  const turns = parsed + parseFail;
  const reasons: string[] = [];
  let sum = 0;
  for (let i = 0; i < parsed; i++) sum += preferences[i]!;
  const mean = parsed > 0 ? sum / parsed : null;
  const lower = bootstrapLowerBound(preferences, { resamples: options.resamples, confidence: GATE_CONFIDENCE, seed: options.seed });
  const margin = mean === null ? null : mean - 0.5;
  const marginLower = lower === undefined ? null : lower - 0.5;
  const parsedFraction = turns > 0 ? parsed / turns : null;

  if (turns === 0) reasons.push('no judged turns');
  else if (parsed === 0) reasons.push('no parsed turns');
  if (marginLower !== null && !(marginLower > options.minMargin)) {
    reasons.push(`margin lower bound ${signed(marginLower)} is not above --min-margin ${options.minMargin}`);
  }
  if (parsedFraction !== null && parsedFraction < options.minParsedFraction) {
    reasons.push(`parsed fraction ${parsedFraction.toFixed(3)} is below --min-parsed-fraction ${options.minParsedFraction}`);
  }
  return {
    verdict: reasons.length === 0 ? 'pass' : 'fail',
    reasons,
    turns,
    parsed,
    parse_fail: parseFail,
    parsed_fraction: parsedFraction === null ? null : round6(parsedFraction),
    mean_preference: mean === null ? null : round6(mean),
    margin: margin === null ? null : round6(margin),
    margin_lower_bound: marginLower === null ? null : round6(marginLower),
    confidence: GATE_CONFIDENCE,
    resamples: options.resamples,
    seed: options.seed,
    min_margin: options.minMargin,
    min_parsed_fraction: options.minParsedFraction,
    estimator: (options.estimated ?? 0) > 0 ? GATE_ESTIMATORS.estimate : GATE_ESTIMATORS.mean,
    estimated_turns: options.estimated ?? 0,
  };
}

/** `+0.123` / `-0.045`: margins read better with their sign. */
export function signed(value: number, digits = 3): string {
  const text = value.toFixed(digits);
  return value >= 0 && !text.startsWith('-') ? `+${text}` : text;
}
