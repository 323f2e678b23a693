import type { CallMeta, StageMeta } from '../contract/meta.js';
import type { StageStats } from '../core/stats.js';
import { roundUsd } from './prices.js';

/**
 * Names of the counters the LLM layer keeps in a stage's `runtime.stats`, for live progress and the
 * end-of-stage totals. Tokens and cost count what this run spent (network replies), not cache hits.
 */
export const LLM_COUNTERS = {
  /** Replies obtained, from the network or the cache. */
  calls: 'llm.calls',
  /** HTTP requests sent, retries included. */
  requests: 'llm.requests',
  cacheHits: 'cache.hits',
  promptTokens: 'tokens.prompt',
  completionTokens: 'tokens.completion',
  reasoningTokens: 'tokens.reasoning',
  /** Prompt tokens the provider served from its prefix cache. */
  cachedPromptTokens: 'tokens.cached_prompt',
  costUsd: 'cost_usd',
  /** `--max-cost`: the budget, and what the process has spent of it (shared by every stage), when one is set. */
  budgetUsd: 'budget.max_usd',
  budgetSpentUsd: 'budget.spent_usd',
  /** Transport retries, and the milliseconds spent waiting before them. */
  retries: 'retries',
  retryWaitMs: 'retry_wait_ms',
  /** 429 answers, and the times they cut the endpoint's concurrency. */
  rateLimited: 'rate_limited',
  slowdowns: 'slowdowns',
  /** Replies the stage could not use (format, length, reasoning-only, ...): each asked again. */
  malformed: 'malformed',
} as const;

/** `meta.<stage>`: the calls made for one record, with totals over them. */
export function stageMeta(calls: readonly CallMeta[], extra: Record<string, unknown> = {}): StageMeta {
  let prompt = 0;
  let completion = 0;
  let reasoning: number | undefined;
  let cachedPrompt: number | undefined;
  let cost: number | undefined;
  for (const call of calls) {
    prompt += call.prompt_tokens;
    completion += call.completion_tokens;
    if (call.reasoning_tokens !== undefined) reasoning = (reasoning ?? 0) + call.reasoning_tokens;
    if (call.cached_prompt_tokens !== undefined) cachedPrompt = (cachedPrompt ?? 0) + call.cached_prompt_tokens;
    if (call.cost_usd !== undefined) cost = roundUsd((cost ?? 0) + call.cost_usd);
  }
  return {
    ...extra,
    calls: [...calls],
    prompt_tokens: prompt,
    completion_tokens: completion,
    ...(reasoning === undefined ? {} : { reasoning_tokens: reasoning }),
    ...(cachedPrompt === undefined ? {} : { cached_prompt_tokens: cachedPrompt }),
    ...(cost === undefined ? {} : { cost_usd: cost }),
  };
}

/** `1,234,567`. Not `toLocaleString('en-US')`: its first call loads ICU data, 30 ms at the end of every run. */
const int = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * One line for stderr at the end of a stage:
 * `llm: 120 calls (80 cached), 45 requests, 4 retries (12.5s waited), 3 malformed; tokens 1,234 prompt + 567 completion (89 reasoning); $0.0420`
 */
export function llmTotalsLine(stats: StageStats): string {
  const get = (name: string): number => stats.get(name);
  const c = LLM_COUNTERS;
  const parts = [`${int(get(c.calls))} calls (${int(get(c.cacheHits))} cached)`, `${int(get(c.requests))} requests`];
  if (get(c.retries) > 0) parts.push(`${int(get(c.retries))} retries (${(get(c.retryWaitMs) / 1000).toFixed(1)}s waited)`);
  if (get(c.rateLimited) > 0) parts.push(`${int(get(c.rateLimited))} rate-limited (${int(get(c.slowdowns))} slow-downs)`);
  if (get(c.malformed) > 0) parts.push(`${int(get(c.malformed))} malformed`);
  const reasoning = get(c.reasoningTokens) > 0 ? ` (${int(get(c.reasoningTokens))} reasoning)` : '';
  const cachedPrompt = get(c.cachedPromptTokens) > 0 ? ` (${int(get(c.cachedPromptTokens))} cached by the provider)` : '';
  let line = `llm: ${parts.join(', ')}; tokens ${int(get(c.promptTokens))} prompt${cachedPrompt} + ${int(get(c.completionTokens))} completion${reasoning}`;
  if (stats.counters.has(c.costUsd)) line += `; $${get(c.costUsd).toFixed(4)}`;
  if (stats.counters.has(c.budgetUsd)) line += ` (process: $${get(c.budgetSpentUsd).toFixed(4)} of the $${get(c.budgetUsd).toFixed(2)} budget)`;
  return line;
}

export function countSpend(stats: StageStats, meta: CallMeta): void {
  stats.add(LLM_COUNTERS.promptTokens, meta.prompt_tokens);
  stats.add(LLM_COUNTERS.completionTokens, meta.completion_tokens);
  if (meta.reasoning_tokens !== undefined) stats.add(LLM_COUNTERS.reasoningTokens, meta.reasoning_tokens);
  if (meta.cached_prompt_tokens !== undefined) stats.add(LLM_COUNTERS.cachedPromptTokens, meta.cached_prompt_tokens);
  if (meta.cost_usd !== undefined) stats.add(LLM_COUNTERS.costUsd, meta.cost_usd);
}
