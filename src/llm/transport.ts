import type OpenAI from 'openai';
import { loadOpenAI } from './openai-module.js';
import { formatBytes } from './format-bytes.js';
import { formatDuration } from './format-duration.js';
import { OversizedBodyError, type NodeFetchInit } from './node-fetch.js';

/** Why one HTTP attempt produced no body, decided by status code and error class (never by message text). */
export interface TransportFailure {
  /** `http-429`, `http-503`, `timeout`, `connection`, `truncated-body`, `oversized-reply`, `interrupted`, `internal`. */
  reason: string;
  retryable: boolean;
  /** HTTP status, when the server answered. */
  status?: number;
  /** What the server asked us to wait (`retry-after-ms`, else `Retry-After`), in ms. */
  retryAfterMs?: number;
  message: string;
}

export type AttemptResult = { ok: true; body: string; latencyMs: number } | { ok: false; failure: TransportFailure; latencyMs: number };

/** Statuses worth asking again: request timeout, conflict (lock), rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after-ms` (a float of ms), else `Retry-After` (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after.trim());
  if (after.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The SDK's type for extra `fetch` options (not exported by name). */
type SdkFetchOptions = NonNullable<NonNullable<Parameters<OpenAI['chat']['completions']['create']>[1]>['fetchOptions']>;

const MAX_MESSAGE_CHARS = 300;

/** One line of at most MAX_MESSAGE_CHARS, with secrets masked first: a key cut in two is no longer recognisable. */
function short(text: string, mask: (text: string) => string): string {
  const oneLine = mask(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_CHARS ? `${oneLine.slice(0, MAX_MESSAGE_CHARS)}…` : oneLine;
}

/**
 * One chat-completions request through the openai SDK, with the SDK's retries off (td owns the retry
 * loop) and the raw body read here: the SDK's timeout covers only the wait for headers, so this
 * attempt's own timer also covers the body, and a body cut off mid-way or not JSON is ours to classify.
 */
export async function attemptOnce(
  client: OpenAI,
  body: Record<string, unknown>,
  options: {
    timeoutMs: number;
    signal?: AbortSignal | undefined;
    /** Masks secrets in the server's words before they are cut for a message (the redactor's `apply`). */
    mask?: (text: string) => string;
    /** The largest reply body read (`--max-reply-bytes`); a larger one is `oversized-reply`, never held whole. */
    maxReplyBytes?: number;
  },
): Promise<AttemptResult> {
  const mask = options.mask ?? ((text: string) => text);
  // A signal that aborted before this attempt began (while the SDK loaded on a first call, say) has no
  // abort event left to fire: without this check the request would go out and wait for --timeout.
  if (options.signal?.aborted) return { ok: false, failure: { reason: 'interrupted', retryable: false, message: 'aborted: the run was interrupted' }, latencyMs: 0 };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, options.timeoutMs);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  const interrupted = (): AttemptResult => ({ ok: false, failure: { reason: 'interrupted', retryable: false, message: 'aborted: the run was interrupted' }, latencyMs: latency() });
  const timeout = (): AttemptResult => ({
    ok: false,
    failure: { reason: 'timeout', retryable: true, message: `no complete reply within ${formatDuration(options.timeoutMs)} (--timeout)` },
    latencyMs: latency(),
  });
  try {
    let response: Response;
    try {
      response = await client.chat.completions
        .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
          signal: controller.signal,
          timeout: Math.ceil(options.timeoutMs),
          maxRetries: 0,
          // Read by td's node:http fetch (node-fetch.ts), which the SDK is given.
          ...(options.maxReplyBytes === undefined ? {} : { fetchOptions: { maxBodyBytes: options.maxReplyBytes } satisfies NodeFetchInit as SdkFetchOptions }),
        })
        .asResponse();
    } catch (error) {
      if (options.signal?.aborted) return interrupted();
      // Loaded already: the client that threw came from this module.
      const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = await loadOpenAI();
      if (timedOut || error instanceof APIConnectionTimeoutError) return timeout();
      if (error instanceof APIUserAbortError) return interrupted();
      if (error instanceof APIConnectionError && error.cause instanceof OversizedBodyError) {
        const message = `the reply is larger than ${formatBytes(error.cause.limit)} (--max-reply-bytes); not read further`;
        return { ok: false, failure: { reason: 'oversized-reply', retryable: false, message }, latencyMs: latency() };
      }
      if (error instanceof APIConnectionError) {
        return { ok: false, failure: { reason: 'connection', retryable: true, message: `connection failed: ${short(causeText(error), mask)}` }, latencyMs: latency() };
      }
      if (error instanceof APIError && typeof error.status === 'number') {
        const after = retryAfterMs(error.headers);
        return {
          ok: false,
          failure: {
            reason: `http-${error.status}`,
            retryable: isRetryableStatus(error.status),
            status: error.status,
            ...(after === undefined ? {} : { retryAfterMs: after }),
            message: `HTTP ${error.status} from the server: ${short(error.message, mask)}`,
          },
          latencyMs: latency(),
        };
      }
      return { ok: false, failure: { reason: 'internal', retryable: false, message: `request failed: ${short(String((error as Error)?.message ?? error), mask)}` }, latencyMs: latency() };
    }
    try {
      const text = await response.text();
      return { ok: true, body: text, latencyMs: latency() };
    } catch {
      if (options.signal?.aborted) return interrupted();
      if (timedOut) return timeout();
      return { ok: false, failure: { reason: 'truncated-body', retryable: true, message: 'the connection closed before the response body was complete' }, latencyMs: latency() };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code ?? ((cause as { cause?: NodeJS.ErrnoException }).cause?.code);
    return code ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}
