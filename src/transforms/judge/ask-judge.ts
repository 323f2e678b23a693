import { z } from 'zod';
import type { CallMeta } from '../../contract/meta.js';
import { DIMENSIONS, type Order, type Verdict } from '../../contract/judgement.js';
import type { Message } from '../../contract/message.js';
import type { Failure } from '../../core/outcome.js';
import type { StageStats } from '../../core/stats.js';
import { formatZodError } from '../../core/zod-format.js';
import { askUntilAccepted, type ReplyCheck } from '../../llm/ask-until-accepted.js';
import type { ChatModel } from '../../llm/chat-model.js';
import { abstention, sideVerdict } from './aggregate.js';
import { JUDGE_PROMPT_VERSION, type JudgePrompt } from './judge-prompt.js';
import { parseVerdict } from './parse-verdict.js';
import { JudgeVerdictSchema, type JudgeVerdict } from './verdict-schema.js';

/** A judge call's provenance: the layer's CallMeta, with whose call it was. */
export type JudgeCallMeta = CallMeta & { judge: string; order: Order };

/** What one (judge, order) pair came to: a verdict (parsed or abstained), or a call that failed. */
export type PairOutcome = { ok: true; verdict: Verdict; calls: JudgeCallMeta[] } | { ok: false; failure: Failure; calls: JudgeCallMeta[] };

export interface PairRequest {
  judge: string;
  order: Order;
  /** The request; a verdict copied from what it shows is never the judge's (see parseVerdict). */
  prompt: JudgePrompt;
  /** The conversation, for a judge that reads the record itself (td/rules); never sent. */
  history: readonly Message[];
  /** The candidates as shown (A, B), for a judge that reads the record itself (td/rules); never sent. */
  candidates: readonly [string, string];
  params: Record<string, unknown>;
  attempts: number;
}

/** A verdict given in structured form (td/rules): the verdict, and the dimensions it judged when it says. */
const StructuredVerdictSchema = JudgeVerdictSchema.extend({ judged: z.array(z.enum(DIMENSIONS)).optional() });

/** A verdict and what the record keeps about how it was read: `parse` (from text) or `judged` (structured). */
interface ReadVerdict {
  verdict: JudgeVerdict;
  extra: Record<string, unknown>;
}

/** Reads a verdict from a reply: a structured answer as it is, else the text through the parsing chain. */
function verdictCheck(shown: JudgePrompt['shown']): ReplyCheck<ReadVerdict> {
  return (reply) => {
    if (reply.structured !== undefined) {
      const checked = StructuredVerdictSchema.safeParse(reply.structured, { reportInput: true });
      if (!checked.success) return { ok: false, status: 'unparsed', problem: `not a verdict: ${formatZodError(checked.error)}` };
      const { judged, ...verdict } = checked.data;
      return { ok: true, value: { verdict, extra: judged === undefined ? {} : { judged } } };
    }
    const parsed = parseVerdict(reply.content, { quoted: shown });
    return parsed.ok ? { ok: true, value: { verdict: parsed.verdict, extra: { parse: parsed.method } } } : { ok: false, status: 'unparsed', problem: parsed.error };
  };
}

/**
 * Asks one judge for its verdict on one order until a reply gives one (`askUntilAccepted`: at most
 * `attempts` requests, each with its attempt index in the cache key, so a rerun replays the same
 * attempts). A reply that never parses is an abstention with every attempt's problem; a call that fails
 * after the layer's retries is returned as such, for the stage to decide (see `judgeRecord`).
 */
export async function askJudge(model: ChatModel, request: PairRequest, context: { signal?: AbortSignal | undefined; stats: StageStats }): Promise<PairOutcome> {
  const asked = await askUntilAccepted(
    model,
    {
      model: request.judge,
      messages: request.prompt.messages,
      params: request.params,
      promptVersion: JUDGE_PROMPT_VERSION,
      subject: { history: request.history, candidates: request.candidates },
    },
    { attempts: request.attempts, check: verdictCheck(request.prompt.shown), stats: context.stats, signal: context.signal },
  );
  const tag = { judge: request.judge, order: request.order };
  const calls: JudgeCallMeta[] = asked.calls.map((meta) => ({ ...tag, ...meta }));
  if (asked.ok) return { ok: true, verdict: sideVerdict(request.judge, request.order, asked.value.verdict, asked.value.extra), calls };
  if (asked.failure) return { ok: false, failure: asked.failure, calls };
  const error = request.attempts === 1 ? asked.problems[0]!.slice(3) : `no verdict in ${request.attempts} attempts (${asked.problems.join('; ')})`;
  return { ok: true, verdict: abstention(request.judge, request.order, error), calls };
}
