import { z } from 'zod';
import { ScoredRecordSchema } from '../../contract/scored.js';
import { ChallengerRecordSchema, TurnRecordSchema } from '../../contract/turn.js';
import { sidesByJudge, PREFERENCE } from '../../contract/verdict-sides.js';
import type { Verdict } from '../../contract/judgement.js';
import type { JsonObject } from '../../core/session.js';
import { actionStyle, type ActionStyle } from '../../sinks/report/action-style.js';
import { bucketOf } from '../../sinks/report/report-stats.js';

/**
 * The few fields of a record the list shows and filters on, read once while indexing. Everything
 * else (history, replies, verdicts, the PR) is read from disk when a turn is opened.
 */

/** Where a turn stands: a report bucket, rejected by a reviewer (a report's rejected.jsonl), or not judged yet. */
export const VIEW_BUCKETS = ['final', 'refined', 'defeat', 'parse-fail', 'rejected', 'unjudged'] as const;
export type ViewBucket = (typeof VIEW_BUCKETS)[number];

/** The pipeline stage a record has reached, by the fields it carries. */
export type RecordStage = 'turn' | 'king' | 'challenger' | 'scored';

const KingRecordSchema = TurnRecordSchema.extend({ king: z.string() });

const SCHEMAS: Record<RecordStage, z.ZodType> = {
  turn: TurnRecordSchema,
  king: KingRecordSchema,
  challenger: ChallengerRecordSchema,
  scored: ScoredRecordSchema,
};

/** A record is checked against the contract of the furthest stage its fields show. */
export function stageOf(record: JsonObject): RecordStage {
  if ('judgement' in record || 'score' in record) return 'scored';
  if ('challenger' in record) return 'challenger';
  if ('king' in record) return 'king';
  return 'turn';
}

export function schemaFor(stage: RecordStage): z.ZodType {
  return SCHEMAS[stage];
}

export interface TurnFields {
  id: string;
  instanceId: string;
  repo: string;
  stage: RecordStage;
  /** Null: not judged, or judged without enough parsed verdicts (parse-fail). */
  score: number | null;
  bucket: ViewBucket;
  /** The challenger's action style (the king's when there is no challenger yet). */
  action: ActionStyle | undefined;
  /** Judges whose two orders named different winners. */
  flips: number;
  /** Judges reached different decisions (challenger, opponent, tie) on the turn. */
  disagreement: boolean;
  /** The leak check flagged the challenger. */
  leak: boolean;
  /** Prompt + completion tokens over every `meta.<stage>`. */
  tokens: number;
  /** Summed `cost_usd`, when any stage has one. */
  costUsd: number | undefined;
  /** Lower-cased id, instance, repo and replies, for full-text search. */
  searchText: string;
}

/** Bucket thresholds for records not read from a report directory (td report's defaults). */
export const DEFAULT_THRESHOLDS = { finalMin: 80, defeatMin: 66 } as const;

/** The list fields of a record that passed `schemaFor(stageOf(record))`. */
export function turnFields(record: JsonObject, stage: RecordStage, fileBucket?: ViewBucket): TurnFields {
  const r = record as Record<string, any>;
  const score = stage === 'scored' ? (r.score as number | null) : null;
  const bucket = fileBucket ?? (stage !== 'scored' ? 'unjudged' : score === null ? 'parse-fail' : bucketOf(score, DEFAULT_THRESHOLDS));
  const reply: string | undefined = typeof r.challenger === 'string' ? r.challenger : typeof r.king === 'string' ? r.king : undefined;
  const verdicts: Verdict[] = stage === 'scored' ? r.judgement.verdicts : [];
  const usage = usageOf(r.meta);
  return {
    id: r.id,
    instanceId: r.instance_id,
    repo: r.repo,
    stage,
    score,
    bucket,
    action: reply === undefined ? undefined : actionStyle(reply),
    flips: stage === 'scored' ? r.judgement.flips : 0,
    disagreement: judgesDisagree(verdicts),
    leak: r.leak?.suspect === true,
    tokens: usage.tokens,
    costUsd: usage.costUsd,
    searchText: [r.id, r.instance_id, r.repo, r.king, r.challenger, r.assistant]
      .filter((text): text is string => typeof text === 'string')
      .join('\n')
      .toLowerCase(),
  };
}

/** Whether two judges decided the turn differently (each judge's decision: the side its mean preference leans to). */
export function judgesDisagree(verdicts: readonly Verdict[]): boolean {
  const decisions = new Set<number>();
  for (const orders of sidesByJudge(verdicts).values()) {
    if (orders.sides.size === 0) continue;
    let sum = 0;
    for (const side of orders.sides.values()) sum += PREFERENCE[side];
    decisions.add(Math.sign(sum / orders.sides.size - 0.5));
  }
  return decisions.size > 1;
}

function usageOf(meta: unknown): { tokens: number; costUsd: number | undefined } {
  let tokens = 0;
  let costUsd: number | undefined;
  if (meta === null || typeof meta !== 'object') return { tokens, costUsd };
  for (const stage of Object.values(meta as Record<string, unknown>)) {
    if (stage === null || typeof stage !== 'object') continue;
    const { prompt_tokens: prompt, completion_tokens: completion, cost_usd: cost } = stage as Record<string, unknown>;
    if (typeof prompt === 'number') tokens += prompt;
    if (typeof completion === 'number') tokens += completion;
    if (typeof cost === 'number') costUsd = (costUsd ?? 0) + cost;
  }
  return { tokens, costUsd };
}
