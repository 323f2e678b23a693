import { describe, expect, test } from 'vitest';
import { StageStats } from '../../src/core/stats.js';
import type { ChatResult } from '../../src/llm/chat-model.js';
import { replyMeta } from '../../src/llm/call-meta.js';
import { mockChatModel, mockFailure, mockReply } from '../../src/llm/mock-chat-model.js';
import { withAccounting } from '../../src/llm/with-accounting.js';
import { chatRequest } from '../helpers/chat-model.js';

const usage = { prompt_tokens: 1_000_000, completion_tokens: 500_000, reasoning_tokens: 100 };

describe('the accounting layer', () => {
  test('counts calls, cache hits and the spend of fresh replies only; prices every reply whose model has a price', async () => {
    const inner = mockChatModel((request, index): ChatResult => {
      const reply = mockReply({ content: 'x', usage });
      return { ok: true, reply, meta: replyMeta(request, reply, { latencyMs: 5, cached: index > 0 }) };
    });
    const stats = new StageStats('king');
    const model = withAccounting(inner, { stats, prices: { 'test-model': { prompt: 0.5, completion: 2 } } });
    const fresh = await model.complete(chatRequest('a'));
    const hit = await model.complete(chatRequest('b'));
    expect(fresh.ok && fresh.meta).toEqual({ model: 'test-model', attempt: 0, prompt_tokens: 1_000_000, completion_tokens: 500_000, reasoning_tokens: 100, cost_usd: 1.5, status: 'ok', cached: false, latency_ms: 5, retries: 0 });
    expect(Object.keys(hit.ok ? hit.meta! : {})).toEqual(['model', 'attempt', 'prompt_tokens', 'completion_tokens', 'reasoning_tokens', 'cost_usd', 'status', 'cached', 'latency_ms', 'retries']);
    expect([stats.get('llm.calls'), stats.get('cache.hits'), stats.get('tokens.prompt'), stats.get('tokens.reasoning'), stats.get('cost_usd')]).toEqual([2, 1, 1_000_000, 100, 1.5]);
    expect(model.totalsLine()).toBe('llm: 2 calls (1 cached), 0 requests; tokens 1,000,000 prompt + 500,000 completion (100 reasoning); $1.5000');
  });

  test('a failed call counts no call and carries the time the stage waited for it', async () => {
    const inner = mockChatModel(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return mockFailure({ kind: 'transient', reason: 'http-503', message: 'down' })(request);
    });
    const stats = new StageStats('king');
    const result = await withAccounting(inner, { stats }).complete(chatRequest());
    expect(result.ok).toBe(false);
    expect(result.meta!.latency_ms).toBeGreaterThanOrEqual(25);
    expect(stats.get('llm.calls')).toBe(0);
  });

  test('an answer without a call meta is a call with nothing to price', async () => {
    const stats = new StageStats('judge');
    const model = withAccounting(mockChatModel(() => ({ ok: true, reply: mockReply({ content: '{}' }) })), { stats });
    expect(await model.complete(chatRequest())).toEqual({ ok: true, reply: mockReply({ content: '{}' }) });
    expect(stats.get('llm.calls')).toBe(1);
  });
});
