import { z } from 'zod';
import { byteSize, byteSizeText, decimal, integer, seconds, text } from '../core/option-types.js';
import { flagsOf, option } from '../core/option-flags.js';
import type { FlagSpec } from '../core/stage-spec.js';

/** Chutes' OpenAI-compatible endpoint: the default when neither `--base-url` nor `CHUTES_BASE_URL` is set. */
export const DEFAULT_BASE_URL = 'https://llm.chutes.ai/v1';
/** The variable the API key is read from unless `--api-key-env` names another. */
export const DEFAULT_API_KEY_ENV = 'CHUTES_API_KEY';
/** The variable that overrides the default base URL. */
export const BASE_URL_ENV = 'CHUTES_BASE_URL';

/** The model king and challenge ask unless `--model` says otherwise (also one of the default judges). */
export const DEFAULT_MODEL = 'moonshotai/Kimi-K2.6-TEE';

/**
 * The largest reply td reads: a chat completion with 32k tokens of reasoning and text is a few hundred KB
 * even JSON-escaped, so 4 MiB leaves room, while a runaway or hostile reply (50 MB) is cut off.
 */
export const DEFAULT_MAX_REPLY_BYTES = 4 * 1024 ** 2;

/** What a base URL must be, for `--base-url` and `CHUTES_BASE_URL` alike. */
export const HTTP_URL_RULE = `expected an http(s) URL such as ${DEFAULT_BASE_URL}`;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function httpUrl() {
  return z.string({ error: HTTP_URL_RULE }).refine(isHttpUrl, HTTP_URL_RULE);
}

function envName() {
  const rule = 'expected an environment variable name (letters, digits, _)';
  return z.string({ error: rule }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, rule);
}

/** `--cache DIR` gives a directory; `--no-cache` (commander sets the same key to false) turns the cache off. */
function cacheSetting() {
  const rule = 'expected a directory, or false to turn the cache off';
  return z.preprocess(
    (value) => (value === 'false' || value === 'off' ? false : value),
    z.union([z.literal(false), text()], { error: rule }),
  );
}

/**
 * Options of one OpenAI-compatible endpoint, shared by every LLM stage (king, challenge, judge). Spread
 * this shape into a stage's options schema and `ENDPOINT_FLAGS` into its flags.
 */
export const endpointOptionShape = {
  /** Base URL of the chat-completions API; unset: `CHUTES_BASE_URL`, else https://llm.chutes.ai/v1. */
  baseUrl: option(httpUrl().optional(), {
    flags: '--base-url <url>',
    help: `chat-completions endpoint (else $${BASE_URL_ENV}, else ${DEFAULT_BASE_URL})`,
  }),
  /** Environment variable holding the API key (also read from `.env`). */
  apiKeyEnv: option(envName().default(DEFAULT_API_KEY_ENV), {
    flags: '--api-key-env <name>',
    help: 'environment variable holding the API key (.env is read too)',
  }),
  /** Requests in flight at most on this endpoint (shared by every stage of the process). */
  concurrency: option(integer(1, 4096).default(16), { flags: '-c, --concurrency <n>', help: 'requests in flight at most on the endpoint' }),
  /** Requests started per minute at most (sliding window); unset: unlimited. */
  rpm: option(integer(1).optional(), { flags: '--rpm <n>', help: 'requests per minute at most', unset: 'unlimited' }),
  /** Tokens (prompt + completion) per minute at most, estimated before a call and settled after; unset: unlimited. */
  tpm: option(integer(1).optional(), { flags: '--tpm <n>', help: 'tokens per minute at most', unset: 'unlimited' }),
  /** Seconds one HTTP request may take, body included, before it counts as a timeout. */
  timeout: option(seconds(0.001).default(600), { flags: '--timeout <seconds>', help: 'time limit of one HTTP request, body included' }),
  /** Transport retries per call (429, 408, 409, 5xx, connection errors, timeouts, broken bodies). */
  retries: option(integer(0, 100).default(5), {
    flags: '--retries <n>',
    help: 'transport retries per call (429/408/409/5xx, connection errors, timeouts)',
  }),
  /** Longest wait before one retry in seconds, whatever `Retry-After` asks. */
  maxRetryWait: option(seconds(0).default(60), {
    flags: '--max-retry-wait <seconds>',
    help: 'cap on one wait before a retry, whatever Retry-After asks',
  }),
  /** Largest reply body read; a larger one is rejected (`oversized-reply`) without being held whole. */
  maxReplyBytes: option(byteSize().default(DEFAULT_MAX_REPLY_BYTES), {
    flags: '--max-reply-bytes <size>',
    help: 'reject larger replies (oversized-reply) without reading them whole (e.g. 4MiB)',
    show: byteSizeText,
  }),
  /** Request cache directory, or false (`--no-cache`); unset: $XDG_CACHE_HOME/td/llm or ~/.cache/td/llm. */
  cache: option(
    cacheSetting().optional(),
    { flags: '--cache <dir>', help: 'request cache directory', unset: '$XDG_CACHE_HOME/td/llm' },
    { flags: '--no-cache', help: 'neither read nor write the request cache' },
  ),
  /** Mixed into every cache key: a new salt asks everything again. */
  cacheSalt: option(text().optional(), { flags: '--cache-salt <text>', help: 'mixed into every cache key (a new salt asks everything again)' }),
  /** Price table (JSON or TOML): `{ "<model>": { prompt: USD per 1M tokens, completion: USD per 1M tokens } }`. */
  prices: option(text().optional(), {
    flags: '--prices <file>',
    help: 'price table, JSON or TOML: {"<model>": {"prompt": USD/1M tokens, "completion": USD/1M tokens, "cached_prompt"?: USD/1M tokens}}',
  }),
  /**
   * USD the process may spend on model calls, priced from `prices` (every model in use needs a price).
   * Once spent, no new call starts and the records not done fail `budget` (transient, exit 75). Shared
   * by every stage of a process; unlimited when unset.
   */
  maxCost: option(decimal(0).optional(), {
    flags: '--max-cost <usd>',
    help: 'stop starting model calls once the process has spent this much (priced by --prices; records not done fail as budget, exit 75)',
    unset: 'unlimited',
  }),
};

export const EndpointOptionsSchema = z.object(endpointOptionShape);
export type EndpointOptions = z.infer<typeof EndpointOptionsSchema>;

/** The CLI flags of `endpointOptionShape`, for a stage's `flags` list. */
export const ENDPOINT_FLAGS: readonly FlagSpec[] = flagsOf(endpointOptionShape);

/** Options of the model a stage calls, shared by king and challenge (the judge has its own per judge). */
export const generationOptionShape = {
  /** Model name as the endpoint knows it. */
  model: option(text().default(DEFAULT_MODEL), { flags: '-m, --model <name>', help: 'model to ask' }),
  /** `max_tokens` of each request (reasoning included on reasoning models). */
  maxTokens: option(integer(1).default(8192), { flags: '--max-tokens <n>', help: 'max_tokens of each request (reasoning included)' }),
  /** Sampling temperature; omitted from the request when unset (the server's default). */
  temperature: option(decimal(0, 2).optional(), { flags: '--temperature <t>', help: 'sampling temperature', unset: "the server's" }),
  /** Requests per record when replies are malformed (each a new request: its attempt index is in the cache key). */
  attempts: option(integer(1, 20).default(3), { flags: '--attempts <n>', help: 'requests per record while replies are malformed' }),
};

export const GENERATION_FLAGS: readonly FlagSpec[] = flagsOf(generationOptionShape);
