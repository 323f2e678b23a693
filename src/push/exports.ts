import { PARQUET_EXPORTS } from '../sinks/report/parquet.js';
import type { PushExport } from './options.js';
import type { Summary } from './summary-schema.js';

const SCORES = 'STRUCT(correctness DOUBLE, grounding DOUBLE, progress DOUBLE, protocol DOUBLE, efficiency DOUBLE)';

/** turns.jsonl's columns, declared like the training exports' so parquet never depends on sniffing. */
const TURNS_COLUMNS = {
  id: 'VARCHAR',
  score: 'DOUBLE',
  outcome: 'VARCHAR',
  action: 'VARCHAR',
  against: 'VARCHAR',
  preference: 'DOUBLE',
  lower_bound: 'DOUBLE',
  challenger: SCORES,
  king: SCORES,
};

const SCORED_FIELDS =
  'the whole scored record as td judge wrote it: `id`, `instance_id`, `repo`, `turn`, `messages` (the chat history before the turn), ' +
  "`assistant` (the source trajectory's own next turn), `pr` (the pull request the trajectory works on: problem statement, patch, tests), " +
  '`source` (file and row it was read from), `king` (the blind reply), `challenger` (the PR-informed reply), `leak`, `score`, `judgement` ' +
  "(every judge's verdict in both orders, per-dimension means, flips, the turn's bootstrap lower bound) and `meta` (per-stage models, tokens, cost; run-specific call fields dropped)";

/** One report file as td push publishes it: one Hub config each. */
export interface ExportSpec {
  name: PushExport;
  /** Turns in the file, from the report's funnel. */
  rows(summary: Summary): number;
  /** What one row is, in a sentence of Markdown, given the thresholds. */
  describe(summary: Summary): string;
  /** Declared parquet columns; undefined: DuckDB infers them from every line (the scored records). */
  parquetColumns?: Record<string, string>;
}

export const EXPORT_SPECS: Readonly<Record<PushExport, ExportSpec>> = {
  final: {
    name: 'final',
    rows: (s) => s.funnel.final,
    describe: (s) => `A turn scoring at least ${s.thresholds.final_min}: ${SCORED_FIELDS}.`,
  },
  refined: {
    name: 'refined',
    rows: (s) => s.funnel.refined,
    describe: (s) => `A turn scoring at least ${s.thresholds.defeat_min} and below ${s.thresholds.final_min}: the same fields as \`final\`.`,
  },
  defeat: {
    name: 'defeat',
    rows: (s) => s.funnel.defeat,
    describe: (s) => `A turn scoring below ${s.thresholds.defeat_min} (the challenger lost): the same fields as \`final\`.`,
  },
  'parse-fail': {
    name: 'parse-fail',
    rows: (s) => s.funnel.parse_fail,
    describe: () => 'A turn whose judges did not give enough parseable verdicts (`score` is null): the same fields as `final`.',
  },
  sft: {
    name: 'sft',
    rows: (s) => s.funnel.sft,
    describe: () =>
      'One per final turn, in the chat format SFT trainers read: `messages` (the history, then the challenger\'s reply as the last ' +
      '`assistant` message) and `metadata` (`id`, `instance_id`, `score`).',
    parquetColumns: PARQUET_EXPORTS.sft,
  },
  dpo: {
    name: 'dpo',
    rows: (s) => s.funnel.dpo,
    describe: () =>
      "A preference pair in TRL's conversational format, one per final turn that every judge preferred in both presentation orders: " +
      '`prompt` (the history), `chosen` (the challenger\'s reply), `rejected` (the reply it beat: the blind king\'s, or the source ' +
      "trajectory's own turn) and `metadata` (`id`, `instance_id`, `score`, `lower_bound`, `against`).",
    parquetColumns: PARQUET_EXPORTS.dpo,
  },
  turns: {
    name: 'turns',
    rows: (s) => s.funnel.judged,
    describe: () =>
      "One compact row per judged turn, without texts: `id`, `score`, `outcome` (bucket), `action` (the style of the challenger's command), " +
      '`against`, `preference`, `lower_bound`, and the five dimension means of `challenger` and `king`.',
    parquetColumns: TURNS_COLUMNS,
  },
};
