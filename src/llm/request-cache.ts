import type cacacheModule from 'cacache';
import type { Logger } from '../core/logger.js';

/** cacache is loaded on the first cache access, not at start-up (every command would pay for it). */
let loadingCacache: Promise<typeof cacacheModule> | undefined;
function loadCacache(): Promise<typeof cacacheModule> {
  loadingCacache ??= import('cacache').then((module) => module.default);
  return loadingCacache;
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
