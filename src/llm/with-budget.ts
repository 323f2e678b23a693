import type { StageStats } from '../core/stats.js';
import { LLM_COUNTERS } from './accounting.js';
import { failedMeta } from './call-meta.js';
import type { CallOptions, ChatModel, ChatRequest, ChatResult } from './chat-model.js';
import { costOf, roundUsd, type PriceTable } from './prices.js';

/** The failure reason of a call refused because the cost budget is spent (kind `transient`: a rerun with a larger budget resumes). */
export const BUDGET_REASON = 'budget';

/** `--max-cost`: what a process may spend on model calls, shared by every stage of it (one per session). */
export class CostBudget {
  private spent = 0;

  constructor(readonly maxUsd: number) {}

  get spentUsd(): number {
    return this.spent;
  }

  /** Whether no new call may start: the spend reached the budget. */
  get spentOut(): boolean {
    return this.spent >= this.maxUsd;
  }

  charge(usd: number): void {
    this.spent = roundUsd(this.spent + usd);
  }
}

/**
 * The cost budget as a layer, inside the request cache (a reply the cache holds costs nothing and is
 * always served) and inside the retry loop, so a call is admitted when it holds an endpoint slot (what
 * is spent past the budget is bounded by the calls in flight, at most `--concurrency`), and a call once
 * admitted finishes, its retries included. Once the process has spent its budget, no new call starts:
 * the call fails `transient` with reason `budget` (not retryable), so the record is not written and a
 * rerun with a larger `--max-cost` resumes from the cache. Each reply is charged at the price table's
 * price, provider-cached prompt tokens at theirs; the stage's stats carry the budget and the process's
 * spend for progress.
 */
export function withBudget(inner: ChatModel, options: { budget: CostBudget; prices: PriceTable; stats: StageStats }): ChatModel {
  const { budget, prices, stats } = options;
  stats.counters.set(LLM_COUNTERS.budgetUsd, budget.maxUsd);
  stats.counters.set(LLM_COUNTERS.budgetSpentUsd, budget.spentUsd);
  // Requests admitted before the budget ran out: their retries (the same request object) still run.
  const admitted = new WeakSet<ChatRequest>();
  return {
    provenance: inner.provenance,
    totalsLine: () => inner.totalsLine(),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      if (budget.spentOut && !admitted.has(request)) {
        const message = `the --max-cost budget of $${budget.maxUsd} is spent ($${budget.spentUsd.toFixed(4)}): no new call starts; rerun with a larger --max-cost to resume from the cache`;
        return { ok: false, failure: { kind: 'transient', reason: BUDGET_REASON, message, retryable: false }, meta: failedMeta(request, BUDGET_REASON, { latencyMs: 0 }) };
      }
      admitted.add(request);
      const result = await inner.complete(request, callOptions);
      if (result.ok) {
        const { usage } = result.reply;
        budget.charge(costOf(prices, request.model, usage.prompt_tokens, usage.completion_tokens, usage.cached_prompt_tokens) ?? 0);
        stats.counters.set(LLM_COUNTERS.budgetSpentUsd, budget.spentUsd);
      }
      return result;
    },
  };
}
