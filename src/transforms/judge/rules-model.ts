import type { ChatModel, ChatRequest, ChatResult } from '../../llm/chat-model.js';
import { failedMeta } from '../../llm/call-meta.js';
import type { Reply } from '../../llm/reply.js';
import { rulesVerdict } from './rules-judge.js';

/**
 * td's rules judge (`td/rules`) as a chat model: it reads the conversation and the two candidates from
 * the request's subject and answers with its verdict, in structured form (with the dimensions it
 * judged) and as JSON text. Computing a verdict is no model call: it has no call meta, so
 * `meta.judge.calls` lists model calls only, and it needs no endpoint, no key and no cache.
 */
export function rulesJudgeModel(): ChatModel {
  return {
    provenance: { offline: true },
    totalsLine: () => undefined,
    async complete(request: ChatRequest): Promise<ChatResult> {
      const { history, candidates } = request.subject ?? {};
      if (history === undefined || candidates === undefined) {
        const message = 'td/rules judges from the request\'s conversation and candidates, and this request has none';
        return { ok: false, failure: { kind: 'rejected', reason: 'no-subject', message }, meta: failedMeta(request, 'no-subject', { latencyMs: 0 }) };
      }
      const verdict = rulesVerdict(history, candidates[0], candidates[1]);
      const { judged: _judged, ...text } = verdict;
      const reply: Reply = {
        content: JSON.stringify(text),
        reasoning: undefined,
        finishReason: 'stop',
        toolCalls: 0,
        usage: { prompt_tokens: 0, completion_tokens: 0 },
        model: request.model,
        structured: verdict,
      };
      return { ok: true, reply };
    },
  };
}
