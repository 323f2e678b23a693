import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { StageStats } from '../../src/core/stats.js';
import type { ChatFailure, ChatModel } from '../../src/llm/chat-model.js';
import { EndpointLimiter } from '../../src/llm/limiter.js';
import { mockChatModel, mockFailure, type MockAnswer } from '../../src/llm/mock-chat-model.js';
import { withRetries } from '../../src/llm/with-retries.js';
import type { ChatRequest } from '../../src/llm/chat-model.js';
import { chatRequest, memoryLog } from '../helpers/chat-model.js';

const unavailable: ChatFailure = { kind: 'transient', reason: 'http-503', message: 'HTTP 503 from the server: down', retryable: true, status: 503 };
const rateLimited = (retryAfterMs?: number): ChatFailure => ({ kind: 'transient', reason: 'http-429', message: 'HTTP 429 from the server: slow down', retryable: true, status: 429, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
const badRequest: ChatFailure = { kind: 'rejected', reason: 'http-400', message: 'HTTP 400 from the server: too long', retryable: false, status: 400 };

/** Fails with each of `failures` in turn, then answers. */
function flaky(...failures: ChatFailure[]) {
  return mockChatModel((request: ChatRequest, index: number): MockAnswer => (index < failures.length ? mockFailure(failures[index]!)(request) : 'THOUGHT: ok'));
}

function retrying(inner: ChatModel, options: { retries?: number; maxWaitMs?: number; concurrency?: number } = {}) {
  const stats = new StageStats('king');
  const { log, lines } = memoryLog();
  const limiter = new EndpointLimiter({ concurrency: options.concurrency ?? 8 }, log, 'http://test');
  const model = withRetries(inner, { limiter, retries: options.retries ?? 5, maxWaitMs: options.maxWaitMs ?? 2, stats, log, redactor: new Redactor(['secret-key-0042']), capNotice: { told: false }, random: () => 0.5 });
  return { model, stats, lines, limiter };
}

describe('the retry layer', () => {
  test('asks again after retryable failures and says on the reply how many retries it took', async () => {
    const inner = flaky(unavailable, unavailable);
    const { model, stats } = retrying(inner);
    expect(await model.complete(chatRequest())).toMatchObject({ ok: true, reply: { content: 'THOUGHT: ok' }, meta: { retries: 2 } });
    expect(inner.calls).toHaveLength(3);
    expect(stats.get('retries')).toBe(2);
    expect(stats.get('retry_wait_ms')).toBe(4);
  });

  test('is bounded by --retries: the last failure, with how many retries were spent, as the record sees it', async () => {
    const inner = flaky(unavailable, unavailable, unavailable, unavailable);
    const { model } = retrying(inner, { retries: 2 });
    const result = await model.complete(chatRequest());
    expect(inner.calls).toHaveLength(3);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toEqual({ kind: 'transient', reason: 'http-503', message: 'HTTP 503 from the server: down (after 2 retries)' });
    expect(result.meta).toMatchObject({ status: 'http-503', retries: 2 });
  });

  test('does not ask again after a failure that is not retryable', async () => {
    const inner = flaky(badRequest);
    const { model } = retrying(inner);
    expect(await model.complete(chatRequest())).toMatchObject({ ok: false, failure: { kind: 'rejected', reason: 'http-400' } });
    expect(inner.calls).toHaveLength(1);
  });

  test('waits what the server asked, capped, and says so once', async () => {
    const { model, stats, lines } = retrying(flaky(rateLimited(90_000), rateLimited(90_000)), { maxWaitMs: 3 });
    expect((await model.complete(chatRequest())).ok).toBe(true);
    expect(stats.get('retry_wait_ms')).toBe(6);
    expect(lines.filter((line) => line.startsWith('server asked to wait'))).toEqual(['server asked to wait 90s; waiting 0s (--max-retry-wait; further capped waits are counted, not logged)']);
  });

  test('a 429 counts as rate-limited and slows the whole endpoint once per back-off window', async () => {
    const { model, stats, limiter } = retrying(flaky(rateLimited(1), rateLimited(1)), { concurrency: 8 });
    expect((await model.complete(chatRequest())).ok).toBe(true);
    expect(stats.get('rate_limited')).toBe(2);
    expect(stats.get('slowdowns')).toBe(1);
    expect(limiter.concurrency).toBe(4);
  });

  test('each attempt takes a slot of the limiter: attempts in flight never exceed its concurrency', async () => {
    let running = 0;
    let most = 0;
    const inner = mockChatModel(async () => 'unused');
    const slow: ChatModel = {
      ...inner,
      async complete(request) {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return inner.complete(request);
      },
    };
    const { model } = retrying(slow, { concurrency: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => model.complete(chatRequest(`q${i}`))));
    expect(most).toBe(3);
  });

  test('an abort during a wait ends the call as interrupted, naming the failure it would have retried; the cut wait and the unsent retry are not counted', async () => {
    const { model, stats } = retrying(flaky({ ...unavailable, retryAfterMs: 2 }, rateLimited(60_000)), { maxWaitMs: 60_000 });
    const controller = new AbortController();
    const pending = model.complete(chatRequest(), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'interrupted', message: 'not retried: the run was interrupted (HTTP 429 from the server: slow down) (after 1 retry)' }, meta: { retries: 1 } });
    expect([stats.get('retries'), stats.get('retry_wait_ms')]).toEqual([1, 2]);
  });

  test('masks the key in the final message', async () => {
    const { model } = retrying(flaky({ ...badRequest, message: 'HTTP 400: bad key secret-key-0042' }));
    expect(await model.complete(chatRequest())).toMatchObject({ ok: false, failure: { message: 'HTTP 400: bad key [REDACTED]' } });
  });
});
