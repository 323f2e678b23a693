import type { CallMeta } from '../contract/meta.js';
import type { Message } from '../contract/message.js';
import type { Failure } from '../core/outcome.js';
import type { Reply } from './reply.js';

/**
 * What a request is about: the record's own material, for models that answer from the record itself
 * (td's offline models). It is never sent and never part of the cache key, so no stage decides what
 * an endpoint may see: an endpoint sees `messages` and `params`, nothing else.
 */
export interface ChatSubject {
  /** The chat history before the turn (the record's `messages`). */
  history?: readonly Message[];
  /** The dataset's own next turn (the record's `assistant`). */
  reference?: string;
  /** The two turns a judge compares, as shown: A (first) and B. */
  candidates?: readonly [string, string];
}

/** One chat-completions request, as a stage describes it. */
export interface ChatRequest {
  model: string;
  messages: ReadonlyArray<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  /** Sent as they are and part of the cache key: `max_tokens`, `temperature`, `response_format`, ... */
  params?: Readonly<Record<string, unknown>>;
  /** Version of the template that built `messages`, e.g. `king/1` (part of the cache key). */
  promptVersion: string;
  /** 0-based attempt index (part of the cache key): ask again after a malformed reply with attempt + 1. */
  attempt: number;
  /** Read by offline models only; never sent, never in the cache key (see {@link ChatSubject}). */
  subject?: ChatSubject;
}

/**
 * Why a call produced no reply, as structured data: the record-level `Failure` (kind, reason, message),
 * and for the retry loop whether asking again may help, the HTTP status and what the server asked to
 * wait. Decided on status codes and error classes, never on message text.
 */
export interface ChatFailure extends Failure {
  retryable?: boolean;
  /** HTTP status, when a server answered. */
  status?: number;
  /** What the server asked to wait before asking again (`retry-after-ms`, else `Retry-After`), in ms. */
  retryAfterMs?: number;
}

export type ChatResult =
  | {
      ok: true;
      reply: Reply;
      /** The call's provenance for `meta.<stage>.calls`; none for an answer that is no model call (td/rules computes its verdict). */
      meta?: CallMeta;
      /** The response body as received, when the answer came over HTTP (the request cache stores it). */
      body?: string;
    }
  | { ok: false; failure: ChatFailure; meta: CallMeta };

export interface CallOptions {
  /** Aborts this call (the record's signal): the result is then an `interrupted` failure. */
  signal?: AbortSignal | undefined;
}

/**
 * The one chat-model interface. An OpenAI-compatible endpoint (wrapped in the cache, single flight,
 * retry and accounting layers), td's offline models (`td/replay`, `td/repair`, `td/rules`) and the test
 * double (`mockChatModel`) implement it; stages and the attempt loop see nothing else.
 */
export interface ChatModel {
  /** Never throws: a failure is a value (`transient`, `rejected`, `config`). */
  complete(request: ChatRequest, options?: CallOptions): Promise<ChatResult>;
  /**
   * Fields a stage's meta carries for every record this model answered, besides the calls: `{ offline:
   * true }` for td's offline models (no model was asked), nothing for an endpoint.
   */
  readonly provenance: Readonly<Record<string, unknown>>;
  /** The end-of-stage line for stderr (`llm: 120 calls ...`), or undefined when there is nothing to say. */
  totalsLine(): string | undefined;
}
