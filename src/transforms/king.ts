import { z } from 'zod';
import type { TurnRecord } from '../contract/turn.js';
import { fail } from '../core/outcome.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import { text } from '../core/option-types.js';
import { flagsOf, option } from '../core/option-flags.js';
import type { TransformSpec } from '../core/stage-spec.js';
import { ENDPOINT_FLAGS, GENERATION_FLAGS, endpointOptionShape, generationOptionShape } from '../llm/endpoint-options.js';
import { readExcludeList } from '../core/exclude-list.js';
import { openGenerationModel } from './chat-models.js';
import { createGenerationStage } from './generate/generation-stage.js';
import { KING_PROMPT_VERSION, kingMessages } from './generate/king-prompt.js';

const kingOptionShape = {
  /** File of instance ids to skip (one per line, `#` comments); skipped records go to the errors sink as `excluded`. */
  exclude: option(text().optional(), { flags: '--exclude <file>', help: 'skip the instance ids listed in FILE (one per line)' }),
};

export const KingOptionsSchema = z.object({ ...endpointOptionShape, ...generationOptionShape, ...kingOptionShape });
export type KingOptions = z.infer<typeof KingOptionsSchema>;

/**
 * `td king`: the blind king. Asks the model for the agent's next turn from the chat history alone and
 * adds it as `king`, with provenance under `meta.king`. Other fields (a `challenger`, other `meta.*`)
 * pass through untouched.
 */
export function createKingStage(options: KingOptions, runtime: StageRuntime): TransformStage<TurnRecord, JsonObject> {
  const excluded = options.exclude === undefined ? new Set<string>() : readExcludeList(options.exclude);
  return createGenerationStage(
    {
      field: 'king',
      promptVersion: KING_PROMPT_VERSION,
      // Only the history goes in: kingMessages never sees the record, so nothing from `pr` can reach the request.
      messages: (record) => kingMessages(record.messages),
      skip: (record) => (excluded.has(record.instance_id) ? fail('filtered', 'excluded', `instance ${record.instance_id} is listed in ${options.exclude}`) : undefined),
    },
    openGenerationModel(runtime, options),
    options,
    runtime,
  );
}

export const kingSpec: TransformSpec<KingOptions> = {
  kind: 'transform',
  name: 'king',
  summary: "add the blind king's next turn (the model sees the chat history only) as `king`",
  options: KingOptionsSchema,
  flags: [...GENERATION_FLAGS, ...flagsOf(kingOptionShape), ...ENDPOINT_FLAGS],
  create: (options, runtime) => createKingStage(options, runtime),
};
