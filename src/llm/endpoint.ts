import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import type { Session } from '../core/session.js';
import { sessionEnv } from '../core/session-env.js';
import { TdError } from '../core/td-error.js';
import { BASE_URL_ENV, DEFAULT_BASE_URL, HTTP_URL_RULE, isHttpUrl, type EndpointOptions } from './endpoint-options.js';

/** Where requests go and with which key: resolved once, before any input is read. */
export interface Endpoint {
  baseUrl: string;
  apiKey: string;
  /** The variable the key came from (for messages; never the key itself). */
  apiKeyEnv: string;
  /** Request cache directory, or undefined when the cache is off. */
  cacheDir: string | undefined;
}

/** The default cache directory: `$XDG_CACHE_HOME/td/llm`, else `~/.cache/td/llm`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'td', 'llm');
}

/** Whitespace (any Unicode space, line breaks included) and control characters (C0, DEL, C1). */
const UNSENDABLE = /[\s\u0000-\u001f\u007f-\u009f]/u;

/**
 * Resolves the endpoint from options and the environment. A missing key, or one holding whitespace or
 * control characters, is a one-line configuration error (exit 78) raised here, before any input is
 * read; the key is registered with the session's redactor so it never reaches a log line, an errors
 * file or a report.
 */
export function resolveEndpoint(options: EndpointOptions, session: Session, cwd = process.cwd()): Endpoint {
  const env = sessionEnv(session, cwd);
  const apiKey = env[options.apiKeyEnv]?.trim();
  if (!apiKey) {
    throw new TdError(
      `no API key: set ${options.apiKeyEnv} in the environment or in ./.env` +
        (options.apiKeyEnv === 'CHUTES_API_KEY' ? ' (or name another variable with --api-key-env)' : ''),
      EXIT.config,
      'no-api-key',
    );
  }
  session.redactor.add(apiKey);
  // Checked here, not left to the HTTP client: a header cannot carry such a key, and the client's error
  // would quote the part after the break (and fail every record instead of the run).
  if (UNSENDABLE.test(apiKey)) {
    throw new TdError(`${options.apiKeyEnv}: the API key holds whitespace or control characters, which no HTTP header can carry; check the variable`, EXIT.config, 'config');
  }
  const fromEnv = env[BASE_URL_ENV]?.trim();
  const baseUrl = (options.baseUrl ?? (fromEnv ? fromEnv : DEFAULT_BASE_URL)).replace(/\/+$/, '');
  if (options.baseUrl === undefined && fromEnv) assertUrl(fromEnv, BASE_URL_ENV);
  const cacheDir = options.cache === false ? undefined : resolve(cwd, options.cache ?? defaultCacheDir(env));
  return { baseUrl, apiKey, apiKeyEnv: options.apiKeyEnv, cacheDir };
}

function assertUrl(value: string, name: string): void {
  if (!isHttpUrl(value)) throw new TdError(`${name}: ${HTTP_URL_RULE}, got ${JSON.stringify(value)}`, EXIT.config, 'config');
}
