import { z } from 'zod';
import { StageMetaSchema } from '../../contract/meta.js';

/** The totals of `meta.<stage>` under the contract's rules; calls are only counted, so they are not parsed one by one. */
const StageUsageSchema = StageMetaSchema.pick({ prompt_tokens: true, completion_tokens: true, reasoning_tokens: true, cost_usd: true }).extend({
  calls: z.array(z.unknown()),
});

/** Stages tracked by name at most (`meta` keys come from the data); further ones are pooled. */
export const MAX_USAGE_STAGES = 32;
export const OTHER_STAGES = '(other stages)';

/** Tokens and cost one stage spent, summed from `meta.<stage>` over all judged turns. */
export interface UsageRow {
  stage: string;
  /** Records that carried a readable `meta.<stage>`. */
  records: number;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  /** Sum of `cost_usd` where present; null when no record had a cost (no price table configured). */
  cost_usd: number | null;
  /** Records whose `meta.<stage>` totals did not match the StageMeta shape (skipped, counted here). */
  unreadable: number;
}

/**
 * Sums usage per stage. Only the data-describing fields are read (never `cached` or `latency_ms`), so
 * the report is the same whether the calls came from the network or the cache.
 */
export class UsageStats {
  private readonly stages = new Map<string, UsageRow>();
  /** `stage: model` of every offline provider (`meta.<stage>.offline: true`) seen, e.g. `king: td/replay`. */
  private readonly offline = new Set<string>();

  observe(meta: Record<string, unknown> | undefined): void {
    if (meta === undefined) return;
    for (const [stage, value] of Object.entries(meta)) {
      const provenance = value as { offline?: unknown; model?: unknown } | null;
      if (provenance?.offline === true && this.offline.size < MAX_USAGE_STAGES) this.offline.add(`${stage}: ${String(provenance.model)}`);
      const name = this.stages.has(stage) || this.stages.size < MAX_USAGE_STAGES ? stage : OTHER_STAGES;
      let row = this.stages.get(name);
      if (!row) {
        row = { stage: name, records: 0, calls: 0, prompt_tokens: 0, completion_tokens: 0, reasoning_tokens: 0, cost_usd: null, unreadable: 0 };
        this.stages.set(name, row);
      }
      const parsed = StageUsageSchema.safeParse(value);
      if (!parsed.success) {
        row.unreadable++;
        continue;
      }
      const usage = parsed.data;
      row.records++;
      row.calls += usage.calls.length;
      row.prompt_tokens += usage.prompt_tokens;
      row.completion_tokens += usage.completion_tokens;
      row.reasoning_tokens += usage.reasoning_tokens ?? 0;
      if (usage.cost_usd !== undefined) row.cost_usd = (row.cost_usd ?? 0) + usage.cost_usd;
    }
  }

  /** Offline providers that wrote turns, as `stage: model`, in the order first seen. */
  offlineProviders(): string[] {
    return [...this.offline];
  }

  /** In the order the stages first appeared: pipeline order for records that went through td. */
  rows(): UsageRow[] {
    return [...this.stages.values()];
  }
}
