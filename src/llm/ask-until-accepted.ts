import type { CallMeta } from '../contract/meta.js';
import type { Failure } from '../core/outcome.js';
import type { StageStats } from '../core/stats.js';
import { LLM_COUNTERS } from './accounting.js';
import type { ChatModel, ChatRequest } from './chat-model.js';
import { REPLY_PROBLEM_TEXT, replyProblem, type Reply } from './reply.js';

/** A stage's verdict on one reply: accepted with what the stage reads from it, or why not. */
export type ReplyCheck<T> = (reply: Reply) => { ok: true; value: T } | { ok: false; status: string; problem: string };

export type Asked<T> =
  /** A reply was accepted. */
  | { ok: true; value: T; calls: CallMeta[] }
  /** A call failed (after the layers' retries): the stage decides what that means for the record. */
  | { ok: false; failure: Failure; calls: CallMeta[] }
  /** Every attempt's reply was malformed: `problems` says why, one per attempt (`1: ...`). */
  | { ok: false; failure?: undefined; problems: string[]; calls: CallMeta[] };

/**
 * The one attempt loop of every model stage: asks until a reply is accepted, at most `attempts` times.
 * A reply is first checked as a reply (cut off at max_tokens, empty, reasoning only, tool calls), then by
 * the stage's `check`. Each attempt is a new request (its index is in the cache key), so a rerun replays
 * the same attempts from the cache and a malformed reply is never served again for the next attempt.
 * Every call is kept for `meta.<stage>.calls`, a malformed one with its problem as `status`; each
 * malformed reply is counted (`malformed`).
 */
export async function askUntilAccepted<T>(
  model: ChatModel,
  request: Omit<ChatRequest, 'attempt'>,
  options: { attempts: number; check: ReplyCheck<T>; stats: StageStats; signal?: AbortSignal | undefined },
): Promise<Asked<T>> {
  const calls: CallMeta[] = [];
  const problems: string[] = [];
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    const result = await model.complete({ ...request, attempt }, { signal: options.signal });
    if (!result.ok) {
      calls.push(result.meta);
      const { kind, reason, message } = result.failure;
      return { ok: false, failure: { kind, reason, message }, calls };
    }
    const problem = replyProblem(result.reply);
    const checked = problem === undefined ? options.check(result.reply) : { ok: false as const, status: problem, problem: REPLY_PROBLEM_TEXT[problem] ?? problem };
    if (checked.ok) {
      if (result.meta) calls.push(result.meta);
      return { ok: true, value: checked.value, calls };
    }
    if (result.meta) calls.push({ ...result.meta, status: checked.status });
    options.stats.add(LLM_COUNTERS.malformed);
    problems.push(`${attempt + 1}: ${checked.problem}`);
  }
  return { ok: false, problems, calls };
}
