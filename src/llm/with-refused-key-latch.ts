import type { Logger } from '../core/logger.js';
import type { ChatFailure, ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { failedMeta } from './call-meta.js';

/** Statuses that say the account is refused (key, payment, permission): no request can succeed until the user acts. */
export const REFUSED_STATUSES: ReadonlySet<number> = new Set([401, 402, 403]);

/** The latch of one endpoint + key, shared by every stage of a process. */
export interface RefusedKey {
  /** The first refusal; once set, every call fails with it at once. */
  failure: ChatFailure | undefined;
}

/**
 * The refused-key latch as a layer: after a 401/402/403 (key, balance or permission refused) no further
 * request is sent on the endpoint; every later call fails at once, without a request, with the same
 * failure (kind `config`, exit 78: a script that reruns on 75 would loop on a bad key). Placed inside
 * the retry loop, so calls already waiting for a limiter slot when the refusal comes are not sent either.
 */
export function withRefusedKeyLatch(inner: ChatModel, latch: RefusedKey, options: { log: Logger; apiKeyEnv: string }): ChatModel {
  return {
    provenance: inner.provenance,
    totalsLine: () => inner.totalsLine(),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      if (latch.failure) return { ok: false, failure: latch.failure, meta: failedMeta(request, latch.failure.reason, { latencyMs: 0 }) };
      const result = await inner.complete(request, callOptions);
      if (!result.ok && result.failure.status !== undefined && REFUSED_STATUSES.has(result.failure.status) && !latch.failure) {
        latch.failure = { ...result.failure, retryable: false };
        options.log.error(`the endpoint refused the account of the key in ${options.apiKeyEnv} (HTTP ${result.failure.status}); remaining calls fail without requests`);
      }
      return result;
    },
  };
}
