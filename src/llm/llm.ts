import { createHash } from 'node:crypto';
import type OpenAI from 'openai';
import { loadOpenAI } from './openai-module.js';
import type { CallMeta } from '../contract/meta.js';
import type { Failure, FailureKind } from '../core/outcome.js';
import type { StageRuntime } from '../core/session.js';
import { LLM_COUNTERS, countSpend, llmTotalsLine } from './accounting.js';
import { backoffMs } from './backoff.js';
import { RequestCache, cacheKey, type CanonicalRequest } from './cache.js';
import { resolveEndpoint, type Endpoint } from './endpoint.js';
import type { EndpointOptions } from './endpoint-options.js';
import { EndpointLimiter } from './limiter.js';
import { costOf, loadPriceTable, type PriceTable } from './prices.js';
import { parseReply, type Reply } from './reply.js';
import { SignalFanOut } from './signal-fan-out.js';
import { seconds, sleep } from './sleep.js';
import { createNodeFetch } from './node-fetch.js';
import { attemptOnce, type TransportFailure } from './transport.js';

/** One chat-completions request, as a stage describes it. */
export interface LlmRequest {
  model: string;
  messages: ReadonlyArray<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  /** Sent as they are and part of the cache key: `max_tokens`, `temperature`, `response_format`, ... */
  params?: Readonly<Record<string, unknown>>;
  /** Version of the template that built `messages`, e.g. `king/1` (part of the cache key). */
  promptVersion: string;
  /** 0-based attempt index (part of the cache key): ask again after a malformed reply with attempt + 1. */
  attempt: number;
}

export type LlmResult =
  | { ok: true; reply: Reply; meta: CallMeta }
  | { ok: false; failure: Failure; meta: CallMeta };

/** What one endpoint + key shares across every stage of a process. */
interface EndpointShared {
  /** Created on the first request (the SDK is loaded then, not at start-up). */
  client: () => Promise<OpenAI>;
  limiter: EndpointLimiter;
  /** Single flight: identical requests in flight at once share one call. */
  inFlight: Map<string, Flight>;
  /** A 401/402/403 means the account is refused: later calls fail at once instead of each being refused again. */
  refused: TransportFailure | undefined;
  /** Whether the log already said that a Retry-After was capped (said once; the waits are counted). */
  toldCap: boolean;
  signals: SignalFanOut;
}

type NetworkOutcome = { ok: true; reply: Reply; latencyMs: number; retries: number } | { ok: false; failure: Failure; latencyMs: number; retries: number };

/**
 * One network call shared by the identical requests in flight at once. It runs under its own signal,
 * not its first caller's: a caller that gives up (its stage torn down, its record aborted) leaves, and
 * the call is aborted only when the last caller left or the session aborts. Otherwise, in `td run`, a
 * stage being torn down could fail an identical request of another stage as interrupted.
 */
interface Flight {
  outcome: Promise<NetworkOutcome>;
  /** Callers still waiting for the outcome. */
  waiters: number;
  abort: AbortController;
}

const INTERRUPTED: Failure = { kind: 'transient', reason: 'interrupted', message: 'aborted: the run was interrupted' };

/**
 * The LLM layer as one stage sees it: `complete()` answers a request from the cache or the endpoint,
 * with the endpoint's shared limiter, td's own retry loop, single flight and accounting. Open one per
 * stage with `openLlm(runtime, options)`; endpoints, limiters and caches are shared per process.
 */
export class Llm {
  constructor(
    readonly endpoint: Endpoint,
    private readonly options: EndpointOptions,
    private readonly shared: EndpointShared,
    private readonly cache: RequestCache | undefined,
    private readonly prices: PriceTable | undefined,
    private readonly runtime: StageRuntime,
  ) {}

  /** The endpoint's limiter (for progress: current concurrency, running, waiting). */
  get limiter(): EndpointLimiter {
    return this.shared.limiter;
  }

  /** Never throws: a failure after every retry is a value (`transient`; `rejected` for a request the server refuses as bad; `config` for a refused key). */
  async complete(request: LlmRequest, options: { signal?: AbortSignal | undefined } = {}): Promise<LlmResult> {
    const link = this.shared.signals.link(options.signal);
    try {
      return await this.completeLinked(request, link.signal);
    } finally {
      link.release();
    }
  }

  private async completeLinked(request: LlmRequest, signal: AbortSignal | undefined): Promise<LlmResult> {
    const stats = this.runtime.stats;
    const started = performance.now();
    const canonical: CanonicalRequest = {
      model: request.model,
      messages: request.messages.map(({ role, content }) => ({ role, content })),
      params: request.params ?? {},
      promptVersion: request.promptVersion,
      attempt: request.attempt,
      ...(this.options.cacheSalt === undefined ? {} : { salt: this.options.cacheSalt }),
    };
    const key = cacheKey(canonical);

    const cached = this.cache ? await this.cache.get(key) : undefined;
    if (cached) {
      const parsed = parseReply(cached.body);
      if (parsed.ok) {
        stats.add(LLM_COUNTERS.calls);
        stats.add(LLM_COUNTERS.cacheHits);
        return { ok: true, reply: parsed.reply, meta: this.meta(request, parsed.reply, { cached: true, latencyMs: performance.now() - started, retries: 0 }) };
      }
      // An entry that no longer parses (a stricter parser, a damaged file) is a miss: ask again and overwrite it.
    }

    const shared = this.shared.inFlight.get(key);
    const joined = shared !== undefined;
    const outcome = await this.waitFor(shared ?? this.startFlight(canonical, key), key, signal);
    if (!outcome.ok) {
      return { ok: false, failure: outcome.failure, meta: this.failedMeta(request, outcome, performance.now() - started) };
    }
    stats.add(LLM_COUNTERS.calls);
    if (joined) stats.add(LLM_COUNTERS.cacheHits);
    const meta = this.meta(request, outcome.reply, { cached: joined, latencyMs: joined ? performance.now() - started : outcome.latencyMs, retries: joined ? 0 : outcome.retries });
    if (!joined) countSpend(stats, meta);
    return { ok: true, reply: outcome.reply, meta };
  }

  /** The end-of-stage line for stderr. */
  totalsLine(): string {
    return llmTotalsLine(this.runtime.stats);
  }

  /** Starts the network call for `key`, under the session's abort and the flight's own (see {@link Flight}). */
  private startFlight(request: CanonicalRequest, key: string): Flight {
    const abort = new AbortController();
    // Through the fan-out: one listener on the session's signal for all calls, not one per call.
    const session = this.shared.signals.link(this.runtime.signal);
    const onSessionAbort = (): void => abort.abort(this.runtime.signal.reason);
    if (session.signal?.aborted) onSessionAbort();
    else session.signal?.addEventListener('abort', onSessionAbort, { once: true });
    const flight = { waiters: 0, abort } as Flight;
    flight.outcome = this.callNetwork(request, key, abort.signal)
      .catch((error: unknown): NetworkOutcome => {
        // callNetwork returns its failures; should it ever throw, that is a bug, reported on the record.
        const message = this.runtime.session.redactor.apply(`request failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
        return { ok: false, failure: { kind: 'rejected', reason: 'internal', message }, latencyMs: 0, retries: 0 };
      })
      .finally(() => {
        session.release();
        if (this.shared.inFlight.get(key) === flight) this.shared.inFlight.delete(key);
      });
    this.shared.inFlight.set(key, flight);
    return flight;
  }

  /**
   * The flight's outcome for one caller, or `interrupted` as soon as the caller's signal aborts. The
   * last caller to leave aborts the call (and gets its own outcome, which says what was cut short);
   * the flight is then no longer joinable, so a later identical request makes a call of its own.
   */
  private waitFor(flight: Flight, key: string, signal: AbortSignal | undefined): Promise<NetworkOutcome> {
    flight.waiters++;
    if (signal === undefined) return flight.outcome;
    return new Promise<NetworkOutcome>((resolve) => {
      const leave = (): void => {
        flight.waiters--;
        if (flight.waiters > 0) return resolve({ ok: false, failure: INTERRUPTED, latencyMs: 0, retries: 0 });
        if (this.shared.inFlight.get(key) === flight) this.shared.inFlight.delete(key);
        flight.abort.abort(signal.reason);
        resolve(flight.outcome);
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      void flight.outcome.then((outcome) => {
        signal.removeEventListener('abort', leave);
        resolve(outcome);
      });
    });
  }

  private async callNetwork(request: CanonicalRequest, key: string, signal: AbortSignal | undefined): Promise<NetworkOutcome> {
    const stats = this.runtime.stats;
    const { limiter } = this.shared;
    const client = await this.shared.client();
    const capMs = this.options.maxRetryWait * 1000;
    const timeoutMs = this.options.timeout * 1000;
    const body: Record<string, unknown> = { ...request.params, model: request.model, messages: request.messages };
    const estimatedTokens = Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);
    let retries = 0;
    let latencyMs = 0;
    const done = (failure: TransportFailure): NetworkOutcome => ({
      ok: false,
      failure: {
        kind: failureKind(failure),
        reason: failure.reason,
        message: this.runtime.session.redactor.apply(retries > 0 ? `${failure.message} (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : failure.message),
      },
      latencyMs,
      retries,
    });

    for (;;) {
      if (this.shared.refused) return done(this.shared.refused);
      let attempt;
      try {
        attempt = await limiter.run(
          async (slot) => {
            if (this.shared.refused) return undefined;
            stats.add(LLM_COUNTERS.requests);
            const result = await attemptOnce(client, body, { timeoutMs, signal });
            if (result.ok) {
              const parsed = parseReply(result.body);
              if (parsed.ok) slot.settleTokens(parsed.reply.usage.prompt_tokens + parsed.reply.usage.completion_tokens);
              return { ...result, parsed };
            }
            return result;
          },
          { signal, priority: retries > 0 ? 1 : 0, estimatedTokens },
        );
      } catch (error) {
        if (signal?.aborted) return done({ reason: 'interrupted', retryable: false, message: 'aborted: the run was interrupted' });
        return done({ reason: 'internal', retryable: false, message: `request failed: ${(error as Error)?.message ?? String(error)}` });
      }
      if (attempt === undefined) return done(this.shared.refused!);
      latencyMs = attempt.latencyMs;

      let failure: TransportFailure;
      if (attempt.ok && attempt.parsed.ok) {
        limiter.onSuccess();
        await this.cache?.put(key, { body: attempt.body, latency_ms: attempt.latencyMs, model: request.model, created_at: new Date().toISOString() });
        return { ok: true, reply: attempt.parsed.reply, latencyMs, retries };
      } else if (attempt.ok) {
        const parsed = attempt.parsed as { ok: false; message: string };
        failure = { reason: 'invalid-body', retryable: true, message: parsed.message };
      } else {
        failure = attempt.failure;
      }

      if (failure.status === 429) stats.add(LLM_COUNTERS.rateLimited);
      if (failure.status !== undefined && REFUSED_STATUSES.has(failure.status)) this.refuse(failure);
      if (!failure.retryable || retries >= this.options.retries) return done(failure);
      const wait = backoffMs(retries, failure.retryAfterMs, capMs);
      if (failure.status === 429 && limiter.onRateLimited(wait)) stats.add(LLM_COUNTERS.slowdowns);
      retries++;
      stats.add(LLM_COUNTERS.retries);
      stats.add(LLM_COUNTERS.retryWaitMs, wait);
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > capMs && !this.shared.toldCap) {
        this.shared.toldCap = true;
        this.runtime.log.info(`server asked to wait ${seconds(failure.retryAfterMs)}; waiting ${seconds(wait)} (--max-retry-wait; further capped waits are counted, not logged)`);
      }
      try {
        await sleep(wait, signal);
      } catch {
        return done({ reason: 'interrupted', retryable: false, message: `not retried: the run was interrupted (${failure.message})` });
      }
    }
  }

  private refuse(failure: TransportFailure): void {
    if (this.shared.refused) return;
    this.shared.refused = { ...failure, retryable: false };
    this.runtime.log.error(`the endpoint refused the account of the key in ${this.endpoint.apiKeyEnv} (HTTP ${failure.status}); remaining calls fail without requests`);
  }

  private meta(request: LlmRequest, reply: Reply, run: { cached: boolean; latencyMs: number; retries: number }): CallMeta {
    const cost = costOf(this.prices, request.model, reply.usage.prompt_tokens, reply.usage.completion_tokens);
    return {
      model: request.model,
      attempt: request.attempt,
      prompt_tokens: reply.usage.prompt_tokens,
      completion_tokens: reply.usage.completion_tokens,
      ...(reply.usage.reasoning_tokens === undefined ? {} : { reasoning_tokens: reply.usage.reasoning_tokens }),
      ...(cost === undefined ? {} : { cost_usd: cost }),
      status: 'ok',
      cached: run.cached,
      latency_ms: Math.round(run.latencyMs),
      retries: run.retries,
    };
  }

  private failedMeta(request: LlmRequest, outcome: { failure: Failure; retries: number }, latencyMs: number): CallMeta {
    return {
      model: request.model,
      attempt: request.attempt,
      prompt_tokens: 0,
      completion_tokens: 0,
      status: outcome.failure.reason,
      cached: false,
      latency_ms: Math.round(latencyMs),
      retries: outcome.retries,
    };
  }
}

/** Statuses that say this request itself is bad (too long, malformed): the same request can never succeed. */
const BAD_REQUEST_STATUSES = new Set([400, 413, 422]);
/** Statuses that say the account is refused (key, payment, permission): no request can succeed until the user acts. */
export const REFUSED_STATUSES = new Set([401, 402, 403]);

/**
 * A request the server rejects as bad, and a bug, are `rejected`: asking again would not help. A refused
 * key, an empty balance or a missing permission is `config` (exit 78): no rerun helps until the user acts,
 * so a script that reruns on 75 must not see it. Everything else left after the retries is `transient`
 * (exit 75; a rerun resumes, since nothing failed is cached): the retryable failures, interruptions, a
 * model not found (Chutes answers 404 while a model has no servers).
 */
export function failureKind(failure: TransportFailure): FailureKind {
  if (failure.reason === 'internal') return 'rejected';
  if (failure.status !== undefined && BAD_REQUEST_STATUSES.has(failure.status)) return 'rejected';
  if (failure.status !== undefined && REFUSED_STATUSES.has(failure.status)) return 'config';
  return 'transient';
}

/**
 * The LLM layer for one stage. Resolves the endpoint (a missing key is a one-line TdError, exit 78,
 * before any input is read), loads the price table, and takes the endpoint's client and limiter and the
 * cache directory's store from the session, creating them once per process.
 */
export function openLlm(runtime: StageRuntime, options: EndpointOptions): Llm {
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
      inFlight: new Map(),
      refused: undefined,
      toldCap: false,
      signals: new SignalFanOut(),
    };
  });
  const limits = shared.limiter.options;
  if (limits.concurrency !== options.concurrency || limits.rpm !== options.rpm || limits.tpm !== options.tpm) {
    runtime.log.warn(`${endpoint.baseUrl} is shared with an earlier stage: its limits (concurrency ${limits.concurrency}, rpm ${limits.rpm ?? '-'}, tpm ${limits.tpm ?? '-'}) apply`);
  }
  const cache = endpoint.cacheDir === undefined ? undefined : session.memo(`llm:cache:${endpoint.cacheDir}`, () => new RequestCache(endpoint.cacheDir!, session.log));
  const prices = options.prices === undefined ? undefined : session.memo(`llm:prices:${options.prices}`, () => loadPriceTable(options.prices!));
  return new Llm(endpoint, options, shared, cache, prices, runtime);
}

/** Calls `create` once and hands every caller the same promise. */
function once<T>(create: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= create());
}
