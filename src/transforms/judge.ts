import { z } from 'zod';
import type { Order, Verdict } from '../contract/judgement.js';
import { KingDuelSchema, ReferenceDuelSchema, type DuelRecord } from '../contract/duel.js';
import { ok, type Failure, type Outcome } from '../core/outcome.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import type { TransformStage } from '../core/stage.js';
import type { StageStats } from '../core/stats.js';
import type { TransformSpec } from '../core/stage-spec.js';
import { stageMeta } from '../llm/accounting.js';
import type { ChatModel } from '../llm/chat-model.js';
import { openJudgeModels } from './chat-models.js';
import { abstention, aggregate, round4 } from './judge/aggregate.js';
import { identicalTurns } from './judge/identical.js';
import { fullPreferenceEstimate, fullScoreBounds, panelStop, tallyOf, type PanelRule } from './judge/panel.js';
import { BUDGET_REASON } from '../llm/with-budget.js';
import { askJudge, type JudgeCallMeta, type PairOutcome } from './judge/ask-judge.js';
import { JUDGE_PROMPT_VERSION, judgeMessages, type JudgePrompt } from './judge/judge-prompt.js';
import { JUDGE_FLAGS, JudgeOptionsSchema, type JudgeOptions, type JudgeSetting } from './judge/options.js';
import { verdictResponseFormat } from './judge/verdict-schema.js';

export { JudgeOptionsSchema, type JudgeOptions, type JudgeSetting } from './judge/options.js';

/** Both orders, king first then challenger first: the order verdicts and calls are recorded in. */
export const ORDERS: readonly Order[] = ['king-first', 'challenger-first'];


/** Counters `td judge` keeps in `runtime.stats`, besides the LLM layer's. */
export const JUDGE_COUNTERS = {
  parsed: 'judge.parsed',
  abstained: 'judge.abstained',
  /** Records scored null: fewer verdicts parsed than `--min-parsed` asks. */
  parseFail: 'judge.parse_fail',
  flips: 'judge.flips',
  /** Verdicts asked (pairs of judge and order), and turns whose candidates were identical (asked of no judge). */
  asked: 'judge.asked',
  /** Verdicts the full panel would have asked. */
  of: 'judge.of',
  identical: 'judge.identical',
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
  // Opened by name (td/rules offline, the rest on the endpoint): a panel of the rules judge alone needs no key.
  const models = openJudgeModels(runtime, options, options.judges.map((judge) => judge.model));
  const callsPerRecord = options.judges.length * ORDERS.length;
  const responseFormat = options.structured ? verdictResponseFormat() : undefined;
  return {
    input: (options.against === 'king' ? KingDuelSchema : ReferenceDuelSchema) as unknown as z.ZodType<DuelRecord>,
    // Enough records in progress to keep about twice `--concurrency` requests waiting on the endpoint
    // limiter (which alone bounds what is in flight at the server), so cache I/O overlaps the requests.
    // An adaptive or confident record has one call in flight at a time.
    recordsInFlight: Math.max(2, Math.ceil((2 * options.concurrency) / (options.panel === 'full' ? callsPerRecord : 1))),
    run: (record, ctx) => judgeRecord(record, { options, models, responseFormat, signal: ctx.signal, stats: ctx.runtime.stats }),
    close: () => {
      if (runtime.stats.in === 0) return;
      for (const model of new Set(models.values())) {
        const totals = model.totalsLine();
        if (totals !== undefined) runtime.log.info(totals);
      }
      runtime.log.info(judgeTotalsLine(runtime.stats));
    },
  };
}

interface JudgeContext {
  options: JudgeOptions;
  models: ReadonlyMap<string, ChatModel>;
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

/**
 * The panel's (judge, order) pairs in asking order. `full` asks them all at once; `adaptive` and
 * `confident` one at a time, both orders of a judge before the next judge, until `panelStop` says the
 * turn is decided. Verdicts and calls are kept in panel order whatever order they finish in. The
 * requests are the same bytes in every mode, so a rerun in another mode over the same cache asks only
 * the verdicts it lacks.
 */
async function judgeRecord(record: DuelRecord, context: JudgeContext): Promise<Outcome<JsonObject>> {
  const { options } = context;
  const opponent = options.against === 'king' ? record.king! : record.assistant;
  const goldPatch = options.goldPatch ? record.pr.patch : undefined;
  const pairs = options.judges.flatMap((judge) => ORDERS.map((order) => ({ judge, order })));
  const rule: PanelRule = { mode: options.panel, agreement: options.agreement, finalMin: options.finalMin, defeatMin: options.defeatMin, minParsed: options.minParsed };
  if (options.panel !== 'full' && identicalTurns(opponent, record.challenger)) {
    context.stats.add(JUDGE_COUNTERS.identical);
    context.stats.add(JUDGE_COUNTERS.of, pairs.length);
    return ok(identicalRecord(record, options, pairs.length));
  }
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
  const ask = ({ judge, order }: { judge: JudgeSetting; order: Order }): Promise<PairOutcome> => {
    const [first, second] = shown(order);
    const request = {
      judge: judge.model,
      order,
      prompt: promptFor(order),
      history: record.messages,
      candidates: [first, second] as const,
      params: paramsFor(judge, options, context.responseFormat),
      attempts: options.attempts,
    };
    return askJudge(context.models.get(judge.model)!, request, { signal: context.signal, stats: context.stats });
  };
  const verdictOf = (outcome: PairOutcome, index: number): Verdict => {
    if (outcome.ok) return outcome.verdict;
    const { judge, order } = pairs[index]!;
    return abstention(judge.model, order, `call failed: ${outcome.failure.reason}: ${outcome.failure.message}`);
  };

  let outcomes: PairOutcome[];
  if (options.panel === 'full') outcomes = await Promise.all(pairs.map(ask));
  else {
    outcomes = [];
    const asked: Verdict[] = [];
    while (outcomes.length < pairs.length && panelStop(asked, pairs.length, rule) === undefined) {
      const outcome = await ask(pairs[outcomes.length]!);
      outcomes.push(outcome);
      // A call lost for good ends the record here (the rerun asks it again); asking on would only spend.
      if (!outcome.ok && (outcome.failure.kind === 'config' || (outcome.failure.kind === 'transient' && (!options.abstainOnFailure || outcome.failure.reason === BUDGET_REASON)))) break;
      asked.push(verdictOf(outcome, outcomes.length - 1));
    }
  }
  const askedPairs = pairs.slice(0, outcomes.length);

  const calls: JudgeCallMeta[] = outcomes.flatMap((outcome) => outcome.calls);
  const failed = outcomes.flatMap((outcome, index) => (outcome.ok ? [] : [{ ...askedPairs[index]!, failure: outcome.failure }]));
  // Missing data, not a judge's opinion: lost to the network (a rerun helps) or to a refused key (fix it, then rerun).
  const missing = failed.filter((f) => f.failure.kind === 'transient' || f.failure.kind === 'config');
  // Pairs that asked a model: a judge that computes its verdict (td/rules) makes no call, and its
  // verdicts never make up for every model call lost.
  const modelPairs = outcomes.filter((outcome) => outcome.calls.length > 0).length;
  const overBudget = missing.some((f) => f.failure.reason === BUDGET_REASON);
  if (missing.length > 0 && (!options.abstainOnFailure || overBudget || failed.length === modelPairs)) {
    return { ok: false, failure: missingFailure(missing, modelPairs) };
  }

  const verdicts: Verdict[] = outcomes.map(verdictOf);
  const { score, judgement } = aggregate(verdicts, { against: options.against, minParsed: options.minParsed, bootstrap: options.bootstrap, seed: record.id });
  count(context.stats, score, judgement.parsed, judgement.total, judgement.flips);
  context.stats.add(JUDGE_COUNTERS.asked, verdicts.length);
  context.stats.add(JUDGE_COUNTERS.of, pairs.length);
  const meta = {
    ...(record.meta ?? {}),
    judge: stageMeta(calls, { prompt_version: JUDGE_PROMPT_VERSION, against: options.against, judges: options.judges.map((judge) => judge.model) }),
  };
  return ok({ ...record, score, judgement: { ...judgement, ...panelFields(verdicts, pairs.length, rule) }, meta });
}

/**
 * What the record says about the panel: its mode, how many of its verdicts were asked and why it
 * stopped; for a turn that stopped early, the full panel's scores still possible and the gate's
 * estimate of its mean preference (see docs/judge.md).
 */
function panelFields(verdicts: readonly Verdict[], of: number, rule: PanelRule): Record<string, unknown> {
  const stopped = panelStop(verdicts, of, rule) ?? 'complete';
  const fields: Record<string, unknown> = { panel: rule.mode, asked: verdicts.length, of, stopped };
  const remaining = of - verdicts.length;
  if (remaining > 0) {
    const { tally, asked } = tallyOf(verdicts);
    fields.full_score = fullScoreBounds(tally, remaining, rule);
    const estimate = fullPreferenceEstimate(asked, of);
    fields.preference_estimate = estimate === null ? null : round4(estimate);
  }
  return fields;
}

/** A turn whose candidates are the same (see `identicalTurns`): a tie, asked of no judge. */
function identicalRecord(record: DuelRecord, options: JudgeOptions, of: number): JsonObject {
  const none = { correctness: null, grounding: null, progress: null, protocol: null, efficiency: null };
  const judgement = {
    against: options.against,
    verdicts: [],
    parsed: 0,
    total: 0,
    parsed_fraction: 1,
    preference: 0.5,
    dimensions: { challenger: { ...none }, king: { ...none } },
    flips: 0,
    lower_bound: 0.5,
    panel: options.panel,
    asked: 0,
    of,
    stopped: 'identical',
  };
  const meta = {
    ...(record.meta ?? {}),
    judge: stageMeta([], { prompt_version: JUDGE_PROMPT_VERSION, against: options.against, judges: options.judges.map((judge) => judge.model) }),
  };
  return { ...record, score: 50, judgement, meta };
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

/** `judge: 40 turns scored, 2 parse-fail (score null); verdicts 228 parsed, 12 abstained; 5 flips; 140 of 240 verdicts asked, 1 identical turn` */
export function judgeTotalsLine(stats: StageStats): string {
  const parseFail = stats.get(JUDGE_COUNTERS.parseFail);
  const scored = stats.out - parseFail;
  const identical = stats.get(JUDGE_COUNTERS.identical);
  return (
    `judge: ${scored} turn${scored === 1 ? '' : 's'} scored, ${parseFail} parse-fail (score null); verdicts ${stats.get(JUDGE_COUNTERS.parsed)} parsed, ${stats.get(JUDGE_COUNTERS.abstained)} abstained; ${stats.get(JUDGE_COUNTERS.flips)} flips` +
    `; ${stats.get(JUDGE_COUNTERS.asked)} of ${stats.get(JUDGE_COUNTERS.of)} verdicts asked` +
    (identical > 0 ? `, ${identical} identical turn${identical === 1 ? '' : 's'} (a tie, no judge asked)` : '')
  );
}

export const judgeSpec: TransformSpec<JudgeOptions> = {
  kind: 'transform',
  name: 'judge',
  summary: 'score the challenger against the king (or the reference) with a panel of judges in both orders; adds `score` and `judgement`',
  options: JudgeOptionsSchema,
  flags: JUDGE_FLAGS,
  create: (options, runtime) => createJudgeStage(options, runtime),
};
