import { z } from 'zod';
import { decimal, flag, integer, text } from '../../core/option-types.js';
import { flagsOf, option } from '../../core/option-flags.js';
import type { FlagSpec } from '../../core/stage-spec.js';

const reportOptionShape = {
  /** Output directory; replaced as a whole at the end of the run. */
  out: option(text(), { flags: '--out <dir>', help: 'directory to write (created; replaced as a whole when the run completes)' }),
  /** Lowest score of a final turn. */
  finalMin: option(decimal(0, 100).default(80), { flags: '--final-min <score>', help: 'turns scoring at least this go to final.jsonl (and sft.jsonl)' }),
  /** Lowest score of a refined turn; below it a turn is a defeat. */
  defeatMin: option(decimal(0, 100).default(66), {
    flags: '--defeat-min <score>',
    help: 'turns scoring at least this (and below --final-min) go to refined.jsonl; lower ones to defeat.jsonl',
  }),
  /** The gate passes when the margin's 95% lower bound is above this. */
  minMargin: option(decimal(-0.5, 0.5).default(0), {
    flags: '--min-margin <x>',
    help: "gate: the 95% lower bound of the challenger's margin over 0.5 must be above this",
  }),
  /** The gate needs at least this share of judged turns parsed. */
  minParsedFraction: option(decimal(0, 1).default(0.8), {
    flags: '--min-parsed-fraction <x>',
    help: 'gate: at least this share of judged turns must have parsed',
  }),
  /** Exit 1 when the gate fails. */
  failOnGate: option(flag().default(false), { flags: '--fail-on-gate', help: 'exit 1 when the gate fails (default: exit 0 either way)' }),
  /** Bootstrap resamples for the gate's lower bound. */
  resamples: option(integer(1000, 1_000_000).default(2000), { flags: '--resamples <n>', help: 'bootstrap resamples for the gate (1000 and up)' }),
  /** Seed of the bootstrap: the same seed and input give the same bound. */
  seed: option(integer(0, 2 ** 32 - 1).default(0), { flags: '--seed <n>', help: 'bootstrap seed (the same seed and input give the same gate)' }),
  /** Rows of the per-turn table in report.md and report.html (all rows are in turns.jsonl). */
  tableRows: option(integer(0).default(1000), {
    flags: '--table-rows <n>',
    help: 'rows of the per-turn table in the report (every turn is in turns.jsonl)',
  }),
  /** Also write sft.parquet and dpo.parquet. */
  parquet: option(flag().default(false), { flags: '--parquet', help: 'also write sft.parquet and dpo.parquet (through DuckDB)' }),
  /** A reviewer's marks (`td view`): accepted turns are kept in final whatever their score, rejected ones go to rejected.jsonl. */
  marks: option(text().optional(), {
    flags: '--marks <file>',
    help: 'apply the marks td view wrote: accepted turns go to final whatever their score, rejected ones to rejected.jsonl (out of every export)',
  }),
};

export const ReportOptionsSchema = z.object(reportOptionShape).superRefine((options, ctx) => {
  if (options.finalMin < options.defeatMin) {
    ctx.addIssue({ code: 'custom', path: ['finalMin'], input: options.finalMin, message: `expected a score of at least --defeat-min (${options.defeatMin})` });
  }
});
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;
export type ReportOptionsInput = z.input<typeof ReportOptionsSchema>;

export const REPORT_FLAGS: readonly FlagSpec[] = flagsOf(reportOptionShape);
