import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import type { StageRuntime } from '../core/session.js';
import { requestKeys } from './cache-key.js';
import type { ChatModel } from './chat-model.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import { endpointModel } from './endpoint-model.js';
import type { EndpointOptions } from './endpoint-options.js';
import { EndpointLimiter } from './limiter.js';
import { createNodeFetch } from './node-fetch.js';
import { loadOpenAI } from './openai-module.js';
import { loadPriceTable } from './prices.js';
import { RequestCache } from './request-cache.js';
import { SignalFanOut } from './signal-fan-out.js';
import { withAccounting } from './with-accounting.js';
import { CostBudget, withBudget } from './with-budget.js';
import { withCache } from './with-cache.js';
import { EXIT } from '../core/exit-codes.js';
import { TdError } from '../core/td-error.js';
import { withRefusedKeyLatch, type RefusedKey } from './with-refused-key-latch.js';
import { withRetries } from './with-retries.js';
import { withSingleFlight, type Flights } from './with-single-flight.js';

/** An OpenAI-compatible endpoint as a stage sees it: a chat model, with its endpoint and limiter in view. */
export interface EndpointModel extends ChatModel {
  readonly endpoint: Endpoint;
  /** The endpoint's limiter (for progress and tests: current concurrency, running, waiting). */
  readonly limiter: EndpointLimiter;
}

/** What one endpoint + key shares across every stage of a process. */
interface EndpointShared {
  /** Created on the first request (the SDK is loaded then, not at start-up). */
  client: () => Promise<OpenAI>;
  limiter: EndpointLimiter;
  flights: Flights;
  refused: RefusedKey;
  capNotice: { told: boolean };
  signals: SignalFanOut;
}

/**
 * The endpoint of a stage's options as a chat model: one HTTP attempt per call (`endpointModel`),
 * wrapped, inside out, in the refused-key latch, the cost budget (`--max-cost`), the retry loop with the endpoint's limiter, the request
 * cache, single flight and the stage's accounting. Resolves the endpoint first (a missing key is a
 * one-line TdError, exit 78, before any input is read). The client, limiter, calls in flight and latch
 * are shared per endpoint + key by every stage of the session, the cache per directory.
 */
export function openEndpointModel(runtime: StageRuntime, options: EndpointOptions): EndpointModel {
  const session = runtime.session;
  const endpoint = resolveEndpoint(options, session);
  const keyHash = createHash('sha256').update(endpoint.apiKey).digest('hex').slice(0, 16);
  const shared = session.memo(`llm:endpoint:${endpoint.baseUrl}:${keyHash}`, (): EndpointShared => {
    const limiter = new EndpointLimiter({ concurrency: options.concurrency, rpm: options.rpm, tpm: options.tpm }, session.log, endpoint.baseUrl);
    const transport = createNodeFetch();
    session.onClose(() => {
      limiter.close();
      transport.close();
    });
    return {
      // organization/project: null, so OPENAI_ORG_ID / OPENAI_PROJECT_ID in the environment never reach another vendor's endpoint.
      client: once(async () => {
        const { default: OpenAI } = await loadOpenAI();
        return new OpenAI({
          apiKey: endpoint.apiKey,
          baseURL: endpoint.baseUrl,
          organization: null,
          project: null,
          maxRetries: 0,
          timeout: Math.ceil(options.timeout * 1000),
          fetch: transport.fetch,
        });
      }),
      limiter,
      flights: new Map(),
      refused: { failure: undefined },
      capNotice: { told: false },
      signals: new SignalFanOut(),
    };
  });
  const limits = shared.limiter.options;
  if (limits.concurrency !== options.concurrency || limits.rpm !== options.rpm || limits.tpm !== options.tpm) {
    runtime.log.warn(`${endpoint.baseUrl} is shared with an earlier stage: its limits (concurrency ${limits.concurrency}, rpm ${limits.rpm ?? '-'}, tpm ${limits.tpm ?? '-'}) apply`);
  }
  const cache = endpoint.cacheDir === undefined ? undefined : session.memo(`llm:cache:${endpoint.cacheDir}`, () => new RequestCache(endpoint.cacheDir!, session.log));
  const prices = options.prices === undefined ? undefined : session.memo(`llm:prices:${options.prices}`, () => loadPriceTable(options.prices!));

  const { stats, log } = runtime;
  const redactor = session.redactor;
  const keyOf = requestKeys(options.cacheSalt);
  let model: ChatModel = endpointModel({ client: shared.client, timeoutMs: options.timeout * 1000, maxReplyBytes: options.maxReplyBytes, stats, redactor });
  model = withRefusedKeyLatch(model, shared.refused, { log, apiKeyEnv: endpoint.apiKeyEnv });
  const budget = processBudget(runtime, options);
  if (budget !== undefined) model = withBudget(model, { budget, prices: prices!, stats });
  model = withRetries(model, { limiter: shared.limiter, retries: options.retries, maxWaitMs: options.maxRetryWait * 1000, stats, log, redactor, capNotice: shared.capNotice });
  if (cache) model = withCache(model, cache, keyOf, (text) => redactor.applyKnown(text));
  model = withSingleFlight(model, { flights: shared.flights, keyOf, sessionSignal: runtime.signal, signals: shared.signals, redactor });
  model = withAccounting(model, { stats, prices });
  const outer = model;
  return {
    endpoint,
    limiter: shared.limiter,
    provenance: outer.provenance,
    totalsLine: () => outer.totalsLine(),
    complete: (request, callOptions) => outer.complete(request, callOptions),
  };
}

/**
 * `--max-cost`: the process's one budget (the first stage that opens it sets the amount; a later stage
 * asking for another is told which applies). Needs a price table: without one it is a configuration
 * error (exit 78) before any input is read.
 */
function processBudget(runtime: StageRuntime, options: EndpointOptions): CostBudget | undefined {
  if (options.maxCost === undefined) return undefined;
  if (options.prices === undefined) throw new TdError('--max-cost needs --prices: a price table to price the calls with', EXIT.config, 'config');
  const budget = runtime.session.memo('llm:budget', () => new CostBudget(options.maxCost!));
  if (budget.maxUsd !== options.maxCost) runtime.log.warn(`the process's --max-cost is shared with an earlier stage: its budget ($${budget.maxUsd}) applies`);
  return budget;
}

/**
 * Refuses, before any input is read (exit 78), a `--max-cost` run whose price table has no price for a
 * model it will ask: such calls could not be charged against the budget.
 */
export function requirePrices(runtime: StageRuntime, options: EndpointOptions, models: readonly string[]): void {
  if (options.maxCost === undefined || options.prices === undefined) return;
  const table = runtime.session.memo(`llm:prices:${options.prices}`, () => loadPriceTable(options.prices!));
  const unpriced = models.filter((model) => table[model] === undefined);
  if (unpriced.length > 0) {
    throw new TdError(`--max-cost: ${options.prices} has no price for ${unpriced.map((m) => JSON.stringify(m)).join(', ')} (every model asked needs one to be charged against the budget)`, EXIT.config, 'config');
  }
}

/** Calls `create` once and hands every caller the same promise. */
function once<T>(create: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= create());
}
