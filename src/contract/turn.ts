import { z } from 'zod';
import { HistorySchema } from './message.js';
import { PrSchema } from './pr.js';

/** Where a sampled turn came from: enough to find the row again. */
export const TurnSourceSchema = z.looseObject({
  /** Parquet (or JSONL) file the trajectory was read from, relative to the dataset root. */
  file: z.string(),
  /** 0-based row number within `file`. */
  row: z.number().int().min(0),
  exit_status: z.string().nullable().optional(),
});

/** Per-stage provenance (`meta.king`, `meta.challenger`, `meta.judge`, ...): model, usage, attempts. */
export const MetaSchema = z.record(z.string(), z.unknown());

/**
 * A turn record as `td sample` writes it. Later stages add fields; unknown fields pass through untouched.
 * - `messages`: the chat history before the target turn.
 * - `assistant`: the dataset's own next assistant message (the reference).
 * - `turn`: index of the target assistant message in the full trajectory (>= 2).
 */
export const TurnRecordSchema = z.looseObject({
  id: z.string().min(1),
  instance_id: z.string().min(1),
  repo: z.string(),
  turn: z.number().int().min(2),
  messages: HistorySchema,
  assistant: z.string(),
  pr: PrSchema,
  source: TurnSourceSchema,
  meta: MetaSchema.optional(),
});
export type TurnRecord = z.infer<typeof TurnRecordSchema>;

/** A turn with the challenger's reply (the king may or may not be there yet). */
export const ChallengerRecordSchema = TurnRecordSchema.extend({ challenger: z.string(), king: z.string().optional() });
export type ChallengerRecord = z.infer<typeof ChallengerRecordSchema>;
