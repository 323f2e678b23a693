import type { DimensionRow } from './dimension-stats.js';
import type { Gate } from './gate.js';
import type { JudgeHealthRow, JudgePairRow } from './judge-health.js';
import type { ReviewSummary } from './marks.js';
import type { ActionRow, ReportStats, TurnRow } from './report-stats.js';
import type { UsageRow } from './usage-stats.js';

/**
 * The acceptance funnel: read = invalid + judged; judged = parse-fail + final + refined + defeat
 * (+ rejected by a reviewer, with `--marks`). The bucket counts are the lines of each file.
 */
export interface Funnel {
  read: number;
  invalid: number;
  judged: number;
  parse_fail: number;
  parsed: number;
  final: number;
  refined: number;
  defeat: number;
  sft: number;
  dpo: number;
  against_king: number;
  against_reference: number;
  /** With `--marks`: what the reviewer's marks did (`rejected` turns are in rejected.jsonl). */
  review?: ReviewSummary;
}

/** Everything report.md and report.html show, as data: both renderers draw from this one object. */
export interface ReportModel {
  thresholds: { finalMin: number; defeatMin: number };
  funnel: Funnel;
  gate: Gate;
  dimensions: DimensionRow[];
  judges: JudgeHealthRow[];
  judgePairs: JudgePairRow[];
  actions: ActionRow[];
  usage: UsageRow[];
  /** td's offline providers behind the data (`king: td/replay`, `judge: td/rules`); empty for a run on models. */
  offline: string[];
  /** Parsed turns by integer score (0..100). */
  histogram: readonly number[];
  /** The per-turn table (at most `--table-rows` rows, input order). */
  turns: readonly TurnRow[];
}

export function buildReportModel(
  stats: ReportStats,
  gate: Gate,
  counts: { read: number; invalid: number },
  thresholds: { finalMin: number; defeatMin: number },
  review?: ReviewSummary,
): ReportModel {
  const c = stats.counts;
  return {
    thresholds,
    funnel: {
      read: counts.read,
      invalid: counts.invalid,
      judged: stats.judged,
      parse_fail: c['parse-fail'],
      parsed: stats.judged - stats.parseFailed,
      final: c.final,
      refined: c.refined,
      defeat: c.defeat,
      sft: c.sft,
      dpo: c.dpo,
      against_king: c.against_king,
      against_reference: c.against_reference,
      ...(review === undefined ? {} : { review }),
    },
    gate,
    dimensions: stats.dimensions.rows(),
    judges: stats.judges.rows(),
    judgePairs: stats.judges.pairRows(),
    actions: stats.actionRows(),
    usage: stats.usage.rows(),
    offline: [
      ...stats.usage.offlineProviders(),
      ...stats.judges
        .rows()
        .filter((row) => row.judge.startsWith('td/'))
        .map((row) => `judge: ${row.judge}`),
    ],
    histogram: stats.histogram,
    turns: stats.table,
  };
}
