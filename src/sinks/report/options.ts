import { z } from 'zod';
import { decimal, flag, integer, text } from '../../core/option-types.js';
import type { FlagSpec } from '../../core/stage-spec.js';

export const ReportOptionsSchema = z
  .object({
    /** Output directory; replaced as a whole at the end of the run. */
    out: text(),
    /** Lowest score of a final turn. @default 80 */
    finalMin: decimal(0, 100).default(80),
    /** Lowest score of a refined turn; below it a turn is a defeat. @default 66 */
    defeatMin: decimal(0, 100).default(66),
    /** The gate passes when the margin's 95% lower bound is above this. @default 0 */
    minMargin: decimal(-0.5, 0.5).default(0),
    /** The gate needs at least this share of judged turns parsed. @default 0.8 */
    minParsedFraction: decimal(0, 1).default(0.8),
    /** Exit 1 when the gate fails. @default false */
    failOnGate: flag().default(false),
    /** Bootstrap resamples for the gate's lower bound. @default 2000 */
    resamples: integer(1000, 1_000_000).default(2000),
    /** Seed of the bootstrap: the same seed and input give the same bound. @default 0 */
    seed: integer(0, 2 ** 32 - 1).default(0),
    /** Rows of the per-turn table in report.md and report.html (all rows are in turns.jsonl). @default 1000 */
    tableRows: integer(0).default(1000),
    /** Also write sft.parquet and dpo.parquet. @default false */
    parquet: flag().default(false),
    /** A reviewer's marks (`td view`): accepted turns are kept in final whatever their score, rejected ones go to rejected.jsonl. */
    marks: text().optional(),
  })
  .superRefine((options, ctx) => {
    if (options.finalMin < options.defeatMin) {
      ctx.addIssue({ code: 'custom', path: ['finalMin'], input: options.finalMin, message: `expected a score of at least --defeat-min (${options.defeatMin})` });
    }
  });
export type ReportOptions = z.infer<typeof ReportOptionsSchema>;
export type ReportOptionsInput = z.input<typeof ReportOptionsSchema>;

export const REPORT_FLAGS: readonly FlagSpec[] = [
  { key: 'out', flags: '--out <dir>', description: 'directory to write (created; replaced as a whole when the run completes)' },
  { key: 'finalMin', flags: '--final-min <score>', description: 'turns scoring at least this go to final.jsonl (and sft.jsonl)', defaultText: '80' },
  { key: 'defeatMin', flags: '--defeat-min <score>', description: 'turns scoring at least this (and below --final-min) go to refined.jsonl; lower ones to defeat.jsonl', defaultText: '66' },
  { key: 'minMargin', flags: '--min-margin <x>', description: "gate: the 95% lower bound of the challenger's margin over 0.5 must be above this", defaultText: '0' },
  { key: 'minParsedFraction', flags: '--min-parsed-fraction <x>', description: 'gate: at least this share of judged turns must have parsed', defaultText: '0.8' },
  { key: 'failOnGate', flags: '--fail-on-gate', description: 'exit 1 when the gate fails (default: exit 0 either way)' },
  { key: 'resamples', flags: '--resamples <n>', description: 'bootstrap resamples for the gate (1000 and up)', defaultText: '2000' },
  { key: 'seed', flags: '--seed <n>', description: 'bootstrap seed (the same seed and input give the same gate)', defaultText: '0' },
  { key: 'tableRows', flags: '--table-rows <n>', description: 'rows of the per-turn table in the report (every turn is in turns.jsonl)', defaultText: '1000' },
  { key: 'parquet', flags: '--parquet', description: 'also write sft.parquet and dpo.parquet (through DuckDB)' },
  { key: 'marks', flags: '--marks <file>', description: 'apply the marks td view wrote: accepted turns go to final whatever their score, rejected ones to rejected.jsonl (out of every export)' },
];
