import { z } from 'zod';

/**
 * Provenance of one model call, as the LLM stages record it under `meta.<stage>.calls`.
 * `cached`, `latency_ms` and `retries` describe this run rather than the data: they are volatile
 * (a resumed or cached run differs there and only there), and the report's data files drop them.
 */
export const CallMetaSchema = z.looseObject({
  model: z.string(),
  /** 0-based attempt index: a malformed reply is asked again as a new request. */
  attempt: z.number().int().min(0),
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  reasoning_tokens: z.number().int().min(0).optional(),
  /** Prompt tokens the provider served from its prefix cache (part of `prompt_tokens`), when it reports them. */
  cached_prompt_tokens: z.number().int().min(0).optional(),
  /** From the price table, when one is configured. */
  cost_usd: z.number().min(0).optional(),
  /** Outcome of this attempt: `ok`, or why the reply was unusable (`format`, `length`, `empty`, ...). */
  status: z.string().optional(),
  cached: z.boolean(),
  latency_ms: z.number().min(0),
  /** Transport-level retries (429/5xx/connection) spent inside this call. */
  retries: z.number().int().min(0).optional(),
});
export type CallMeta = z.infer<typeof CallMetaSchema>;

/** `meta.<stage>`: the calls a stage made for this record, with totals. */
export const StageMetaSchema = z.looseObject({
  model: z.string().optional(),
  calls: z.array(CallMetaSchema),
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  reasoning_tokens: z.number().int().min(0).optional(),
  cached_prompt_tokens: z.number().int().min(0).optional(),
  cost_usd: z.number().min(0).optional(),
});
export type StageMeta = z.infer<typeof StageMetaSchema>;

/** Keys of a call's provenance that describe the run, not the data. */
export const VOLATILE_CALL_KEYS = ['cached', 'latency_ms', 'retries'] as const;

/**
 * A copy of `record` without the volatile call fields under `meta.*.calls[*]`, so that the same data
 * gives the same bytes whether it came from the network, the cache, or a resumed run. Every other key
 * is kept, in its order: copies are built by spreading and `Object.fromEntries` (which define keys),
 * never by assignment, which would turn a `__proto__` key of the data into the copy's prototype.
 */
export function withoutVolatile<R extends Record<string, unknown>>(record: R): R {
  const meta = record.meta;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return record;
  const cleanMeta = Object.fromEntries(Object.entries(meta as Record<string, unknown>).map(([stage, value]) => [stage, stripCalls(value)]));
  return { ...record, meta: cleanMeta };
}

function stripCalls(stageMeta: unknown): unknown {
  if (stageMeta === null || typeof stageMeta !== 'object' || !Array.isArray((stageMeta as { calls?: unknown }).calls)) return stageMeta;
  const calls = (stageMeta as { calls: unknown[] }).calls.map((call) => {
    if (call === null || typeof call !== 'object') return call;
    const copy = { ...(call as Record<string, unknown>) };
    for (const key of VOLATILE_CALL_KEYS) delete copy[key];
    return copy;
  });
  return { ...(stageMeta as Record<string, unknown>), calls };
}
