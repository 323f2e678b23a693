import { z } from 'zod';
import { byteSize, decimal, integer, seconds, text } from '../core/option-types.js';
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
  /** Base URL of the chat-completions API. @default CHUTES_BASE_URL, else https://llm.chutes.ai/v1 */
  baseUrl: httpUrl().optional(),
  /** Environment variable holding the API key (also read from `.env`). @default CHUTES_API_KEY */
  apiKeyEnv: envName().default(DEFAULT_API_KEY_ENV),
  /** Requests in flight at most on this endpoint (shared by every stage of the process). @default 16 */
  concurrency: integer(1, 4096).default(16),
  /** Requests started per minute at most (sliding window). @default unlimited */
  rpm: integer(1).optional(),
  /** Tokens (prompt + completion) per minute at most, estimated before a call and settled after. @default unlimited */
  tpm: integer(1).optional(),
  /** Seconds one HTTP request may take, body included, before it counts as a timeout. @default 600 */
  timeout: seconds(0.001).default(600),
  /** Transport retries per call (429, 408, 409, 5xx, connection errors, timeouts, broken bodies). @default 5 */
  retries: integer(0, 100).default(5),
  /** Longest wait before one retry in seconds, whatever `Retry-After` asks. @default 60 */
  maxRetryWait: seconds(0).default(60),
  /** Largest reply body read; a larger one is rejected (`oversized-reply`) without being held whole. @default 4MiB */
  maxReplyBytes: byteSize().default(DEFAULT_MAX_REPLY_BYTES),
  /** Request cache directory, or false (`--no-cache`). @default $XDG_CACHE_HOME/td/llm or ~/.cache/td/llm */
  cache: cacheSetting().optional(),
  /** Mixed into every cache key: a new salt asks everything again. @default none */
  cacheSalt: text().optional(),
  /** Price table (JSON or TOML): `{ "<model>": { prompt: USD per 1M tokens, completion: USD per 1M tokens } }`. */
  prices: text().optional(),
  /**
   * USD the process may spend on model calls, priced from `prices` (every model in use needs a price).
   * Once spent, no new call starts and the records not done fail `budget` (transient, exit 75). Shared
   * by every stage of a process. @default unlimited
   */
  maxCost: decimal(0).optional(),
};

export const EndpointOptionsSchema = z.object(endpointOptionShape);
export type EndpointOptions = z.infer<typeof EndpointOptionsSchema>;

/** The CLI flags of `endpointOptionShape`, for a stage's `flags` list. */
export const ENDPOINT_FLAGS: readonly FlagSpec[] = [
  { key: 'baseUrl', flags: '--base-url <url>', description: `chat-completions endpoint (else $${BASE_URL_ENV}, else ${DEFAULT_BASE_URL})` },
  { key: 'apiKeyEnv', flags: '--api-key-env <name>', description: 'environment variable holding the API key (.env is read too)', defaultText: DEFAULT_API_KEY_ENV },
  { key: 'concurrency', flags: '-c, --concurrency <n>', description: 'requests in flight at most on the endpoint', defaultText: '16' },
  { key: 'rpm', flags: '--rpm <n>', description: 'requests per minute at most (default: unlimited)' },
  { key: 'tpm', flags: '--tpm <n>', description: 'tokens per minute at most (default: unlimited)' },
  { key: 'timeout', flags: '--timeout <seconds>', description: 'time limit of one HTTP request, body included', defaultText: '600' },
  { key: 'retries', flags: '--retries <n>', description: 'transport retries per call (429/408/409/5xx, connection errors, timeouts)', defaultText: '5' },
  { key: 'maxRetryWait', flags: '--max-retry-wait <seconds>', description: 'cap on one wait before a retry, whatever Retry-After asks', defaultText: '60' },
  { key: 'maxReplyBytes', flags: '--max-reply-bytes <size>', description: 'reject larger replies (oversized-reply) without reading them whole (e.g. 4MiB)', defaultText: '4MiB' },
  { key: 'cache', flags: '--cache <dir>', description: 'request cache directory', defaultText: '$XDG_CACHE_HOME/td/llm' },
  { key: 'cache', flags: '--no-cache', description: 'neither read nor write the request cache' },
  { key: 'cacheSalt', flags: '--cache-salt <text>', description: 'mixed into every cache key (a new salt asks everything again)' },
  { key: 'prices', flags: '--prices <file>', description: 'price table, JSON or TOML: {"<model>": {"prompt": USD/1M tokens, "completion": USD/1M tokens, "cached_prompt"?: USD/1M tokens}}' },
  { key: 'maxCost', flags: '--max-cost <usd>', description: 'stop starting model calls once the process has spent this much (priced by --prices; records not done fail as budget, exit 75)' },
];

/** Options of the model a stage calls, shared by king and challenge (the judge has its own per judge). */
export const generationOptionShape = {
  /** Model name as the endpoint knows it. @default moonshotai/Kimi-K2.6-TEE */
  model: text().default(DEFAULT_MODEL),
  /** `max_tokens` of each request (reasoning included on reasoning models). @default 8192 */
  maxTokens: integer(1).default(8192),
  /** Sampling temperature; omitted from the request when unset (the server's default). */
  temperature: decimal(0, 2).optional(),
  /** Requests per record when replies are malformed (each a new request: its attempt index is in the cache key). @default 3 */
  attempts: integer(1, 20).default(3),
};

export const GENERATION_FLAGS: readonly FlagSpec[] = [
  { key: 'model', flags: '-m, --model <name>', description: 'model to ask', defaultText: DEFAULT_MODEL },
  { key: 'maxTokens', flags: '--max-tokens <n>', description: 'max_tokens of each request (reasoning included)', defaultText: '8192' },
  { key: 'temperature', flags: '--temperature <t>', description: 'sampling temperature (default: the server\'s)' },
  { key: 'attempts', flags: '--attempts <n>', description: 'requests per record while replies are malformed', defaultText: '3' },
];
