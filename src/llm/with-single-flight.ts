import type { Redactor } from '../core/redact.js';
import type { ChatModel, ChatRequest, ChatResult, CallOptions } from './chat-model.js';
import { failedMeta } from './call-meta.js';
import type { SignalFanOut } from './signal-fan-out.js';

/**
 * One call shared by the identical requests in flight at once. It runs under its own signal, not its
 * first caller's: a caller that gives up (its stage torn down, its record aborted) leaves, and the call
 * is aborted only when the last caller left or the session aborts. Otherwise, in `td run`, a stage being
 * torn down could fail an identical request of another stage as interrupted.
 */
interface Flight {
  outcome: Promise<ChatResult>;
  /** Callers still waiting for the outcome. */
  waiters: number;
  abort: AbortController;
}

/** The calls in flight on one endpoint + key, shared by every stage of a process. */
export type Flights = Map<string, Flight>;

export interface SingleFlightOptions {
  /** The endpoint's calls in flight (`session.memo`), so stages of one process share them. */
  flights: Flights;
  keyOf: (request: ChatRequest) => string;
  /** Aborts every call (the session's signal). */
  sessionSignal: AbortSignal;
  /** One listener per shared signal for all calls (see SignalFanOut). */
  signals: SignalFanOut;
  redactor: Redactor;
}

const INTERRUPTED = { kind: 'transient', reason: 'interrupted', message: 'aborted: the run was interrupted' } as const;

/**
 * Single flight as a layer: identical requests in flight at once make one call. The caller that starts
 * it gets its result as `inner` gave it; every caller that joins gets the same reply, counted as a
 * cache hit (`cached: true`, no retries, its own latency).
 */
export function withSingleFlight(inner: ChatModel, options: SingleFlightOptions): ChatModel {
  const { flights, keyOf, signals } = options;

  const start = (request: ChatRequest, key: string): Flight => {
    const abort = new AbortController();
    // Through the fan-out: one listener on the session's signal for all calls, not one per call.
    const session = signals.link(options.sessionSignal);
    const onSessionAbort = (): void => abort.abort(options.sessionSignal.reason);
    if (session.signal?.aborted) onSessionAbort();
    else session.signal?.addEventListener('abort', onSessionAbort, { once: true });
    const flight = { waiters: 0, abort } as Flight;
    const started = performance.now();
    flight.outcome = inner
      .complete(request, { signal: abort.signal })
      .catch((error: unknown): ChatResult => {
        // Layers return their failures; should one ever throw, that is a bug, reported on the record.
        const message = options.redactor.apply(`request failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
        return { ok: false, failure: { kind: 'rejected', reason: 'internal', message }, meta: failedMeta(request, 'internal', { latencyMs: performance.now() - started }) };
      })
      .finally(() => {
        session.release();
        if (flights.get(key) === flight) flights.delete(key);
      });
    flights.set(key, flight);
    return flight;
  };

  /**
   * The flight's outcome for one caller, or `interrupted` as soon as the caller's signal aborts. The
   * last caller to leave aborts the call (and gets its own outcome, which says what was cut short); the
   * flight is then no longer joinable, so a later identical request makes a call of its own.
   */
  const waitFor = (flight: Flight, key: string, request: ChatRequest, signal: AbortSignal | undefined): Promise<ChatResult> => {
    flight.waiters++;
    if (signal === undefined) return flight.outcome;
    return new Promise<ChatResult>((resolve) => {
      const leave = (): void => {
        flight.waiters--;
        if (flight.waiters > 0) return resolve({ ok: false, failure: INTERRUPTED, meta: failedMeta(request, INTERRUPTED.reason, { latencyMs: 0 }) });
        if (flights.get(key) === flight) flights.delete(key);
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
  };

  return {
    provenance: inner.provenance,
    totalsLine: () => inner.totalsLine(),
    async complete(request: ChatRequest, callOptions: CallOptions = {}): Promise<ChatResult> {
      const started = performance.now();
      const link = signals.link(callOptions.signal);
      try {
        const key = keyOf(request);
        const shared = flights.get(key);
        const outcome = await waitFor(shared ?? start(request, key), key, request, link.signal);
        if (shared === undefined || !outcome.ok) return outcome;
        const { body: _body, ...joined } = outcome;
        return { ...joined, ...(outcome.meta ? { meta: { ...outcome.meta, cached: true, latency_ms: Math.round(performance.now() - started), retries: 0 } } : {}) };
      } finally {
        link.release();
      }
    },
  };
}
