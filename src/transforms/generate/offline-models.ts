import type { CallMeta } from '../../contract/meta.js';
import { EXIT } from '../../core/exit-codes.js';
import type { StageRuntime } from '../../core/session.js';
import { TdError } from '../../core/td-error.js';
import { LLM_COUNTERS } from '../../llm/accounting.js';
import type { ChatModel, ChatRequest, ChatResult } from '../../llm/chat-model.js';
import type { Reply } from '../../llm/reply.js';
import { repairTurn } from './repair-turn.js';

/** td's offline generation models, and what each answers with. */
export const OFFLINE_MODELS = {
  'td/replay': "the dataset's reference turn, exactly as it is (format problems included: it is not format-gated)",
  'td/repair': 'the reference turn normalised to the protocol: THOUGHT from its prose when missing, only the first bash block kept',
} as const;
export type OfflineModel = keyof typeof OFFLINE_MODELS;

/**
 * An offline generation model, `td/replay` or `td/repair`, for runs without network or key (the demo):
 * it answers from the request's subject (the record's reference turn), never from a request an endpoint
 * would see. Its turns are honest about what they are: `meta.<stage>.model` names it and `offline: true`
 * marks it; no tokens are counted, since no model was asked. A td/replay turn is the dataset's own,
 * verbatim, so it is kept as it is rather than checked as generated text.
 */
export function offlineGenerationModel(model: string, runtime: StageRuntime): ChatModel {
  if (!(model in OFFLINE_MODELS)) {
    const known = Object.entries(OFFLINE_MODELS)
      .map(([name, what]) => `${name} (${what})`)
      .join('; ');
    throw new TdError(`--model ${model}: no such offline model; td has ${known}`, EXIT.config, 'config');
  }
  const name = model as OfflineModel;
  const answer = name === 'td/replay' ? (reference: string) => reference : repairTurn;
  let turns = 0;
  return {
    provenance: { offline: true },
    async complete(request: ChatRequest): Promise<ChatResult> {
      const meta: CallMeta = { model: name, attempt: request.attempt, prompt_tokens: 0, completion_tokens: 0, status: 'ok', cached: false, latency_ms: 0, retries: 0 };
      const reference = request.subject?.reference;
      if (reference === undefined) {
        return { ok: false, failure: { kind: 'rejected', reason: 'no-reference', message: `${name} answers from the record's reference turn, and this request has none` }, meta: { ...meta, status: 'no-reference' } };
      }
      turns++;
      runtime.stats.add(LLM_COUNTERS.calls);
      const reply: Reply = { content: answer(reference), reasoning: undefined, finishReason: 'stop', toolCalls: 0, usage: { prompt_tokens: 0, completion_tokens: 0 }, model: name, ...(name === 'td/replay' ? { verbatim: true } : {}) };
      return { ok: true, reply, meta };
    },
    totalsLine: () => `offline: ${turns} turn${turns === 1 ? '' : 's'} from ${name} (no model was asked)`,
  };
}
