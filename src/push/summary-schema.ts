import { z } from 'zod';
import { DIMENSIONS } from '../contract/judgement.js';
import { SUMMARY_FORMAT } from '../sinks/report/summary.js';

const count = z.number().int().min(0);
const share = z.number().min(0).max(1).nullable();
const names = z.array(z.string());

/**
 * `DIR/summary.json` as td push reads it: the fields the card draws on, checked, since the directory may
 * come from elsewhere (an older td, a hand edit). Extra fields pass.
 */
export const SummarySchema = z.looseObject({
  format: z.literal(SUMMARY_FORMAT),
  td_version: z.string(),
  thresholds: z.object({ final_min: z.number(), defeat_min: z.number() }),
  funnel: z.looseObject({
    read: count,
    invalid: count,
    judged: count,
    parse_fail: count,
    parsed: count,
    final: count,
    refined: count,
    defeat: count,
    sft: count,
    dpo: count,
    against_king: count,
    against_reference: count,
  }),
  gate: z.looseObject({
    verdict: z.enum(['pass', 'fail']),
    reasons: names,
    turns: count,
    parsed: count,
    parsed_fraction: share,
    mean_preference: share,
    margin: z.number().nullable(),
    margin_lower_bound: z.number().nullable(),
    confidence: z.number(),
    resamples: count,
    seed: count,
    min_margin: z.number(),
    min_parsed_fraction: z.number(),
  }),
  dimensions: z.array(
    z.looseObject({
      dimension: z.enum(DIMENSIONS),
      challenger_mean: z.number().nullable(),
      king_mean: z.number().nullable(),
      turns: count,
      challenger_wins: share,
      ties: share,
      king_wins: share,
    }),
  ),
  judges: z.array(
    z.looseObject({
      judge: z.string(),
      verdicts: count,
      parsed: count,
      parse_rate: share,
      both_orders: count,
      flip_rate: share,
      prefers_first: share,
      prefers_longer: share,
      agreement: share,
    }),
  ),
  usage: z.array(
    z.looseObject({
      stage: z.string(),
      records: count,
      calls: count,
      prompt_tokens: count,
      completion_tokens: count,
      reasoning_tokens: count,
      cost_usd: z.number().nullable(),
    }),
  ),
  offline: names,
  provenance: z.looseObject({
    stages: z.array(z.looseObject({ stage: z.string(), records: count, models: names, prompt_versions: names, offline: z.boolean() })),
    judges: names,
    panel_modes: z.record(z.string(), count),
    imported: count,
    sampled: count,
    datasets: names,
    leak_suspects: count,
    leak_suspects_final: count,
  }),
});
export type Summary = z.infer<typeof SummarySchema>;
