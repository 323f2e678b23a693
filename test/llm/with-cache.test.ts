import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { requestKeys } from '../../src/llm/cache-key.js';
import type { ChatRequest, ChatResult } from '../../src/llm/chat-model.js';
import { mockChatModel, mockFailure, mockReply } from '../../src/llm/mock-chat-model.js';
import { RequestCache } from '../../src/llm/request-cache.js';
import { withCache } from '../../src/llm/with-cache.js';
import { replyMeta } from '../../src/llm/call-meta.js';
import { chatRequest } from '../helpers/chat-model.js';
import { tempDir } from '../helpers/llm.js';

/** A completion body as an endpoint sends it. */
const body = (content: string): string => JSON.stringify({ choices: [{ message: { content }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 3 } });

/** An inner model answering over "HTTP": its results carry the raw body. */
function overHttp(content: (request: ChatRequest) => string) {
  return mockChatModel((request): ChatResult => {
    const reply = mockReply({ content: content(request), usage: { prompt_tokens: 7, completion_tokens: 3 } });
    return { ok: true, reply, meta: replyMeta(request, reply, { latencyMs: 12 }), body: body(content(request)) };
  });
}

function cached(inner: ReturnType<typeof mockChatModel>, dir = tempDir()) {
  return { model: withCache(inner, new RequestCache(dir, silentLogger), requestKeys(undefined)), dir };
}

describe('the cache layer', () => {
  test('stores a reply that came over HTTP and answers the same request from the store, as cached', async () => {
    const inner = overHttp((request) => `reply to ${request.messages[0]!.content}`);
    const { model } = cached(inner);
    const first = await model.complete(chatRequest('q'));
    const second = await model.complete(chatRequest('q'));
    expect(inner.calls).toHaveLength(1);
    expect(first).toMatchObject({ ok: true, meta: { cached: false, latency_ms: 12 } });
    expect(second).toMatchObject({ ok: true, reply: { content: 'reply to q', usage: { prompt_tokens: 7, completion_tokens: 3 } }, meta: { cached: true, retries: 0, prompt_tokens: 7 } });
  });

  test('keys on what an endpoint sees: the subject is not part of the key', async () => {
    const inner = overHttp(() => 'same');
    const { model } = cached(inner);
    await model.complete(chatRequest('q', { subject: { reference: 'one' } }));
    await model.complete(chatRequest('q', { subject: { reference: 'two', candidates: ['a', 'b'] } }));
    await model.complete(chatRequest('q', { attempt: 1 }));
    expect(inner.calls.map((c) => c.request.attempt)).toEqual([0, 1]);
  });

  test('never stores a failure, an answer without a body, or a reply another caller already stored', async () => {
    const failing = mockChatModel(mockFailure({ kind: 'transient', reason: 'http-503', message: 'down' })(chatRequest('q')));
    const { model, dir } = cached(failing);
    await model.complete(chatRequest('q'));
    await model.complete(chatRequest('q'));
    expect(failing.calls).toHaveLength(2);

    const offline = mockChatModel('no body');
    const second = cached(offline, dir).model;
    await second.complete(chatRequest('q'));
    await second.complete(chatRequest('q'));
    expect(offline.calls).toHaveLength(2);

    const joined = mockChatModel((request): ChatResult => {
      const reply = mockReply({ content: 'shared' });
      return { ok: true, reply, meta: replyMeta(request, reply, { latencyMs: 0, cached: true }), body: body('shared') };
    });
    const third = cached(joined, dir).model;
    await third.complete(chatRequest('q'));
    await third.complete(chatRequest('q'));
    expect(joined.calls).toHaveLength(2);
  });

  test('an entry that no longer parses is a miss: asked again and replaced', async () => {
    const dir = tempDir();
    const store = new RequestCache(dir, silentLogger);
    const keyOf = requestKeys(undefined);
    await store.put(keyOf(chatRequest('q')), { body: '{"not": "a completion"}', latency_ms: 1, model: 'test-model', created_at: '' });
    const inner = overHttp(() => 'fresh');
    const model = withCache(inner, store, keyOf);
    expect(await model.complete(chatRequest('q'))).toMatchObject({ ok: true, reply: { content: 'fresh' }, meta: { cached: false } });
    expect(await model.complete(chatRequest('q'))).toMatchObject({ ok: true, reply: { content: 'fresh' }, meta: { cached: true } });
    expect(inner.calls).toHaveLength(1);
  });
});
