import { z } from 'zod';
import { JudgementSchema } from './judgement.js';
import { TurnRecordSchema } from './turn.js';

/**
 * A judged turn, as `td judge` writes it and `td report` reads it.
 * `score` = 100 x mean challenger preference over parsed verdicts, or null when too few parsed (parse-fail).
 */
export const ScoredRecordSchema = TurnRecordSchema.extend({
  /** Absent when the challenger was judged against the reference (`td judge --against reference`). */
  king: z.string().optional(),
  challenger: z.string(),
  score: z.number().min(0).max(100).nullable(),
  judgement: JudgementSchema,
});
export type ScoredRecord = z.infer<typeof ScoredRecordSchema>;
