import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { StageStats } from '../core/stats.js';
import { LLM_COUNTERS } from './accounting.js';
import { backoffMs } from './backoff.js';
import type { ChatFailure, ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { failedMeta } from './call-meta.js';
import { formatDuration } from './format-duration.js';
import type { EndpointLimiter } from './limiter.js';
import { sleep } from './sleep.js';

export interface RetryOptions {
  /** The endpoint's limiter, shared by every stage of a process: each attempt runs in one of its slots. */
  limiter: EndpointLimiter;
  /** Retries after the first attempt at most (`--retries`). */
  retries: number;
  /** Longest wait before one retry, whatever the server asks (`--max-retry-wait`), in ms. */
  maxWaitMs: number;
  stats: StageStats;
  log: Logger;
  redactor: Redactor;
  /** Whether the log already said that a Retry-After was capped: said once per endpoint, the waits are counted. */
  capNotice: { told: boolean };
  /** Back-off jitter (tests pass a fixed one). @default Math.random */
  random?: () => number;
}

/**
 * td's retry loop as a layer over one-attempt calls. Each attempt waits for a slot of the endpoint's
 * limiter (a retry ahead of fresh work) and settles its token estimate to the reported usage. A
 * retryable failure (`failure.retryable`) is asked again after what the server asked to wait, else an
 * exponential back-off with jitter, never more than `maxWaitMs`; the slot is free while it waits. A
 * 429 slows the whole endpoint (the limiter halves its concurrency and pauses new starts), successes
 * grow it back. Retries and waits are counted; the result's meta says how many retries it took.
 */
export function withRetries(inner: ChatModel, options: RetryOptions): ChatModel {
  const { limiter, stats } = options;
  return {
    provenance: inner.provenance,
    totalsLine: () => inner.totalsLine(),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      const { signal } = callOptions;
      const started = performance.now();
      const estimatedTokens = Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);
      let retries = 0;
      const done = (failure: ChatFailure, last?: ChatResult): ChatResult => {
        const message = options.redactor.apply(retries > 0 ? `${failure.message} (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : failure.message);
        const meta = last && !last.ok ? last.meta : failedMeta(request, failure.reason, { latencyMs: performance.now() - started });
        // Past the retry loop a failure is the record's (kind, reason, message): whether to retry is decided.
        return { ok: false, failure: { kind: failure.kind, reason: failure.reason, message }, meta: { ...meta, retries } };
      };

      for (;;) {
        let result: ChatResult;
        try {
          result = await limiter.run(
            async (slot) => {
              const attempt = await inner.complete(request, { signal });
              if (attempt.ok) slot.settleTokens(attempt.reply.usage.prompt_tokens + attempt.reply.usage.completion_tokens);
              return attempt;
            },
            { ...(signal ? { signal } : {}), priority: retries > 0 ? 1 : 0, estimatedTokens },
          );
        } catch (error) {
          if (signal?.aborted) return done({ kind: 'transient', reason: 'interrupted', retryable: false, message: 'aborted: the run was interrupted' });
          return done({ kind: 'rejected', reason: 'internal', retryable: false, message: `request failed: ${(error as Error)?.message ?? String(error)}` });
        }
        if (result.ok) {
          limiter.onSuccess();
          return result.meta ? { ...result, meta: { ...result.meta, retries } } : result;
        }

        const failure = result.failure;
        if (failure.status === 429) stats.add(LLM_COUNTERS.rateLimited);
        if (!failure.retryable || retries >= options.retries) return done(failure, result);
        const wait = backoffMs(retries, failure.retryAfterMs, options.maxWaitMs, options.random);
        if (failure.status === 429 && limiter.onRateLimited(wait)) stats.add(LLM_COUNTERS.slowdowns);
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > options.maxWaitMs && !options.capNotice.told) {
          options.capNotice.told = true;
          options.log.info(`server asked to wait ${formatDuration(failure.retryAfterMs)}; waiting ${formatDuration(wait)} (--max-retry-wait; further capped waits are counted, not logged)`);
        }
        try {
          await sleep(wait, signal);
        } catch {
          return done({ kind: 'transient', reason: 'interrupted', retryable: false, message: `not retried: the run was interrupted (${failure.message})` });
        }
        // Counted once the wait is over and the retry goes out: a wait cut short by Ctrl-C, and the retry
        // it was waiting for, did not happen.
        retries++;
        stats.add(LLM_COUNTERS.retries);
        stats.add(LLM_COUNTERS.retryWaitMs, wait);
      }
    },
  };
}
