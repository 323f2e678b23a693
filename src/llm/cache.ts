import { createHash } from 'node:crypto';
import type cacacheModule from 'cacache';

/** cacache is loaded on the first cache access, not at start-up (every command would pay for it). */
let loadingCacache: Promise<typeof cacacheModule> | undefined;
function loadCacache(): Promise<typeof cacacheModule> {
  loadingCacache ??= import('cacache').then((module) => module.default);
  return loadingCacache;
}
import type { Logger } from '../core/logger.js';

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
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v as Record<string, unknown>).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

export function cacheKey(request: CanonicalRequest): string {
  const canonical = canonicalJson({ format: CACHE_FORMAT, ...request, salt: request.salt ?? null });
  return `${CACHE_FORMAT}:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** What the cache keeps of a reply: the raw body (so a change of parsing re-parses without calls) and how it was got. */
export interface CachedReply {
  body: string;
  /** Latency of the original call. */
  latency_ms: number;
  model: string;
  created_at: string;
}

/**
 * The persistent request cache on cacache (npm's content-addressable cache): content is written to a
 * temporary file and renamed into place, index lines are appended with their own hash, and reads verify
 * integrity, so several td processes may share one directory and a kill -9 never leaves a corrupt
 * entry. A read or write problem is a warning and a cache miss, never a failed record.
 */
export class RequestCache {
  private warned = false;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  async get(key: string): Promise<CachedReply | undefined> {
    try {
      const entry = await (await loadCacache()).get(this.dir, key, { memoize: false });
      const meta = (entry.metadata ?? {}) as Partial<CachedReply>;
      return {
        body: entry.data.toString('utf8'),
        latency_ms: typeof meta.latency_ms === 'number' ? meta.latency_ms : 0,
        model: typeof meta.model === 'string' ? meta.model : '',
        created_at: typeof meta.created_at === 'string' ? meta.created_at : '',
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.warn('read', error);
      return undefined;
    }
  }

  async put(key: string, reply: CachedReply): Promise<void> {
    const { body, ...metadata } = reply;
    try {
      await (await loadCacache()).put(this.dir, key, body, { metadata, memoize: false });
    } catch (error) {
      this.warn('write', error);
    }
  }

  private warn(what: 'read' | 'write', error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    const code = (error as NodeJS.ErrnoException).code;
    this.log.warn(`request cache ${this.dir}: cannot ${what} (${code ?? (error as Error).message}); going on without it where it fails`);
  }
}
