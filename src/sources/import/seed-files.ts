import { z } from 'zod';
import { OrderSchema, type Dimension } from '../../contract/judgement.js';
import { HistorySchema, MessageSchema } from '../../contract/message.js';

/**
 * The files a seed run directory holds, each as an explicit zod schema (docs/run.md shows them with
 * examples). Objects are loose: fields td does not use are ignored, so a seed that wrote more still imports.
 */

/** One item of `prompt/prompts_*.json` (a JSON array of up to 200): a turn to duel on. */
export const SeedPromptSchema = z.looseObject({
  instance_id: z.string().min(1),
  /** The chat history before the turn: system prompt, task, then (assistant, observation) pairs, ending with a user message. */
  messages: HistorySchema,
  /** The dataset's own next turn (the reference); may instead come from the answer file. */
  assistant: z.string().optional(),
  /** `owner/name`; else from the commit file, else from the instance id (`owner__name-123`). */
  repo: z.string().optional(),
  /** Kept as the record id when present; else `<prompt file stem>_<index>`. */
  id: z.string().min(1).optional(),
  /** Index of the turn in the full trajectory; else the number of messages before it. */
  turn: z.number().int().min(2).optional(),
});
export type SeedPrompt = z.infer<typeof SeedPromptSchema>;

/**
 * `commit/<instance_id>.json`: the pull request of an instance, a row of SWE-rebench-V2-PRs
 * (`problem_statement`, `patch` required; `test_patch`, `hints_text`, `pr_description`, `interface`,
 * `FAIL_TO_PASS`, `PASS_TO_PASS` as lists or JSON text, `base_commit`, `created_at` optional). It is
 * checked by the same code as `td sample`'s PR rows (`toPr`); `repo` is read here when present.
 */
export const SeedCommitRepoSchema = z.looseObject({ repo: z.string().min(1).optional() });

/** `answer_<name>/<prompt file stem>_<index>.json`: one duel's two turns. */
export const SeedAnswerSchema = z.looseObject({
  instance_id: z.string().min(1),
  king: z.string(),
  challenger: z.string(),
  assistant: z.string().optional(),
  messages: z.array(MessageSchema).optional(),
});
export type SeedAnswer = z.infer<typeof SeedAnswerSchema>;

const Score = z.number().int().min(1).max(10);
const DimensionScores = z.object({ correctness: Score, grounding: Score, progress: Score, protocol: Score, efficiency: Score } satisfies Record<Dimension, typeof Score>);

/** One judge's verdict in one order, by side (not by position). */
export const SeedVerdictSchema = z.looseObject({
  judge: z.string().min(1),
  order: OrderSchema,
  /** Null (or absent) when the judge's reply could not be parsed: an abstention. */
  winner: z.enum(['challenger', 'king', 'tie']).nullable().optional(),
  scores: z.object({ challenger: DimensionScores, king: DimensionScores }).optional(),
  reason: z.string().optional(),
});
export type SeedVerdict = z.infer<typeof SeedVerdictSchema>;

/** `score/<prompt file stem>_<index>.json`: the judges' verdicts on one duel. */
export const SeedScoreSchema = z.looseObject({
  instance_id: z.string().min(1).optional(),
  /** The challenger's score, 100 x its mean preference (1 win, 0.5 tie, 0 loss); null when the judges did not parse. */
  score: z.number().min(0).max(100).nullable(),
  verdicts: z.array(SeedVerdictSchema).optional(),
});
export type SeedScore = z.infer<typeof SeedScoreSchema>;
