import type { CallMeta } from '../../contract/meta.js';
import type { Failure } from '../../core/outcome.js';
import type { StageStats } from '../../core/stats.js';
import { askUntilAccepted, type ReplyCheck } from '../../llm/ask-until-accepted.js';
import type { ChatModel, ChatRequest } from '../../llm/chat-model.js';
import { checkFormat } from './format-gate.js';

export interface GenerationSettings {
  model: string;
  maxTokens: number;
  temperature?: number | undefined;
  attempts: number;
}

export type Generated = { ok: true; text: string; calls: CallMeta[] } | { ok: false; failure: Failure; calls: CallMeta[] };

/**
 * A generated turn is accepted when it passes the format gate. The dataset's own turn, replayed
 * verbatim (td/replay), is kept as the dataset has it: judging it, format problems included, is the point.
 */
export const acceptTurn: ReplyCheck<string> = (reply) => {
  if (reply.verbatim) return { ok: true, value: reply.content };
  const format = checkFormat(reply.content);
  return format.ok ? { ok: true, value: reply.content } : { ok: false, status: format.problem!, problem: format.detail! };
};

/**
 * Asks for one agent turn until a reply passes the reply checks (not cut off, not reasoning-only) and
 * the format gate, at most `attempts` times (`askUntilAccepted`); then the record is `rejected`/`format`
 * with every attempt's problem. Every call, malformed or not, is kept for `meta.<stage>.calls`.
 */
export async function generateTurn(
  model: ChatModel,
  /** `subject`: the record's own material, for offline models (never sent to an endpoint). */
  prompt: Pick<ChatRequest, 'messages' | 'promptVersion' | 'subject'>,
  settings: GenerationSettings,
  context: { signal?: AbortSignal | undefined; stats: StageStats },
): Promise<Generated> {
  const params: Record<string, unknown> = { max_tokens: settings.maxTokens };
  if (settings.temperature !== undefined) params.temperature = settings.temperature;
  const request = { model: settings.model, messages: prompt.messages, params, promptVersion: prompt.promptVersion, ...(prompt.subject ? { subject: prompt.subject } : {}) };
  const asked = await askUntilAccepted(model, request, { attempts: settings.attempts, check: acceptTurn, stats: context.stats, signal: context.signal });
  if (asked.ok) return { ok: true, text: asked.value, calls: asked.calls };
  if (asked.failure) return { ok: false, failure: asked.failure, calls: asked.calls };
  const failure: Failure = {
    kind: 'rejected',
    reason: 'format',
    message: `no well-formed reply in ${settings.attempts} attempt${settings.attempts === 1 ? '' : 's'} (${asked.problems.join('; ')})`,
  };
  return { ok: false, failure, calls: asked.calls };
}

/**
 * Records a generation stage works on at once for `--concurrency` requests in flight: twice as many, so
 * a record's cache lookup, format check and cache write never leave a request slot idle.
 */
export function stageConcurrency(requestsInFlight: number): number {
  return requestsInFlight * 2;
}
