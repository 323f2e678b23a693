import type { CallOptions, ChatFailure, ChatModel, ChatRequest, ChatResult } from './chat-model.js';
import { failedMeta, replyMeta } from './call-meta.js';
import type { Reply } from './reply.js';

/** What the double answers: a reply's content, some reply fields, or a whole result (a failure, say). */
export type MockAnswer = string | Partial<Reply> | ChatResult;

/** One call the double received: the request exactly as given, and the signal it came with. */
export interface MockCall {
  request: ChatRequest;
  signal: AbortSignal | undefined;
}

export interface MockChatModel extends ChatModel {
  /** Every call, in order, so tests assert the exact requests as well as the outcomes. */
  readonly calls: MockCall[];
}

/** A reply as an endpoint would give it: `content`, finished normally, usage zero unless given. */
export function mockReply(fields: Partial<Reply> = {}): Reply {
  return { content: '', reasoning: undefined, finishReason: 'stop', toolCalls: 0, usage: { prompt_tokens: 0, completion_tokens: 0 }, model: undefined, ...fields };
}

/** A failed call, e.g. `mockFailure({ kind: 'transient', reason: 'http-503', message: '...' })`. */
export function mockFailure(failure: ChatFailure): (request: ChatRequest) => ChatResult {
  return (request) => ({ ok: false, failure, meta: failedMeta(request, failure.reason, { latencyMs: 0 }) });
}

/**
 * The test double of the chat-model interface, shipped with td for tests (after vercel/ai's mock
 * providers): it answers from a script and records every call. `answers` is one answer for every call, a
 * list used in order (the last repeats), or a function (async or not) of the request and the 0-based
 * call index. A
 * string answers with that content; reply fields with a reply; a `ChatResult` is returned as it is.
 * Replies carry a call's meta (status ok, not cached, no latency) unless the result says otherwise.
 */
export function mockChatModel(
  answers: MockAnswer | readonly MockAnswer[] | ((request: ChatRequest, index: number) => MockAnswer | Promise<MockAnswer>),
  options: { provenance?: Record<string, unknown>; totalsLine?: () => string | undefined } = {},
): MockChatModel {
  const calls: MockCall[] = [];
  const answerFor = (request: ChatRequest, index: number): MockAnswer | Promise<MockAnswer> => {
    if (typeof answers === 'function') return answers(request, index);
    if (Array.isArray(answers)) return answers[Math.min(index, answers.length - 1)] as MockAnswer;
    return answers as MockAnswer;
  };
  return {
    calls,
    provenance: options.provenance ?? {},
    totalsLine: options.totalsLine ?? (() => undefined),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      const index = calls.length;
      calls.push({ request, signal: callOptions.signal });
      const answer = await answerFor(request, index);
      if (typeof answer !== 'string' && 'ok' in answer) return answer;
      const reply = mockReply(typeof answer === 'string' ? { content: answer } : answer);
      return { ok: true, reply, meta: replyMeta(request, reply, { latencyMs: 0 }) };
    },
  };
}
