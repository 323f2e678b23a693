import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TdError } from '../../src/core/td-error.js';
import { EndpointOptionsSchema } from '../../src/llm/endpoint-options.js';
import { defaultCacheDir, resolveEndpoint } from '../../src/llm/endpoint.js';
import { testSession } from '../helpers/session.js';

const options = (values: Record<string, unknown> = {}) => EndpointOptionsSchema.parse(values);
const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'td-endpoint-'));

describe('endpoint', () => {
  test('a missing key is a one-line configuration error (exit 78) naming the variable', () => {
    const { session } = testSession({ env: {} });
    let error: unknown;
    try {
      resolveEndpoint(options(), session, emptyDir());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TdError);
    expect((error as TdError).exitCode).toBe(78);
    expect((error as TdError).message).toBe('no API key: set CHUTES_API_KEY in the environment or in ./.env (or name another variable with --api-key-env)');
  });

  test('--api-key-env picks another variable, and the key is registered as a secret', () => {
    const { session } = testSession({ env: { MY_LLM_KEY: 'plain-looking-key-42' } });
    const endpoint = resolveEndpoint(options({ apiKeyEnv: 'MY_LLM_KEY' }), session, emptyDir());
    expect(endpoint.apiKey).toBe('plain-looking-key-42');
    expect(session.redactor.apply('auth failed for plain-looking-key-42')).toBe('auth failed for [REDACTED]');
  });

  test('reads .env from the working directory; the environment wins over it', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'CHUTES_API_KEY=from-dotenv-file\nCHUTES_BASE_URL=http://127.0.0.1:9/v1\n');
    expect(resolveEndpoint(options(), testSession({ env: {} }).session, dir)).toMatchObject({ apiKey: 'from-dotenv-file', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(resolveEndpoint(options(), testSession({ env: { CHUTES_API_KEY: 'from-environment' } }).session, dir).apiKey).toBe('from-environment');
  });

  test('base URL: --base-url, else CHUTES_BASE_URL, else Chutes; a trailing slash is dropped', () => {
    const env = { CHUTES_API_KEY: 'k-123456', CHUTES_BASE_URL: 'http://env.example/v1/' };
    expect(resolveEndpoint(options({ baseUrl: 'http://flag.example/v1' }), testSession({ env }).session, emptyDir()).baseUrl).toBe('http://flag.example/v1');
    expect(resolveEndpoint(options(), testSession({ env }).session, emptyDir()).baseUrl).toBe('http://env.example/v1');
    expect(resolveEndpoint(options(), testSession({ env: { CHUTES_API_KEY: 'k-123456' } }).session, emptyDir()).baseUrl).toBe('https://llm.chutes.ai/v1');
  });

  test('a bad CHUTES_BASE_URL is a configuration error', () => {
    expect(() => resolveEndpoint(options(), testSession({ env: { CHUTES_API_KEY: 'k-123456', CHUTES_BASE_URL: 'llm.chutes.ai' } }).session, emptyDir())).toThrow(
      'CHUTES_BASE_URL: expected an http(s) URL such as https://llm.chutes.ai/v1, got "llm.chutes.ai"',
    );
  });

  test('the cache lives under XDG_CACHE_HOME, else ~/.cache; --no-cache turns it off', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/td/llm');
    expect(defaultCacheDir({})).toMatch(/\.cache\/td\/llm$/);
    const env = { CHUTES_API_KEY: 'k-123456', XDG_CACHE_HOME: '/x/cache' };
    expect(resolveEndpoint(options(), testSession({ env }).session, emptyDir()).cacheDir).toBe('/x/cache/td/llm');
    expect(resolveEndpoint(options({ cache: false }), testSession({ env }).session, emptyDir()).cacheDir).toBeUndefined();
  });

  test('flag values are validated with readable messages', () => {
    const bad = EndpointOptionsSchema.safeParse({ baseUrl: 'ftp://x', concurrency: '0', apiKeyEnv: 'not a name' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`)).toEqual([
      'baseUrl: expected an http(s) URL such as https://llm.chutes.ai/v1',
      'apiKeyEnv: expected an environment variable name (letters, digits, _)',
      'concurrency: expected an integer from 1 to 4096',
    ]);
  });
});
