import type { Dimension } from '../../contract/judgement.js';
import type { ScoredRecord } from '../../contract/scored.js';
import { ACTION_STYLES, actionStyle, type ActionStyle } from './action-style.js';
import { NumberList } from './number-list.js';
import { DimensionStats } from './dimension-stats.js';
import { JudgeHealth, codePoints } from './judge-health.js';
import { opponentReply } from './training-exports.js';
import { ProvenanceStats } from './provenance.js';
import { UsageStats } from './usage-stats.js';

export type Bucket = 'final' | 'refined' | 'defeat';
/** Where a judged turn was written: its bucket, parse-fail, or (`--marks`) rejected by a reviewer. */
export type TurnOutcome = Bucket | 'parse-fail' | 'rejected';

/** Where a score lands: final at `finalMin` and up, refined at `defeatMin` and up, defeat below. */
export function bucketOf(score: number, thresholds: { finalMin: number; defeatMin: number }): Bucket {
  if (score >= thresholds.finalMin) return 'final';
  if (score >= thresholds.defeatMin) return 'refined';
  return 'defeat';
}

/** One row of the per-turn table (and one line of `turns.jsonl`): numbers and labels, never the texts. */
export interface TurnRow {
  id: string;
  score: number | null;
  outcome: TurnOutcome;
  action: ActionStyle;
  against: 'king' | 'reference';
  preference: number | null;
  lower_bound: number | null;
  challenger: Record<Dimension, number | null>;
  king: Record<Dimension, number | null>;
  /** A reviewer's mark (`--marks`), only on marked turns. */
  mark?: 'accept' | 'reject';
}

export function turnRow(record: ScoredRecord, outcome: TurnOutcome, mark?: 'accept' | 'reject'): TurnRow {
  const { judgement } = record;
  return {
    id: record.id,
    score: record.score,
    outcome,
    action: actionStyle(record.challenger),
    against: judgement.against,
    preference: judgement.preference,
    lower_bound: judgement.lower_bound,
    challenger: judgement.dimensions.challenger,
    king: judgement.dimensions.king,
    ...(mark === undefined ? {} : { mark }),
  };
}

/**
 * A parsed turn's preference as the gate counts it. A turn whose adaptive or confident panel stopped
 * early carries `judgement.preference_estimate`, the posterior mean of what the full panel's mean
 * preference would have been (td judge's stopping model): its mean so far is biased, since a panel stops
 * early exactly on turns whose first verdicts were extreme. Every other turn counts its mean preference.
 */
export function gatePreference(record: ScoredRecord): { value: number; estimated: boolean } {
  const estimate = (record.judgement as { preference_estimate?: unknown }).preference_estimate;
  if (typeof estimate === 'number' && Number.isFinite(estimate)) return { value: estimate, estimated: true };
  return { value: record.judgement.preference ?? record.score! / 100, estimated: false };
}

export interface ActionRow {
  action: ActionStyle;
  turns: number;
  parsed: number;
  mean_score: number | null;
  final: number;
}

/**
 * Everything the report says, accumulated record by record in memory that does not grow with the
 * input, except for the gate's preferences (8 bytes a parsed turn) and the first `tableRows` rows.
 */
export class ReportStats {
  /** Turns by the file they were written to, and the exports. */
  readonly counts = { final: 0, refined: 0, defeat: 0, 'parse-fail': 0, rejected: 0, sft: 0, dpo: 0, against_king: 0, against_reference: 0 };
  /** Turns whose judges did not parse (score null), wherever a reviewer's mark sent them: the gate's parse-fails. */
  parseFailed = 0;
  /** Turns by integer score (`floor(score)`, 100 in the last slot). */
  readonly histogram = new Array<number>(101).fill(0);
  /** Per parsed turn: the challenger's mean preference, for the gate's bootstrap (see {@link gatePreference}). */
  readonly preferences = new NumberList();
  /** Parsed turns whose panel stopped early: the gate took the full panel's estimate for them. */
  estimated = 0;
  readonly dimensions = new DimensionStats();
  readonly judges = new JudgeHealth();
  readonly usage = new UsageStats();
  readonly provenance = new ProvenanceStats();
  readonly actions = new Map<ActionStyle, ActionRow>(
    ACTION_STYLES.map((action) => [action, { action, turns: 0, parsed: 0, mean_score: null, final: 0 }]),
  );
  private readonly actionScoreSums = new Map<ActionStyle, number>();
  /** The first `tableRows` turns, in input order. */
  readonly table: TurnRow[] = [];
  judged = 0;

  constructor(private readonly tableRows: number) {}

  observe(record: ScoredRecord, row: TurnRow): void {
    this.judged++;
    this.counts[row.outcome]++;
    this.counts[record.judgement.against === 'reference' ? 'against_reference' : 'against_king']++;
    const opponent = opponentReply(record) ?? '';
    this.judges.observe(record.judgement.verdicts, codePoints(record.challenger), codePoints(opponent));
    this.usage.observe(record.meta);
    this.provenance.observe(record, row.outcome === 'final');
    const action = this.actions.get(row.action)!;
    action.turns++;
    if (record.score === null) this.parseFailed++;
    else {
      this.histogram[Math.min(100, Math.floor(record.score))]!++;
      const { value, estimated } = gatePreference(record);
      this.preferences.push(value);
      if (estimated) this.estimated++;
      this.dimensions.observe(record.judgement.dimensions);
      action.parsed++;
      if (row.outcome === 'final') action.final++;
      this.actionScoreSums.set(row.action, (this.actionScoreSums.get(row.action) ?? 0) + record.score);
    }
    if (this.table.length < this.tableRows) this.table.push(row);
  }

  actionRows(): ActionRow[] {
    return [...this.actions.values()].map((row) => ({
      ...row,
      mean_score: row.parsed > 0 ? this.actionScoreSums.get(row.action)! / row.parsed : null,
    }));
  }
}

