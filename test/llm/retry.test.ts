import { afterEach, describe, expect, test } from 'vitest';
import { LLM_COUNTERS } from '../../src/llm/accounting.js';
import { replies, scripts, startChatServer, type ChatServer, type ScriptedReply } from '../helpers/chat-server.js';
import { ask, llmFor } from '../helpers/llm.js';

let server: ChatServer;
afterEach(async () => server?.close());

async function failureFor(reply: ScriptedReply, values: Record<string, unknown> = {}) {
  server = await startChatServer({ script: () => reply });
  const { llm, t } = llmFor(server, { retries: 0, ...values });
  const result = await ask(llm);
  if (result.ok) throw new Error('expected a failure');
  return { failure: result.failure, meta: result.meta, requests: server.chatRequests().length, t };
}

describe('transport failures, by status code and error class', () => {
  test.each<[string, ScriptedReply, string]>([
    ['429', { fault: 'rate-limit', retryAfter: 0 }, 'http-429'],
    ['500', { fault: 'status', status: 500 }, 'http-500'],
    ['503', { fault: 'status', status: 503 }, 'http-503'],
    ['408', { fault: 'status', status: 408 }, 'http-408'],
    ['409', { fault: 'status', status: 409 }, 'http-409'],
    ['a connection reset', { fault: 'reset' }, 'connection'],
    ['an invalid JSON body', { fault: 'invalid-json' }, 'invalid-body'],
    ['a body cut off mid-way', { fault: 'truncated' }, 'truncated-body'],
    ['a 200 that is not a chat completion', { fault: 'status', status: 200, body: '{"error": {"message": "upstream down"}}' }, 'invalid-body'],
  ])('%s is transient and retryable (%s)', async (_name, reply, reason) => {
    const { failure, meta } = await failureFor(reply);
    expect(failure).toMatchObject({ kind: 'transient', reason });
    expect(meta).toMatchObject({ status: reason, retries: 0, cached: false, prompt_tokens: 0 });
  });

  test('a reply slower than --timeout is a transient timeout', async () => {
    const { failure } = await failureFor({ fault: 'hang' }, { timeout: 0.2 });
    expect(failure).toEqual({ kind: 'transient', reason: 'timeout', message: 'no complete reply within 0.2s (--timeout)' });
  });

  test('a 400 is rejected at once: asking again would not help', async () => {
    server = await startChatServer({ script: () => ({ fault: 'status', status: 400, body: '{"error": {"message": "context too long"}}' }) });
    const { llm } = llmFor(server, { retries: 3 });
    const result = await ask(llm);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'rejected', reason: 'http-400' } });
    expect(server.chatRequests()).toHaveLength(1);
  });

  test.each([404, 405])('a %i is transient but not retried', async (status) => {
    server = await startChatServer({ script: () => ({ fault: 'status', status }) });
    const { llm } = llmFor(server, { retries: 3 });
    expect(await ask(llm)).toMatchObject({ ok: false, failure: { kind: 'transient', reason: `http-${status}` } });
    expect(server.chatRequests()).toHaveLength(1);
  });

  test.each([402, 403])('a %i (balance, permission) is a configuration failure, not retried', async (status) => {
    server = await startChatServer({ script: () => ({ fault: 'status', status }) });
    const { llm } = llmFor(server, { retries: 3 });
    expect(await ask(llm)).toMatchObject({ ok: false, failure: { kind: 'config', reason: `http-${status}` } });
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('a refused key (401) is a configuration failure and stops further requests to the endpoint', async () => {
    server = await startChatServer({ apiKey: 'the-right-key' });
    const { llm, t } = llmFor(server, { retries: 3 });
    const first = await ask(llm, 'a');
    const second = await ask(llm, 'b');
    expect(first).toMatchObject({ ok: false, failure: { kind: 'config', reason: 'http-401' } });
    expect(second).toMatchObject({ ok: false, failure: { kind: 'config', reason: 'http-401' } });
    expect(server.chatRequests()).toHaveLength(1);
    expect(t.logs.filter((line) => line.includes('refused the account of the key in CHUTES_API_KEY (HTTP 401)'))).toHaveLength(1);
  });
});

describe('retries', () => {
  test('are bounded: a server that always fails gets 1 + --retries requests, then a transient failure', async () => {
    server = await startChatServer({ script: () => ({ fault: 'status', status: 503 }) });
    const { llm, t } = llmFor(server, { retries: 4 });
    const result = await ask(llm);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'http-503' }, meta: { retries: 4 } });
    expect(result.ok ? '' : result.failure.message).toMatch(/\(after 4 retries\)$/);
    expect(server.chatRequests()).toHaveLength(5);
    expect(t.runtime.stats.get(LLM_COUNTERS.retries)).toBe(4);
    expect(t.runtime.stats.get(LLM_COUNTERS.requests)).toBe(5);
  });

  test('recover from every kind of fault and count the retries on the call', async () => {
    const faults: ScriptedReply[] = [{ fault: 'rate-limit', retryAfter: 0 }, { fault: 'status', status: 500 }, { fault: 'reset' }, { fault: 'invalid-json' }, { fault: 'truncated' }];
    server = await startChatServer({ script: scripts.sequence([...faults, replies.bash('ok', 'ls')]) });
    const { llm } = llmFor(server, { retries: 5 });
    const result = await ask(llm);
    expect(result).toMatchObject({ ok: true, reply: { content: 'THOUGHT: ok\n\n```bash\nls\n```' }, meta: { retries: 5, status: 'ok', cached: false } });
  });

  test('honour Retry-After but never wait longer than --max-retry-wait, and say so', async () => {
    server = await startChatServer({ script: scripts.sequence([{ fault: 'rate-limit', retryAfter: 90 }, replies.bash('ok', 'ls')]) });
    const { llm, t } = llmFor(server, { retries: 2, maxRetryWait: 0.05 });
    expect((await ask(llm)).ok).toBe(true);
    expect(t.runtime.stats.get(LLM_COUNTERS.retryWaitMs)).toBe(50);
    expect(t.logs).toContain('server asked to wait 90s; waiting 0.05s (--max-retry-wait; further capped waits are counted, not logged)');
  });

  test('honour retry-after-ms below the cap exactly', async () => {
    server = await startChatServer({ script: scripts.sequence([{ fault: 'rate-limit', retryAfterMs: 30, retryAfter: 5 }, replies.bash('ok', 'ls')]) });
    const { llm, t } = llmFor(server, { retries: 2, maxRetryWait: 10 });
    expect((await ask(llm)).ok).toBe(true);
    expect(t.runtime.stats.get(LLM_COUNTERS.retryWaitMs)).toBe(30);
  });

  test('a 429 slows the whole endpoint: its concurrency halves, and grows back with successes', async () => {
    server = await startChatServer({ script: scripts.sequence([{ fault: 'rate-limit', retryAfterMs: 1 }, replies.bash('ok', 'ls')]) });
    const { llm, t } = llmFor(server, { concurrency: 8, retries: 2 });
    expect((await ask(llm, 'first')).ok).toBe(true);
    expect(llm.limiter.concurrency).toBe(4);
    expect(t.runtime.stats.get(LLM_COUNTERS.slowdowns)).toBe(1);
    expect(t.logs.some((line) => line.includes('rate limited (429): 8 -> 4 requests in flight'))).toBe(true);
    for (let i = 0; i < 4; i++) await ask(llm, `more ${i}`);
    expect(llm.limiter.concurrency).toBe(5);
  });
});
