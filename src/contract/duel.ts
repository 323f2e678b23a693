import { z } from 'zod';
import { TurnRecordSchema, type TurnRecord } from './turn.js';

const missing = (what: string) => `expected a string: ${what}`;

/**
 * A duel record: a turn with both sides of the duel, what `td judge` (against the king) reads and what
 * `td import --as duel` writes. `king`: the blind model's turn; `challenger`: the PR-informed one.
 */
export const KingDuelSchema = TurnRecordSchema.extend({
  king: z.string({ error: missing("the king's turn (run td king first, or judge against the reference with --against reference)") }),
  challenger: z.string({ error: missing("the challenger's turn (run td challenge first)") }),
});

/** A duel against the reference (`td judge --against reference`): the challenger and the dataset's own turn (`assistant`, in every turn record). */
export const ReferenceDuelSchema = TurnRecordSchema.extend({
  challenger: z.string({ error: missing("the challenger's turn (run td challenge first)") }),
});

/** What the judge reads: the challenger always, the king when judging against it. */
export type DuelRecord = TurnRecord & { challenger: string; king?: string };
