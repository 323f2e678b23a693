import { z } from 'zod';
import type { Order, Verdict } from '../contract/judgement.js';
import { TurnRecordSchema, type TurnRecord } from '../contract/turn.js';
import { ok, type Failure, type Outcome } from '../core/outcome.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { StageStats } from '../core/stats.js';
import type { TransformSpec } from '../cli/stage-spec.js';
import { stageMeta } from '../llm/accounting.js';
import { openLlm, type Llm } from '../llm/llm.js';
import { abstention, aggregate, sideVerdict } from './judge/aggregate.js';
import { askJudge, type JudgeCallMeta, type PairOutcome } from './judge/ask-judge.js';
import { JUDGE_PROMPT_VERSION, judgeMessages, type JudgePrompt } from './judge/judge-prompt.js';
import { JUDGE_FLAGS, JudgeOptionsSchema, RULES_JUDGE, type JudgeOptions, type JudgeSetting } from './judge/options.js';
import { rulesVerdict } from './judge/rules-judge.js';
import { verdictResponseFormat } from './judge/verdict-schema.js';

export { JudgeOptionsSchema, type JudgeOptions, type JudgeSetting } from './judge/options.js';

/** Both orders, king first then challenger first: the order verdicts and calls are recorded in. */
export const ORDERS: readonly Order[] = ['king-first', 'challenger-first'];

const missing = (what: string) => `expected a string: ${what}`;

/** `--against king`: the king and the challenger. */
export const KingDuelSchema = TurnRecordSchema.extend({
  king: z.string({ error: missing('the king\'s turn (run td king first, or judge against the reference with --against reference)') }),
  challenger: z.string({ error: missing('the challenger\'s turn (run td challenge first)') }),
});
/** `--against reference`: the challenger and the dataset's own turn (`assistant`, in every turn record). */
export const ReferenceDuelSchema = TurnRecordSchema.extend({
  challenger: z.string({ error: missing('the challenger\'s turn (run td challenge first)') }),
});
type DuelRecord = TurnRecord & { challenger: string; king?: string };

/** Counters `td judge` keeps in `runtime.stats`, besides the LLM layer's. */
export const JUDGE_COUNTERS = {
  parsed: 'judge.parsed',
  abstained: 'judge.abstained',
  /** Records scored null: fewer verdicts parsed than `--min-parsed` asks. */
  parseFail: 'judge.parse_fail',
  flips: 'judge.flips',
} as const;

/**
 * `td judge`: a panel of judges compares the challenger with the king (or the reference) in both orders
 * and adds `score` and `judgement`, with every call's provenance under `meta.judge`.
 *
 * The failure rule: a judge call that fails after the LLM layer's retries for a transient reason (network,
 * 429/5xx, timeout, a model without servers, Ctrl-C) is missing data, not the judge's opinion. By default
 * the record then fails `transient` (exit 75): the calls that succeeded are cached, so a rerun asks only
 * for the missing ones and the output never depends on network luck. `--abstain-on-failure` counts such
 * calls as abstentions instead, except when no model call of the record got a reply at all: that record
 * still fails transient, whatever the rules judge said (a turn whose verdicts were all lost is not a
 * parse-fail). A refused key (401/402/403) fails the record the same way, as `config` (exit 78). A
 * request the server rejects as bad (400/413/422, e.g. too long for a judge's context) is permanent: an
 * abstention.
 */
export function createJudgeStage(options: JudgeOptions, runtime: StageRuntime): TransformStage<DuelRecord, JsonObject> {
  const modelJudges = options.judges.filter((judge) => judge.model !== RULES_JUDGE);
  // The rules judge needs no endpoint: a panel of it alone runs without a key.
  const llm = modelJudges.length > 0 ? openLlm(runtime, options) : undefined;
  const callsPerRecord = modelJudges.length * ORDERS.length;
  const responseFormat = options.structured ? verdictResponseFormat() : undefined;
  return {
    input: (options.against === 'king' ? KingDuelSchema : ReferenceDuelSchema) as unknown as z.ZodType<DuelRecord>,
    // Enough records in progress to keep about twice `--concurrency` requests waiting on the endpoint
    // limiter (which alone bounds what is in flight at the server), so cache I/O overlaps the requests.
    concurrency: callsPerRecord === 0 ? 4 : Math.max(2, Math.ceil((2 * options.concurrency) / callsPerRecord)),
    run: (record, ctx) => judgeRecord(record, { options, llm, responseFormat, signal: ctx.signal, stats: ctx.runtime.stats }),
    close: () => {
      if (runtime.stats.in === 0) return;
      if (llm) runtime.log.info(llm.totalsLine());
      runtime.log.info(judgeTotalsLine(runtime.stats));
    },
  };
}

interface JudgeContext {
  options: JudgeOptions;
  llm: Llm | undefined;
  responseFormat: Record<string, unknown> | undefined;
  signal: AbortSignal;
  stats: StageStats;
}

function paramsFor(judge: JudgeSetting, options: JudgeOptions, responseFormat: Record<string, unknown> | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = { max_tokens: judge.max_tokens ?? options.maxTokens };
  const temperature = judge.temperature ?? options.temperature;
  if (temperature !== undefined) params.temperature = temperature;
  if (responseFormat !== undefined) params.response_format = responseFormat;
  return params;
}

/** Every judge in both orders, all at once; verdicts and calls kept in panel order whatever order they finish in. */
async function judgeRecord(record: DuelRecord, context: JudgeContext): Promise<Outcome<JsonObject>> {
  const { options } = context;
  const opponent = options.against === 'king' ? record.king! : record.assistant;
  const goldPatch = options.goldPatch ? record.pr.patch : undefined;
  const pairs = options.judges.flatMap((judge) => ORDERS.map((order) => ({ judge, order })));
  const shown = (order: Order): [string, string] => (order === 'king-first' ? [opponent, record.challenger] : [record.challenger, opponent]);
  // Every model judge of an order gets the same request text: build it once per order.
  const prompts = new Map<Order, JudgePrompt>();
  const promptFor = (order: Order): JudgePrompt => {
    let prompt = prompts.get(order);
    if (!prompt) {
      const [first, second] = shown(order);
      prompt = judgeMessages({ history: record.messages, first, second, goldPatch, historyChars: options.historyChars });
      prompts.set(order, prompt);
    }
    return prompt;
  };

  const outcomes = await Promise.all(
    pairs.map(({ judge, order }): Promise<PairOutcome> | PairOutcome => {
      const [first, second] = shown(order);
      if (judge.model === RULES_JUDGE) {
        const { judged, ...verdict } = rulesVerdict(record.messages, first, second);
        return { ok: true, verdict: sideVerdict(RULES_JUDGE, order, verdict, { judged }), calls: [] };
      }
      const prompt = promptFor(order);
      const request = { judge: judge.model, order, prompt, params: paramsFor(judge, options, context.responseFormat), attempts: options.attempts };
      return askJudge(context.llm!, request, { signal: context.signal, stats: context.stats });
    }),
  );

  const calls: JudgeCallMeta[] = outcomes.flatMap((outcome) => outcome.calls);
  const failed = outcomes.flatMap((outcome, index) => (outcome.ok ? [] : [{ ...pairs[index]!, failure: outcome.failure }]));
  // Missing data, not a judge's opinion: lost to the network (a rerun helps) or to a refused key (fix it, then rerun).
  const missing = failed.filter((f) => f.failure.kind === 'transient' || f.failure.kind === 'config');
  const modelPairs = pairs.filter((pair) => pair.judge.model !== RULES_JUDGE).length;
  if (missing.length > 0 && (!options.abstainOnFailure || failed.length === modelPairs)) {
    return { ok: false, failure: missingFailure(missing, modelPairs) };
  }

  const verdicts: Verdict[] = outcomes.map((outcome, index) => {
    if (outcome.ok) return outcome.verdict;
    const { judge, order } = pairs[index]!;
    return abstention(judge.model, order, `call failed: ${outcome.failure.reason}: ${outcome.failure.message}`);
  });
  const { score, judgement } = aggregate(verdicts, { against: options.against, minParsed: options.minParsed, bootstrap: options.bootstrap, seed: record.id });
  count(context.stats, score, judgement.parsed, judgement.total, judgement.flips);
  const meta = {
    ...(record.meta ?? {}),
    judge: stageMeta(calls, { prompt_version: JUDGE_PROMPT_VERSION, against: options.against, judges: options.judges.map((judge) => judge.model) }),
  };
  return ok({ ...record, score, judgement, meta });
}

/** The record's failure when calls are missing: `config` if a key was refused (the user must act first), else `transient`. */
function missingFailure(missing: ReadonlyArray<{ judge: JudgeSetting; order: Order; failure: Failure }>, total: number): Failure {
  const shown = missing.slice(0, 3).map((f) => `${f.judge.model} (${f.order}): ${f.failure.message}`);
  const more = missing.length > 3 ? `; +${missing.length - 3} more` : '';
  const refused = missing.find((f) => f.failure.kind === 'config');
  return {
    kind: refused ? 'config' : 'transient',
    reason: (refused ?? missing[0]!).failure.reason,
    message: `${missing.length} of ${total} judge calls failed (a rerun asks only these): ${shown.join('; ')}${more}`,
  };
}

function count(stats: StageStats, score: number | null, parsed: number, total: number, flips: number): void {
  stats.add(JUDGE_COUNTERS.parsed, parsed);
  stats.add(JUDGE_COUNTERS.abstained, total - parsed);
  stats.add(JUDGE_COUNTERS.flips, flips);
  if (score === null) stats.add(JUDGE_COUNTERS.parseFail);
}

/** `judge: 40 turns scored, 2 parse-fail (score null); verdicts 228 parsed, 12 abstained; 5 flips` */
export function judgeTotalsLine(stats: StageStats): string {
  const parseFail = stats.get(JUDGE_COUNTERS.parseFail);
  const scored = stats.out - parseFail;
  return `judge: ${scored} turn${scored === 1 ? '' : 's'} scored, ${parseFail} parse-fail (score null); verdicts ${stats.get(JUDGE_COUNTERS.parsed)} parsed, ${stats.get(JUDGE_COUNTERS.abstained)} abstained; ${stats.get(JUDGE_COUNTERS.flips)} flips`;
}

export const judgeSpec: TransformSpec<JudgeOptions> = {
  kind: 'transform',
  name: 'judge',
  summary: 'score the challenger against the king (or the reference) with a panel of judges in both orders; adds `score` and `judgement`',
  options: JudgeOptionsSchema,
  flags: JUDGE_FLAGS,
  create: (options, runtime) => createJudgeStage(options, runtime),
};
