import type { CallMeta } from '../contract/meta.js';
import type { ChatRequest } from './chat-model.js';
import type { Reply } from './reply.js';

/**
 * A call's provenance, built in one place so its keys always come in the same order (records are
 * compared byte for byte): model, attempt, tokens, cost, status, then the volatile run fields.
 */
export function replyMeta(request: ChatRequest, reply: Reply, run: { latencyMs: number; cached?: boolean; retries?: number; costUsd?: number | undefined }): CallMeta {
  return {
    model: request.model,
    attempt: request.attempt,
    prompt_tokens: reply.usage.prompt_tokens,
    completion_tokens: reply.usage.completion_tokens,
    ...(reply.usage.reasoning_tokens === undefined ? {} : { reasoning_tokens: reply.usage.reasoning_tokens }),
    ...(reply.usage.cached_prompt_tokens === undefined ? {} : { cached_prompt_tokens: reply.usage.cached_prompt_tokens }),
    ...(run.costUsd === undefined ? {} : { cost_usd: run.costUsd }),
    status: 'ok',
    cached: run.cached ?? false,
    latency_ms: Math.round(run.latencyMs),
    retries: run.retries ?? 0,
  };
}

/** The provenance of a call that got no reply: its status is the failure's reason. */
export function failedMeta(request: ChatRequest, reason: string, run: { latencyMs: number; retries?: number }): CallMeta {
  return {
    model: request.model,
    attempt: request.attempt,
    prompt_tokens: 0,
    completion_tokens: 0,
    status: reason,
    cached: false,
    latency_ms: Math.round(run.latencyMs),
    retries: run.retries ?? 0,
  };
}

/** `meta` with `cost_usd` in its place (after the tokens), or unchanged when there is no cost. */
export function withCost(meta: CallMeta, costUsd: number | undefined): CallMeta {
  if (costUsd === undefined) return meta;
  const { cost_usd: _old, status, cached, latency_ms, retries, ...head } = meta;
  return { ...head, cost_usd: costUsd, status, cached, latency_ms, ...(retries === undefined ? {} : { retries }) };
}
