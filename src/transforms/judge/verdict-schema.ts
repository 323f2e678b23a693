import { z } from 'zod';
import { DIMENSIONS, type Dimension } from '../../contract/judgement.js';

/**
 * The verdict a judge model writes, by position (A is the candidate shown first). One zod schema is
 * both the parser's check and, as JSON Schema, the `response_format` sent to the server: what the
 * server is asked to produce and what td accepts cannot drift apart.
 *
 * `reason` comes first on purpose: a model that writes in schema order justifies before it commits.
 */
const Score = z
  .number({ error: 'expected an integer from 1 to 10' })
  .int({ error: 'expected an integer from 1 to 10' })
  .min(1, { error: 'expected an integer from 1 to 10' })
  .max(10, { error: 'expected an integer from 1 to 10' });

const PositionScoresSchema = z.object(
  Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, Score])) as Record<Dimension, typeof Score>,
);

export const JudgeVerdictSchema = z.object({
  reason: z.string({ error: 'expected a short text' }).describe('1-3 sentences: the decisive differences between A and B'),
  scores: z.object({ A: PositionScoresSchema, B: PositionScoresSchema }).describe('each candidate scored 1 (very poor) to 10 (excellent) on every dimension'),
  winner: z.enum(['A', 'B', 'tie'], { error: 'expected A, B or tie' }).describe('the better next message overall, or tie when neither is meaningfully better'),
});
export type JudgeVerdict = z.infer<typeof JudgeVerdictSchema>;

/** Name of the schema in `response_format` (part of the request, so of the cache key). */
export const VERDICT_SCHEMA_NAME = 'judge_verdict';

/** The `response_format` of every judge request when `structured` is on. */
export function verdictResponseFormat(): Record<string, unknown> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(JudgeVerdictSchema) as Record<string, unknown>;
  return { type: 'json_schema', json_schema: { name: VERDICT_SCHEMA_NAME, strict: true, schema } };
}
