import { z } from 'zod';
import type { TurnRecord } from '../contract/turn.js';
import { fail } from '../core/outcome.js';
import { flag } from '../core/option-types.js';
import { flagsOf, option } from '../core/option-flags.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { TransformSpec } from '../core/stage-spec.js';
import { ENDPOINT_FLAGS, GENERATION_FLAGS, endpointOptionShape, generationOptionShape } from '../llm/endpoint-options.js';
import { CHALLENGE_PROMPT_VERSION, challengeMessages } from './generate/challenge-prompt.js';
import { openGenerationModel } from './chat-models.js';
import { createGenerationStage } from './generate/generation-stage.js';
import { checkLeak } from './generate/leak-check.js';

const challengeOptionShape = {
  /** Send turns the leak check flags to the errors sink (kind `filtered`, reason `leak`) instead of passing them on. */
  rejectLeaks: option(flag().default(false), {
    flags: '--reject-leaks',
    help: 'reject turns the leak check flags (reason leak) instead of passing them on',
  }),
};

export const ChallengeOptionsSchema = z.object({ ...endpointOptionShape, ...generationOptionShape, ...challengeOptionShape });
export type ChallengeOptions = z.infer<typeof ChallengeOptionsSchema>;

/**
 * `td challenge`: the challenger. Asks the model for the agent's next turn with the hidden pull request
 * beside the history, under the blind-agent rule, and adds it as `challenger` with `leak` (the leak
 * check's verdict) and provenance under `meta.challenger`. A `king` already on the record is untouched.
 */
export function createChallengeStage(options: ChallengeOptions, runtime: StageRuntime): TransformStage<TurnRecord, JsonObject> {
  return createGenerationStage(
    {
      field: 'challenger',
      promptVersion: CHALLENGE_PROMPT_VERSION,
      messages: (record) => challengeMessages(record.messages, record.pr),
      inspect: (record, text, ctx) => {
        const leak = checkLeak(text, record.messages, record.pr);
        if (leak.suspect) ctx.runtime.stats.add('leak.suspect');
        if (leak.suspect && options.rejectLeaks) {
          return { failure: fail('filtered', 'leak', `the challenger names what only the hidden PR shows: ${leak.tokens.join(', ')}`) };
        }
        return { fields: { leak } };
      },
      closingLines: () => {
        const suspects = runtime.stats.get('leak.suspect');
        return suspects > 0 ? [`leak check: ${suspects} challenger turn${suspects === 1 ? '' : 's'} suspect${options.rejectLeaks ? ' (rejected)' : ' (kept, flagged in `leak`)'}`] : [];
      },
    },
    openGenerationModel(runtime, options),
    options,
    runtime,
  );
}

export const challengeSpec: TransformSpec<ChallengeOptions> = {
  kind: 'transform',
  name: 'challenge',
  summary: "add the challenger's next turn (the model also sees the hidden PR, under the blind-agent rule) as `challenger`",
  options: ChallengeOptionsSchema,
  flags: [...GENERATION_FLAGS, ...flagsOf(challengeOptionShape), ...ENDPOINT_FLAGS],
  create: (options, runtime) => createChallengeStage(options, runtime),
};
