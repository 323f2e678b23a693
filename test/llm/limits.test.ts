import { afterEach, describe, expect, test, vi } from 'vitest';
import { LLM_COUNTERS } from '../../src/llm/accounting.js';
import { TokenWindow } from '../../src/llm/token-window.js';
import { replies, scripts, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { ask, llmFor } from '../helpers/llm.js';
import { testSession } from '../helpers/session.js';

let server: ChatServer;
afterEach(async () => server?.close());

describe('limits', () => {
  test('requests in flight never exceed --concurrency, and reach it', async () => {
    server = await startChatServer({ latencyMs: 20 });
    const { llm } = llmFor(server, { concurrency: 4 });
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => ask(llm, `q${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.maxInFlight).toBe(4);
  });

  test('the limit is shared by every stage of a session on the same endpoint and key', async () => {
    server = await startChatServer({ latencyMs: 20 });
    const king = testSession({ stage: 'king' });
    const challenger = { ...king, runtime: king.session.forStage('challenge') };
    const a = llmFor(server, { concurrency: 3 }, king).llm;
    const b = llmFor(server, { concurrency: 3 }, challenger).llm;
    await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? a : b, `q${i}`)));
    expect(a.limiter).toBe(b.limiter);
    expect(server.maxInFlight).toBe(3);
  });

  test('identical requests in flight at once make one call (single flight)', async () => {
    server = await startChatServer({ latencyMs: 30 });
    const { llm, t } = llmFor(server);
    const results = await Promise.all([ask(llm, 'same'), ask(llm, 'same'), ask(llm, 'same'), ask(llm, 'other')]);
    expect(server.chatRequests()).toHaveLength(2);
    expect(results.map((r) => r.ok && r.reply.content)).toEqual([...Array(3).fill(results[0]!.ok && results[0]!.reply.content), results[3]!.ok && results[3]!.reply.content]);
    expect(results.map((r) => r.meta?.cached)).toEqual([false, true, true, false]);
    expect(t.runtime.stats.get(LLM_COUNTERS.cacheHits)).toBe(2);
  });

  test('a joiner of a shared call is not failed when the caller that started it gives up', async () => {
    server = await startChatServer({ latencyMs: 150 });
    const { llm } = llmFor(server);
    const first = new AbortController();
    const second = new AbortController();
    const pending = [ask(llm, 'same', {}, first.signal), ask(llm, 'same', {}, second.signal)];
    while (server.chatRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    first.abort();
    const [left, stayed] = await Promise.all(pending);
    expect(left).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'interrupted' } });
    expect(stayed).toMatchObject({ ok: true, meta: { cached: true } });
    expect(server.chatRequests()).toHaveLength(1);
  });

  test('a shared call is aborted once every caller gave up, and a later identical request makes a new call', async () => {
    server = await startChatServer({ script: scripts.sequence([{ fault: 'hang' }, replies.bash('done', 'ls')]) });
    const { llm } = llmFor(server);
    const controllers = [new AbortController(), new AbortController()];
    const pending = controllers.map((controller) => ask(llm, 'same', {}, controller.signal));
    while (server.chatRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const controller of controllers) controller.abort();
    const results = await Promise.all(pending);
    expect(results.map((r) => !r.ok && `${r.failure.kind}:${r.failure.reason}`)).toEqual(['transient:interrupted', 'transient:interrupted']);
    while (server.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await ask(llm, 'same')).toMatchObject({ ok: true, meta: { cached: false } });
    expect(server.chatRequests()).toHaveLength(2);
  });

  test('aborting the signal ends calls in flight and calls waiting for a slot as interrupted', async () => {
    server = await startChatServer({ script: () => ({ fault: 'hang' }) });
    const { llm } = llmFor(server, { concurrency: 1 });
    const controller = new AbortController();
    const pending = [ask(llm, 'a', {}, controller.signal), ask(llm, 'b', {}, controller.signal)];
    while (server.chatRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const results = await Promise.all(pending);
    expect(results.map((r) => !r.ok && r.failure.kind + ':' + r.failure.reason)).toEqual(['transient:interrupted', 'transient:interrupted']);
    expect(server.chatRequests()).toHaveLength(1);
    while (server.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  });

  test('--rpm holds requests beyond the per-minute budget', async () => {
    server = await startChatServer();
    const { llm } = llmFor(server, { rpm: 2 });
    await Promise.all([ask(llm, 'a'), ask(llm, 'b')]);
    const controller = new AbortController();
    const third = ask(llm, 'c', {}, controller.signal);
    const raced = await Promise.race([third.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('held'), 150))]);
    expect(raced).toBe('held');
    expect(server.chatRequests()).toHaveLength(2);
    controller.abort();
    expect(await third).toMatchObject({ ok: false, failure: { reason: 'interrupted' } });
  });
});

describe('token window (--tpm)', () => {
  test('admits calls while the minute has room, then waits for the oldest spend to expire', async () => {
    vi.useFakeTimers();
    try {
      const window = new TokenWindow(100);
      const first = await window.reserve(60);
      window.settle(first, 70);
      let admitted = false;
      const second = window.reserve(40).then(() => (admitted = true));
      await vi.advanceTimersByTimeAsync(59_000);
      expect(admitted).toBe(false);
      await vi.advanceTimersByTimeAsync(1_100);
      await second;
      expect(admitted).toBe(true);
      expect(window.used()).toBe(40);
    } finally {
      vi.useRealTimers();
    }
  });

  test('an empty window admits one call larger than the limit', async () => {
    const window = new TokenWindow(10, () => 0);
    await window.reserve(500);
    expect(window.used()).toBe(500);
  });
});
