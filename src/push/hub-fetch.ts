import type { Logger } from '../core/logger.js';
import { blobRequest } from './blob-upload.js';

export interface HubFetchOptions {
  /** Aborts every request and every wait (Ctrl-C). */
  signal: AbortSignal;
  /** Attempts after the first for a 5xx, 408, 429 or a connection failure. */
  retries: number;
  /** First backoff wait in ms, doubled per attempt, unless the server sends Retry-After. */
  baseWaitMs: number;
  /** Longest wait in ms, Retry-After included. */
  maxWaitMs: number;
  log: Logger;
  /** Bytes of file content sent (Blob and byte-array bodies); negative when a failed attempt is sent again. */
  onBodyBytes?: (bytes: number) => void;
  /** For every request but those with a Blob body. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** For requests with a Blob body (file uploads). @default blobRequest (node:http, streamed) */
  blobFetch?: typeof fetch;
}

/**
 * A Blob whose stream counts the bytes read from it, i.e. sent: fetch sends a Blob with its Content-Length
 * (an S3 or CAS upload needs one) by reading `stream()`, so counting there measures real upload progress.
 */
class CountingBlob extends Blob {
  constructor(
    private readonly inner: Blob,
    private readonly count: (bytes: number) => void,
  ) {
    super([]);
    // Blob's size and type are prototype getters over internal slots this empty Blob does not share.
    Object.defineProperty(this, 'size', { get: () => inner.size });
    Object.defineProperty(this, 'type', { get: () => inner.type });
  }

  override stream(): ReturnType<Blob['stream']> {
    const count = this.count;
    return this.inner.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          count(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    ) as ReturnType<Blob['stream']>;
  }

  override slice(start?: number, end?: number, contentType?: string): Blob {
    return new CountingBlob(this.inner.slice(start, end, contentType), this.count);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.inner.arrayBuffer();
  }

  override text(): Promise<string> {
    return this.inner.text();
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** A failure to connect or a connection cut mid-request (fetch's TypeError), as opposed to an abort. */
function isConnectionError(error: unknown): boolean {
  return error instanceof TypeError && (error as { name?: string }).name !== 'AbortError';
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
function retryAfterMs(response: Response | undefined): number | undefined {
  const value = response?.headers.get('retry-after');
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Method and path of a request for a log line: never the query (an upload URL's query is a signature). */
function describe(input: string | URL | Request, init: RequestInit | undefined): string {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  return `${init?.method ?? 'GET'} ${url.pathname}`;
}

function reasonOf(response: Response | undefined, error: unknown): string {
  if (response) return `HTTP ${response.status}`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'connection failed';
}

/**
 * The fetch every Hub call of td push goes through (the library takes it as `fetch`): each request is
 * aborted by `signal`, retried on 5xx/408/429 and broken connections with backoff (Retry-After honoured,
 * capped), and its file bytes are counted for progress. Every request td push makes is safe to repeat:
 * uploads are content-addressed, and the commit names its parent commit, so a repeated commit is refused
 * rather than applied twice. After the last attempt the last response (or error) goes to the library.
 */
export function createHubFetch(options: HubFetchOptions): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const blobBase = options.blobFetch ?? (blobRequest as typeof fetch);
  const onBytes = options.onBodyBytes ?? (() => undefined);
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      let sent = 0;
      const count = (bytes: number): void => {
        sent += bytes;
        onBytes(bytes);
      };
      const signal = init?.signal ? AbortSignal.any([init.signal, options.signal]) : options.signal;
      let body = init?.body;
      if (body instanceof Blob) body = new CountingBlob(body, count);
      else if (body instanceof Uint8Array || body instanceof ArrayBuffer) count(body.byteLength);
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await (body instanceof Blob ? blobBase : base)(input, { ...init, body, signal });
      } catch (caught) {
        error = caught;
      }
      options.signal.throwIfAborted();
      const retryable = response === undefined ? isConnectionError(error) && !signal.aborted : RETRYABLE_STATUS.has(response.status);
      if (!retryable || attempt >= options.retries) {
        if (response === undefined) throw error;
        return response;
      }
      onBytes(-sent);
      const wait = Math.min(retryAfterMs(response) ?? options.baseWaitMs * 2 ** attempt, options.maxWaitMs);
      options.log.warn(`${describe(input, init)}: ${reasonOf(response, error)}; retry ${attempt + 1} of ${options.retries} in ${(wait / 1000).toFixed(1)}s`);
      await response?.body?.cancel().catch(() => undefined);
      await sleep(wait, options.signal);
    }
  };
}
