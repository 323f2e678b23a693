import type { CallMeta } from '../../contract/meta.js';
import type { Order, Verdict } from '../../contract/judgement.js';
import type { Failure } from '../../core/outcome.js';
import type { StageStats } from '../../core/stats.js';
import { LLM_COUNTERS } from '../../llm/accounting.js';
import type { Llm } from '../../llm/llm.js';
import { REPLY_PROBLEM_TEXT, replyProblem } from '../../llm/reply.js';
import { abstention, sideVerdict } from './aggregate.js';
import { JUDGE_PROMPT_VERSION, type JudgePrompt } from './judge-prompt.js';
import { parseVerdict } from './parse-verdict.js';

/** A judge call's provenance: the layer's CallMeta, with whose call it was. */
export type JudgeCallMeta = CallMeta & { judge: string; order: Order };

/** What one (judge, order) pair came to: a verdict (parsed or abstained), or a call that failed. */
export type PairOutcome = { ok: true; verdict: Verdict; calls: JudgeCallMeta[] } | { ok: false; failure: Failure; calls: JudgeCallMeta[] };

export interface PairRequest {
  judge: string;
  order: Order;
  /** The request; a verdict copied from what it shows is never the judge's (see parseVerdict). */
  prompt: JudgePrompt;
  params: Record<string, unknown>;
  attempts: number;
}

/**
 * Asks one judge for its verdict on one order, until a reply parses, at most `attempts` times (each a
 * new request: the attempt index is in the cache key, so a rerun replays the same attempts). A reply
 * that never parses is an abstention with every attempt's problem; a call that fails after the layer's
 * retries is returned as such, for the stage to decide (see `judgeRecord`).
 */
export async function askJudge(llm: Llm, request: PairRequest, context: { signal?: AbortSignal | undefined; stats: StageStats }): Promise<PairOutcome> {
  const calls: JudgeCallMeta[] = [];
  const problems: string[] = [];
  for (let attempt = 0; attempt < request.attempts; attempt++) {
    const result = await llm.complete(
      { model: request.judge, messages: request.prompt.messages, params: request.params, promptVersion: JUDGE_PROMPT_VERSION, attempt },
      { signal: context.signal },
    );
    const tag = { judge: request.judge, order: request.order };
    if (!result.ok) {
      calls.push({ ...tag, ...result.meta });
      return { ok: false, failure: result.failure, calls };
    }
    const problem = replyProblem(result.reply);
    const parsed = problem === undefined ? parseVerdict(result.reply.content, { quoted: request.prompt.shown }) : undefined;
    if (parsed?.ok) {
      calls.push({ ...tag, ...result.meta });
      return { ok: true, verdict: sideVerdict(request.judge, request.order, parsed.verdict, { parse: parsed.method }), calls };
    }
    calls.push({ ...tag, ...result.meta, status: problem ?? 'unparsed' });
    context.stats.add(LLM_COUNTERS.malformed);
    problems.push(`${attempt + 1}: ${problem === undefined ? parsed!.error! : (REPLY_PROBLEM_TEXT[problem] ?? problem)}`);
  }
  const error = request.attempts === 1 ? problems[0]!.slice(3) : `no verdict in ${request.attempts} attempts (${problems.join('; ')})`;
  return { ok: true, verdict: abstention(request.judge, request.order, error), calls };
}
