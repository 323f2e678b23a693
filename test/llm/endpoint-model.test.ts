import { afterEach, describe, expect, test } from 'vitest';
import { cacheKey, canonicalRequest } from '../../src/llm/cache-key.js';
import type { ChatRequest } from '../../src/llm/chat-model.js';
import { failureKind } from '../../src/llm/endpoint-model.js';
import { createNodeFetch } from '../../src/llm/node-fetch.js';
import { loadOpenAI } from '../../src/llm/openai-module.js';
import { attemptOnce } from '../../src/llm/transport.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { ask, llmFor, tempDir } from '../helpers/llm.js';

let server: ChatServer;
afterEach(async () => server?.close());

const SUBJECT = { history: [{ role: 'user' as const, content: 'SUBJECT-HISTORY-7f3a' }], reference: 'SUBJECT-REFERENCE-7f3a', candidates: ['SUBJECT-A-7f3a', 'SUBJECT-B-7f3a'] as const };

describe('the endpoint', () => {
  test('never sends the subject: the body is the parameters, the model and the messages (role and content) only', async () => {
    server = await startChatServer();
    const { llm } = llmFor(server);
    const messages = [{ role: 'user', content: 'q', name: 'extra-field' }] as unknown as ChatRequest['messages'];
    await ask(llm, 'q', { messages, params: { max_tokens: 5 }, subject: SUBJECT });
    const [request] = server.chatRequests();
    expect(request!.body).toEqual({ max_tokens: 5, model: 'test-model', messages: [{ role: 'user', content: 'q' }] });
    expect(request!.text).not.toContain('7f3a');
  });

  test('keys the cache without the subject: a request with another subject is answered from the cache', async () => {
    server = await startChatServer();
    const cache = tempDir();
    await ask(llmFor(server, { cache }).llm, 'q', { subject: SUBJECT });
    const again = await ask(llmFor(server, { cache }).llm, 'q', { subject: { reference: 'something else' } });
    expect(again).toMatchObject({ ok: true, meta: { cached: true } });
    expect(server.chatRequests()).toHaveLength(1);
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'q' }], promptVersion: 'v/1', attempt: 0 };
    expect(cacheKey(canonicalRequest({ ...base, subject: SUBJECT }, undefined))).toBe(cacheKey(canonicalRequest(base, undefined)));
  });

  test('failure kinds: a bad request and a bug are rejected, a refused key is config, the rest transient', () => {
    expect([400, 413, 422].map((status) => failureKind({ reason: `http-${status}`, status }))).toEqual(['rejected', 'rejected', 'rejected']);
    expect([401, 402, 403].map((status) => failureKind({ reason: `http-${status}`, status }))).toEqual(['config', 'config', 'config']);
    expect([404, 408, 429, 500, 503].map((status) => failureKind({ reason: `http-${status}`, status }))).toEqual(Array(5).fill('transient'));
    expect(failureKind({ reason: 'internal' })).toBe('rejected');
    expect(failureKind({ reason: 'timeout' })).toBe('transient');
  });
});

describe('an attempt whose signal aborted before it began', () => {
  test('is interrupted at once, without a request (it would otherwise wait for --timeout)', async () => {
    server = await startChatServer({ script: () => ({ fault: 'hang' }) });
    const transport = createNodeFetch();
    const { default: OpenAI } = await loadOpenAI();
    const client = new OpenAI({ apiKey: 'k-123456', baseURL: server.url, maxRetries: 0, fetch: transport.fetch });
    const controller = new AbortController();
    controller.abort();
    const result = await attemptOnce(client, { model: 'm', messages: [] }, { timeoutMs: 30_000, signal: controller.signal });
    transport.close();
    expect(result).toMatchObject({ ok: false, failure: { reason: 'interrupted' } });
    expect(server.chatRequests()).toHaveLength(0);
  });
});
