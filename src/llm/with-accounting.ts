import type { StageStats } from '../core/stats.js';
import { LLM_COUNTERS, countSpend, llmTotalsLine } from './accounting.js';
import type { ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { withCost } from './call-meta.js';
import { costOf, type PriceTable } from './prices.js';

/**
 * Accounting as a layer, outermost, one per stage: every reply counts as a call, a reply that cost
 * nothing this run (`cached`: from the cache or a shared call) as a cache hit, and the tokens and cost
 * of the others as spend. Prices the reply when the price table knows its model (`cost_usd`, cached
 * replies included), and gives a failed call the time the stage waited for it. Its totals line is the
 * `llm: ...` line a stage prints at the end.
 */
export function withAccounting(inner: ChatModel, options: { stats: StageStats; prices?: PriceTable | undefined }): ChatModel {
  const { stats, prices } = options;
  return {
    provenance: inner.provenance,
    totalsLine: () => llmTotalsLine(stats),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      const started = performance.now();
      const result = await inner.complete(request, callOptions);
      if (!result.ok) return { ...result, meta: { ...result.meta, latency_ms: Math.round(performance.now() - started) } };
      stats.add(LLM_COUNTERS.calls);
      if (result.meta === undefined) return result;
      const meta = withCost(result.meta, costOf(prices, request.model, result.reply.usage.prompt_tokens, result.reply.usage.completion_tokens, result.reply.usage.cached_prompt_tokens));
      if (meta.cached) stats.add(LLM_COUNTERS.cacheHits);
      else countSpend(stats, meta);
      return { ...result, meta };
    },
  };
}
