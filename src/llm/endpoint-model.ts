import type OpenAI from 'openai';
import type { FailureKind } from '../core/outcome.js';
import type { Redactor } from '../core/redact.js';
import type { StageStats } from '../core/stats.js';
import { LLM_COUNTERS } from './accounting.js';
import type { ChatFailure, ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { failedMeta, replyMeta } from './call-meta.js';
import { parseReply } from './reply.js';
import { attemptOnce, type TransportFailure } from './transport.js';
import { REFUSED_STATUSES } from './with-refused-key-latch.js';

/** Statuses that say this request itself is bad (too long, malformed): the same request can never succeed. */
const BAD_REQUEST_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

/**
 * A request the server rejects as bad, a reply over `--max-reply-bytes` and a bug are `rejected`: asking
 * again would not help. A refused
 * key, an empty balance or a missing permission is `config` (exit 78): no rerun helps until the user acts,
 * so a script that reruns on 75 must not see it. Everything else is `transient` (exit 75; a rerun
 * resumes, since nothing failed is cached): the retryable failures, interruptions, a model not found
 * (Chutes answers 404 while a model has no servers).
 */
export function failureKind(failure: Pick<TransportFailure, 'reason' | 'status'>): FailureKind {
  if (failure.reason === 'internal' || failure.reason === 'oversized-reply') return 'rejected';
  if (failure.status !== undefined && BAD_REQUEST_STATUSES.has(failure.status)) return 'rejected';
  if (failure.status !== undefined && REFUSED_STATUSES.has(failure.status)) return 'config';
  return 'transient';
}

export interface EndpointModelOptions {
  /** The endpoint's SDK client, created on the first request (the SDK is loaded then, not at start-up). */
  client: () => Promise<OpenAI>;
  /** Limit on one HTTP request, body included, in ms (`--timeout`). */
  timeoutMs: number;
  /** The largest reply body read (`--max-reply-bytes`). */
  maxReplyBytes?: number;
  /** Counts `llm.requests`: HTTP requests really sent. */
  stats: StageStats;
  redactor: Redactor;
}

/**
 * An OpenAI-compatible endpoint, one HTTP attempt per call: the request is the model, the messages
 * (role and content) and the parameters, nothing else (the subject never leaves the process). A body
 * that is not a chat completion is a retryable `invalid-body`; every failure says whether asking again
 * may help. The layers (`openEndpointModel`) add retries, the refused-key latch, single flight, the cache
 * and accounting.
 */
export function endpointModel(options: EndpointModelOptions): ChatModel {
  const toFailure = (failure: TransportFailure): ChatFailure => ({ ...failure, kind: failureKind(failure), message: options.redactor.apply(failure.message) });
  return {
    provenance: {},
    totalsLine: () => undefined,
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      const client = await options.client();
      const body: Record<string, unknown> = { ...request.params, model: request.model, messages: request.messages.map(({ role, content }) => ({ role, content })) };
      options.stats.add(LLM_COUNTERS.requests);
      const attempt = await attemptOnce(client, body, { timeoutMs: options.timeoutMs, maxReplyBytes: options.maxReplyBytes, signal: callOptions.signal, mask: (text) => options.redactor.apply(text) });
      if (!attempt.ok) return { ok: false, failure: toFailure(attempt.failure), meta: failedMeta(request, attempt.failure.reason, { latencyMs: attempt.latencyMs }) };
      // td's own key and tokens never get past here, however a server echoes them (records, cache, messages).
      const parsed = parseReply(attempt.body, (text) => options.redactor.applyKnown(text));
      if (!parsed.ok) {
        const failure = toFailure({ reason: 'invalid-body', retryable: true, message: parsed.message });
        return { ok: false, failure, meta: failedMeta(request, failure.reason, { latencyMs: attempt.latencyMs }) };
      }
      return { ok: true, reply: parsed.reply, meta: replyMeta(request, parsed.reply, { latencyMs: attempt.latencyMs }), body: parsed.body };
    },
  };
}
