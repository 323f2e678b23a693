import { z } from 'zod';
import { TurnRecordSchema, type TurnRecord } from '../contract/turn.js';
import { fail, ok } from '../core/outcome.js';
import { flag } from '../core/option-types.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { TransformSpec } from '../core/stage-spec.js';
import { stageMeta } from '../llm/accounting.js';
import { ENDPOINT_FLAGS, GENERATION_FLAGS, endpointOptionShape, generationOptionShape } from '../llm/endpoint-options.js';
import { CHALLENGE_PROMPT_VERSION, challengeMessages } from './generate/challenge-prompt.js';
import { generateTurn, stageConcurrency } from './generate/generate.js';
import { openTurnProvider } from './generate/turn-provider.js';
import { checkLeak } from './generate/leak-check.js';

export const ChallengeOptionsSchema = z.object({
  ...endpointOptionShape,
  ...generationOptionShape,
  /** Send turns the leak check flags to the errors sink (kind `filtered`, reason `leak`) instead of passing them on. @default false */
  rejectLeaks: flag().default(false),
});
export type ChallengeOptions = z.infer<typeof ChallengeOptionsSchema>;

/**
 * `td challenge`: the challenger. Asks the model for the agent's next turn with the hidden pull request
 * beside the history, under the blind-agent rule, and adds it as `challenger` with `leak` (the leak
 * check's verdict) and provenance under `meta.challenger`. A `king` already on the record is untouched.
 */
export function createChallengeStage(options: ChallengeOptions, runtime: StageRuntime): TransformStage<TurnRecord, JsonObject> {
  const llm = openTurnProvider(runtime, options);
  return {
    input: TurnRecordSchema,
    // Records in progress exceed requests in flight, so cache reads and writes overlap the requests: the
    // endpoint limiter, not the stage, bounds what is in flight at the server.
    recordsInFlight: stageConcurrency(options.concurrency),
    run: async (record, ctx) => {
      const messages = challengeMessages(record.messages, record.pr);
      // The reference turn goes only to an offline provider (td/repair answers with it); an endpoint never sees it.
      const prompt = { messages, promptVersion: CHALLENGE_PROMPT_VERSION, reference: llm.offline ? record.assistant : undefined };
      const generated = await generateTurn(llm, prompt, options, { signal: ctx.signal, stats: ctx.runtime.stats });
      if (!generated.ok) return { ok: false, failure: generated.failure };
      const leak = checkLeak(generated.text, record.messages, record.pr);
      if (leak.suspect) ctx.runtime.stats.add('leak.suspect');
      if (leak.suspect && options.rejectLeaks) {
        return fail('filtered', 'leak', `the challenger names what only the hidden PR shows: ${leak.tokens.join(', ')}`);
      }
      const meta = { ...(record.meta ?? {}), challenger: stageMeta(generated.calls, { model: options.model, prompt_version: CHALLENGE_PROMPT_VERSION, ...(llm.offline ? { offline: true } : {}) }) };
      return ok({ ...record, challenger: generated.text, leak, meta });
    },
    close: () => {
      if (runtime.stats.in === 0) return;
      runtime.log.info(llm.totalsLine());
      const suspects = runtime.stats.get('leak.suspect');
      if (suspects > 0) runtime.log.info(`leak check: ${suspects} challenger turn${suspects === 1 ? '' : 's'} suspect${options.rejectLeaks ? ' (rejected)' : ' (kept, flagged in `leak`)'}`);
    },
  };
}

export const challengeSpec: TransformSpec<ChallengeOptions> = {
  kind: 'transform',
  name: 'challenge',
  summary: "add the challenger's next turn (the model also sees the hidden PR, under the blind-agent rule) as `challenger`",
  options: ChallengeOptionsSchema,
  flags: [...GENERATION_FLAGS, { key: 'rejectLeaks', flags: '--reject-leaks', description: 'reject turns the leak check flags (reason leak) instead of passing them on' }, ...ENDPOINT_FLAGS],
  create: (options, runtime) => createChallengeStage(options, runtime),
};
