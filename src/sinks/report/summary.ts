import { tdVersion } from '../../core/version.js';
import type { DimensionRow } from './dimension-stats.js';
import type { Gate } from './gate.js';
import type { JudgeHealthRow, JudgePairRow } from './judge-health.js';
import type { Provenance } from './provenance.js';
import type { ReportModel, Funnel } from './report-model.js';
import type { ActionRow } from './report-stats.js';
import type { UsageRow } from './usage-stats.js';

/** The file beside duel.json that holds the report as data. */
export const SUMMARY_FILE = 'summary.json';
/** Names the shape of summary.json; a reader refuses another. */
export const SUMMARY_FORMAT = 'td-report-summary/1';

/**
 * `DIR/summary.json`: everything report.md says, as data, plus how the records were made (models, prompt
 * versions, panel, sources), for tools that describe the report (td push writes the dataset card from it).
 * No timestamps and no cache statistics, so a rerun gives the same bytes.
 */
export interface ReportSummary {
  format: typeof SUMMARY_FORMAT;
  td_version: string;
  thresholds: { final_min: number; defeat_min: number };
  funnel: Funnel;
  gate: Gate;
  dimensions: DimensionRow[];
  judges: JudgeHealthRow[];
  judge_pairs: JudgePairRow[];
  actions: ActionRow[];
  usage: UsageRow[];
  /** td's offline providers behind the data (`king: td/replay`); empty for a run on models. */
  offline: string[];
  provenance: Provenance;
}

export function buildSummary(model: ReportModel, provenance: Provenance): ReportSummary {
  return {
    format: SUMMARY_FORMAT,
    td_version: tdVersion(),
    thresholds: { final_min: model.thresholds.finalMin, defeat_min: model.thresholds.defeatMin },
    funnel: model.funnel,
    gate: model.gate,
    dimensions: model.dimensions,
    judges: model.judges,
    judge_pairs: model.judgePairs,
    actions: model.actions,
    usage: model.usage,
    offline: model.offline,
    provenance,
  };
}

/** summary.json's text: two-space JSON and a final newline, like duel.json. */
export function summaryJson(model: ReportModel, provenance: Provenance): string {
  return JSON.stringify(buildSummary(model, provenance), null, 2) + '\n';
}
