import type { z } from 'zod';
import { KingDuelSchema } from './duel.js';
import { ScoredRecordSchema } from './scored.js';
import { TurnRecordSchema } from './turn.js';

/** The kinds of record the stages pass along, each adding to the one before: what `--as` names (td validate, td import). */
export const RECORD_KINDS = ['turn', 'duel', 'scored'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Each kind's contract: a turn (td sample), a duel (+ king and challenger, ready for td judge), a scored turn (td judge). */
export const RECORD_CONTRACTS: Readonly<Record<RecordKind, z.ZodType>> = {
  turn: TurnRecordSchema,
  duel: KingDuelSchema,
  scored: ScoredRecordSchema,
};
