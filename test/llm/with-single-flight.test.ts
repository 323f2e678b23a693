import { describe, expect, test } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { requestKeys } from '../../src/llm/cache-key.js';
import type { ChatModel, ChatResult } from '../../src/llm/chat-model.js';
import { mockChatModel } from '../../src/llm/mock-chat-model.js';
import { SignalFanOut } from '../../src/llm/signal-fan-out.js';
import { withSingleFlight, type Flights } from '../../src/llm/with-single-flight.js';
import { chatRequest, deferred } from '../helpers/chat-model.js';

/** An inner model whose answers wait until the test releases them; it records the signal of each call. */
function gated() {
  const gate = deferred();
  const inner = mockChatModel(async () => 'unused');
  const model: ChatModel = {
    ...inner,
    async complete(request, options = {}) {
      inner.calls.push({ request, signal: options.signal });
      await Promise.race([gate.promise, new Promise((resolve) => options.signal?.addEventListener('abort', resolve))]);
      if (options.signal?.aborted) return { ok: false, failure: { kind: 'transient', reason: 'interrupted', message: 'cut' }, meta: { model: request.model, attempt: 0, prompt_tokens: 0, completion_tokens: 0, status: 'interrupted', cached: false, latency_ms: 0, retries: 0 } };
      return (await mockChatModel('shared answer').complete(request)) as ChatResult;
    },
  };
  return { model, calls: inner.calls, release: () => gate.resolve() };
}

function singleFlight(inner: ChatModel, session = new AbortController()) {
  const flights: Flights = new Map();
  return { flights, session, model: withSingleFlight(inner, { flights, keyOf: requestKeys(undefined), sessionSignal: session.signal, signals: new SignalFanOut(), redactor: new Redactor() }) };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('the single-flight layer', () => {
  test('identical requests in flight at once make one call; joiners get the reply as a cache hit', async () => {
    const inner = gated();
    const { model, flights } = singleFlight(inner.model);
    const pending = [model.complete(chatRequest('same')), model.complete(chatRequest('same')), model.complete(chatRequest('other'))];
    await tick();
    inner.release();
    const results = await Promise.all(pending);
    expect(inner.calls.map((c) => c.request.messages[0]!.content)).toEqual(['same', 'other']);
    expect(results.map((r) => r.ok && `${r.reply.content}:${r.meta?.cached}:${r.meta?.retries}`)).toEqual(['shared answer:false:0', 'shared answer:true:0', 'shared answer:false:0']);
    expect(flights.size).toBe(0);
  });

  test('the call runs under its own signal: the caller that started it may leave, the others still get the reply', async () => {
    const inner = gated();
    const { model } = singleFlight(inner.model);
    const first = new AbortController();
    const pending = [model.complete(chatRequest('same'), { signal: first.signal }), model.complete(chatRequest('same'))];
    await tick();
    first.abort();
    await tick();
    expect(inner.calls[0]!.signal!.aborted).toBe(false);
    inner.release();
    const [left, stayed] = await Promise.all(pending);
    expect(left).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'interrupted' } });
    expect(stayed).toMatchObject({ ok: true, meta: { cached: true } });
  });

  test('the call is aborted when the last caller leaves, and is then no longer joined', async () => {
    const inner = gated();
    const { model, flights } = singleFlight(inner.model);
    const controllers = [new AbortController(), new AbortController()];
    const pending = controllers.map((controller) => model.complete(chatRequest('same'), { signal: controller.signal }));
    await tick();
    for (const controller of controllers) controller.abort();
    const results = await Promise.all(pending);
    expect(results.map((r) => !r.ok && r.failure.reason)).toEqual(['interrupted', 'interrupted']);
    expect(inner.calls[0]!.signal!.aborted).toBe(true);
    expect(flights.size).toBe(0);
    inner.release();
    await model.complete(chatRequest('same'));
    expect(inner.calls).toHaveLength(2);
  });

  test('the session aborting aborts the call', async () => {
    const inner = gated();
    const { model, session } = singleFlight(inner.model);
    const pending = model.complete(chatRequest('same'));
    await tick();
    session.abort();
    expect(await pending).toMatchObject({ ok: false, failure: { reason: 'interrupted' } });
  });

  test('an inner model that throws is a bug reported on the record, redacted, never a rejection', async () => {
    const throwing: ChatModel = { provenance: {}, totalsLine: () => undefined, complete: async () => Promise.reject(new Error('boom with secret-value-123')) };
    const flights: Flights = new Map();
    const redactor = new Redactor(['secret-value-123']);
    const model = withSingleFlight(throwing, { flights, keyOf: requestKeys(undefined), sessionSignal: new AbortController().signal, signals: new SignalFanOut(), redactor });
    expect(await model.complete(chatRequest())).toMatchObject({ ok: false, failure: { kind: 'rejected', reason: 'internal', message: 'request failed unexpectedly: boom with [REDACTED]' }, meta: { status: 'internal' } });
  });
});
