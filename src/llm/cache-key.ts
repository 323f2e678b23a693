import { createHash } from 'node:crypto';
import type { ChatRequest } from './chat-model.js';

/**
 * Bumped when the meaning of a cached entry changes (what the key covers, what is stored), so an old
 * cache is never misread: old entries simply stop matching.
 */
export const CACHE_FORMAT = 'td-llm-cache/1';

/** Everything that decides a reply, and nothing else: the request cache's key is a hash of this. */
export interface CanonicalRequest {
  model: string;
  messages: ReadonlyArray<{ role: string; content: string }>;
  /** Sampling and shape parameters as sent (`max_tokens`, `temperature`, `response_format`, ...). */
  params: Readonly<Record<string, unknown>>;
  /** Version of the prompt template that built `messages` (e.g. `challenge/1`). */
  promptVersion: string;
  /** 0-based attempt: a malformed reply is asked again as a new request with a new key. */
  attempt: number;
  /** `--cache-salt`, when given. */
  salt?: string;
}

/** JSON with object keys sorted at every depth, so equal requests give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    // Built with fromEntries (which defines keys), not by assignment: a `__proto__` key would be lost.
    const object = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(object).sort().map((key) => [key, object[key]]));
  });
}

export function cacheKey(request: CanonicalRequest): string {
  const canonical = canonicalJson({ format: CACHE_FORMAT, ...request, salt: request.salt ?? null });
  return `${CACHE_FORMAT}:${createHash('sha256').update(canonical).digest('hex')}`;
}

/**
 * What of a request decides its reply: the model, the messages (role and content only), the parameters,
 * the prompt version, the attempt and the salt. The request's subject is not part of it: an endpoint
 * never sees it, so it cannot change the reply.
 */
export function canonicalRequest(request: ChatRequest, salt: string | undefined): CanonicalRequest {
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    params: request.params ?? {},
    promptVersion: request.promptVersion,
    attempt: request.attempt,
    ...(salt === undefined ? {} : { salt }),
  };
}

/**
 * The cache key of a request, computed once per request object: single flight and the cache both key
 * on it, and hashing a long history twice would cost a stage per call.
 */
export function requestKeys(salt: string | undefined): (request: ChatRequest) => string {
  const keys = new WeakMap<ChatRequest, string>();
  return (request) => {
    let key = keys.get(request);
    if (key === undefined) {
      key = cacheKey(canonicalRequest(request, salt));
      keys.set(request, key);
    }
    return key;
  };
}
