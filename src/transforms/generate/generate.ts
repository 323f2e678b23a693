import type { CallMeta } from '../../contract/meta.js';
import type { Failure } from '../../core/outcome.js';
import { LLM_COUNTERS } from '../../llm/accounting.js';
import type { LlmRequest } from '../../llm/llm.js';
import { REPLY_PROBLEM_TEXT, replyProblem } from '../../llm/reply.js';
import type { StageStats } from '../../core/stats.js';
import { checkFormat, type FormatVerdict } from './format-gate.js';
import type { TurnProvider } from './turn-provider.js';

export interface GenerationSettings {
  model: string;
  maxTokens: number;
  temperature?: number | undefined;
  attempts: number;
}

export type Generated = { ok: true; text: string; calls: CallMeta[] } | { ok: false; failure: Failure; calls: CallMeta[] };

/**
 * Asks for one agent turn until a reply passes the reply checks (not cut off, not reasoning-only) and
 * the format gate, at most `attempts` times. Each attempt is a new request: its index is in the cache
 * key, so a rerun replays the same attempts from the cache and a malformed reply is never served again
 * for the next attempt. Every call, malformed or not, is kept for `meta.<stage>.calls`.
 */
export async function generateTurn(
  llm: TurnProvider,
  /** `reference`: the dataset's own next turn, for offline providers (never sent to an endpoint). */
  prompt: { messages: LlmRequest['messages']; promptVersion: string; reference?: string | undefined },
  settings: GenerationSettings,
  context: { signal?: AbortSignal | undefined; stats: StageStats },
): Promise<Generated> {
  const calls: CallMeta[] = [];
  const problems: string[] = [];
  const params: Record<string, unknown> = { max_tokens: settings.maxTokens };
  if (settings.temperature !== undefined) params.temperature = settings.temperature;
  for (let attempt = 0; attempt < settings.attempts; attempt++) {
    const result = await llm.complete(
      { model: settings.model, messages: prompt.messages, params, promptVersion: prompt.promptVersion, attempt },
      { signal: context.signal, reference: prompt.reference },
    );
    if (!result.ok) {
      calls.push(result.meta);
      return { ok: false, failure: result.failure, calls };
    }
    const problem = replyProblem(result.reply);
    const format: FormatVerdict | undefined = problem !== undefined ? undefined : llm.formatGate === false ? { ok: true } : checkFormat(result.reply.content);
    if (problem === undefined && format?.ok) {
      calls.push(result.meta);
      return { ok: true, text: result.reply.content, calls };
    }
    const status = problem ?? format!.problem!;
    calls.push({ ...result.meta, status });
    context.stats.add(LLM_COUNTERS.malformed);
    problems.push(`${attempt + 1}: ${problem === undefined ? format!.detail : REPLY_PROBLEM_TEXT[problem] ?? problem}`);
  }
  const failure: Failure = {
    kind: 'rejected',
    reason: 'format',
    message: `no well-formed reply in ${settings.attempts} attempt${settings.attempts === 1 ? '' : 's'} (${problems.join('; ')})`,
  };
  return { ok: false, failure, calls };
}

/**
 * Records a generation stage works on at once for `--concurrency` requests in flight: twice as many, so
 * a record's cache lookup, format check and cache write never leave a request slot idle.
 */
export function stageConcurrency(requestsInFlight: number): number {
  return requestsInFlight * 2;
}
