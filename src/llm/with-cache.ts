import type { ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { replyMeta } from './call-meta.js';
import type { RequestCache } from './request-cache.js';
import { parseReply } from './reply.js';

/**
 * The request cache as a layer: a request whose reply is stored is answered from the store (meta
 * `cached: true`, no retries); any other goes to `inner`, and a successful reply that came over HTTP is
 * stored (its raw body, so a change of parsing re-parses without calls) before it is returned, so a
 * record reaches the output only after its calls are in the cache. Failures are never stored. An entry
 * that no longer parses (a stricter parser, a damaged file) is a miss, asked again and overwritten.
 */
export function withCache(
  inner: ChatModel,
  cache: RequestCache,
  keyOf: (request: ChatRequest) => string,
  /** Masks td's own secrets in a stored reply (one stored before td masked replies). */
  mask?: (text: string) => string,
): ChatModel {
  return {
    provenance: inner.provenance,
    totalsLine: () => inner.totalsLine(),
    async complete(request: ChatRequest, options: CallOptions = {}): Promise<ChatResult> {
      const started = performance.now();
      const key = keyOf(request);
      const stored = await cache.get(key);
      if (stored) {
        const parsed = parseReply(stored.body, mask);
        if (parsed.ok) return { ok: true, reply: parsed.reply, meta: replyMeta(request, parsed.reply, { cached: true, latencyMs: performance.now() - started }) };
      }
      const result = await inner.complete(request, options);
      if (result.ok && result.body !== undefined && result.meta?.cached !== true) {
        await cache.put(key, { body: result.body, latency_ms: result.meta?.latency_ms ?? 0, model: request.model, created_at: new Date().toISOString() });
      }
      return result;
    },
  };
}
