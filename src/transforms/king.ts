import { z } from 'zod';
import { TurnRecordSchema, type TurnRecord } from '../contract/turn.js';
import { fail, ok } from '../core/outcome.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import { text } from '../core/option-types.js';
import type { TransformSpec } from '../core/stage-spec.js';
import { stageMeta } from '../llm/accounting.js';
import { ENDPOINT_FLAGS, GENERATION_FLAGS, endpointOptionShape, generationOptionShape } from '../llm/endpoint-options.js';
import { readExcludeList } from '../core/exclude-list.js';
import { generateTurn, stageConcurrency } from './generate/generate.js';
import { openTurnProvider } from './generate/turn-provider.js';
import { KING_PROMPT_VERSION, kingMessages } from './generate/king-prompt.js';

export const KingOptionsSchema = z.object({
  ...endpointOptionShape,
  ...generationOptionShape,
  /** File of instance ids to skip (one per line, `#` comments); skipped records go to the errors sink as `excluded`. */
  exclude: text().optional(),
});
export type KingOptions = z.infer<typeof KingOptionsSchema>;

/**
 * `td king`: the blind king. Asks the model for the agent's next turn from the chat history alone and
 * adds it as `king`, with provenance under `meta.king`. Other fields (a `challenger`, other `meta.*`)
 * pass through untouched.
 */
export function createKingStage(options: KingOptions, runtime: StageRuntime): TransformStage<TurnRecord, JsonObject> {
  const excluded = options.exclude === undefined ? new Set<string>() : readExcludeList(options.exclude);
  const llm = openTurnProvider(runtime, options);
  return {
    input: TurnRecordSchema,
    // Records in progress exceed requests in flight, so cache reads and writes overlap the requests: the
    // endpoint limiter, not the stage, bounds what is in flight at the server.
    recordsInFlight: stageConcurrency(options.concurrency),
    run: async (record, ctx) => {
      if (excluded.has(record.instance_id)) return fail('filtered', 'excluded', `instance ${record.instance_id} is listed in ${options.exclude}`);
      // Only the history goes in: kingMessages never sees the record, so nothing from `pr` can reach the request.
      // The reference turn goes only to an offline provider (td/replay answers with it); an endpoint never sees it.
      const prompt = { messages: kingMessages(record.messages), promptVersion: KING_PROMPT_VERSION, reference: llm.offline ? record.assistant : undefined };
      const generated = await generateTurn(llm, prompt, options, { signal: ctx.signal, stats: ctx.runtime.stats });
      if (!generated.ok) return { ok: false, failure: generated.failure };
      const meta = { ...(record.meta ?? {}), king: stageMeta(generated.calls, { model: options.model, prompt_version: KING_PROMPT_VERSION, ...(llm.offline ? { offline: true } : {}) }) };
      return ok({ ...record, king: generated.text, meta });
    },
    close: () => {
      if (runtime.stats.in > 0) runtime.log.info(llm.totalsLine());
    },
  };
}

export const kingSpec: TransformSpec<KingOptions> = {
  kind: 'transform',
  name: 'king',
  summary: "add the blind king's next turn (the model sees the chat history only) as `king`",
  options: KingOptionsSchema,
  flags: [...GENERATION_FLAGS, { key: 'exclude', flags: '--exclude <file>', description: 'skip the instance ids listed in FILE (one per line)' }, ...ENDPOINT_FLAGS],
  create: (options, runtime) => createKingStage(options, runtime),
};
