import { z } from 'zod';
import { MessageSchema, type Message } from '../../contract/message.js';
import type { Pr } from '../../contract/pr.js';
import type { TurnRecord } from '../../contract/turn.js';
import { formatZodError } from '../../core/zod-format.js';
import { Sfc32 } from '../../core/seeded-random.js';

/** A trajectory row of SWE-ZERO-12M as `td sample` needs it; other columns are tolerated and ignored. */
export const TrajectoryRowSchema = z.looseObject({
  instance_id: z.string().min(1),
  repo: z.string(),
  messages: z.array(MessageSchema).min(1),
  exit_status: z.string().nullable().optional(),
});
export type TrajectoryRowValue = z.infer<typeof TrajectoryRowSchema>;

export function parseTrajectory(value: unknown): { ok: true; trajectory: TrajectoryRowValue } | { ok: false; message: string } {
  const parsed = TrajectoryRowSchema.safeParse(value, { reportInput: true });
  return parsed.success ? { ok: true, trajectory: parsed.data } : { ok: false, message: formatZodError(parsed.error) };
}

/**
 * Indexes of the assistant messages that can be a target turn: at index >= 2 (after the system prompt
 * and the task) and answering a user message, so the history before it is a valid `messages` prefix.
 */
export function eligibleTurns(messages: readonly Message[]): number[] {
  const turns: number[] = [];
  for (let i = 2; i < messages.length; i++) {
    if (messages[i]!.role === 'assistant' && messages[i - 1]!.role === 'user') turns.push(i);
  }
  return turns;
}

/**
 * The target turns of one trajectory: up to `k` of its eligible turns, drawn without replacement by a
 * generator seeded with the run's seed and the trajectory id (so a turn does not depend on which other
 * trajectories were drawn, or on the shard), in ascending order.
 */
export function pickTurns(trajectoryId: string, seed: number, eligible: readonly number[], k: number): number[] {
  if (eligible.length <= k) return [...eligible];
  return new Sfc32(`td-sample-turn:${seed}:${trajectoryId}`).pick(eligible, k);
}

export interface TurnSource {
  /** Dataset-relative file name. */
  file: string;
  row: number;
}

/** `file:row`: a trajectory's id. A turn's id adds `:tN`. */
export function trajectoryId(source: TurnSource): string {
  return `${source.file}:${source.row}`;
}

/** The turn record of the contract: the exact history before `turn`, and that turn's content as the reference. */
export function turnRecord(trajectory: TrajectoryRowValue, source: TurnSource, turn: number, pr: Pr): TurnRecord {
  const messages = trajectory.messages.slice(0, turn).map((message) => ({ role: message.role, content: message.content }));
  return {
    id: `${trajectoryId(source)}:t${turn}`,
    instance_id: trajectory.instance_id,
    repo: trajectory.repo,
    turn,
    messages,
    assistant: trajectory.messages[turn]!.content,
    pr,
    source: { file: source.file, row: source.row, exit_status: trajectory.exit_status ?? null },
  };
}
