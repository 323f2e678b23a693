/**
 * What a td command loads at start-up. Every command imports every stage's module (through the
 * registry), so a heavy library imported at the top of one of them is paid by all: DuckDB's native
 * library cost each command about 0.13 s, the openai SDK, cacache, listr2 and the Hub client together
 * about 0.17 s. They are loaded when first used instead. The check records every module Node resolves
 * (a resolve hook registered by a preload), so no timing is involved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, collect } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'td-startup-'));
const hooks = join(tmp, 'record-resolved.mjs');
const preload = join(tmp, 'register.mjs');
writeFileSync(
  hooks,
  [
    "import { appendFileSync } from 'node:fs';",
    'export async function resolve(specifier, context, next) {',
    '  const resolved = await next(specifier, context);',
    "  appendFileSync(process.env.TD_TEST_LOADED, resolved.url + '\\n');",
    '  return resolved;',
    '}',
  ].join('\n'),
);
writeFileSync(preload, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);

/** Libraries no command should load before it needs them. */
const HEAVY = ['@duckdb/', 'openai/', 'cacache/', 'listr2/', '@huggingface/'];

/** Runs node with the preload and returns the heavy libraries among the modules it resolved. */
async function heavyLoaded(name: string, args: readonly string[]): Promise<string[]> {
  const out = join(tmp, `${name}.txt`);
  writeFileSync(out, '');
  const child = spawn(process.execPath, ['--import', preload, ...args], { env: { ...process.env, TD_TEST_LOADED: out }, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = await collect(child, '');
  expect(result.code, result.stderr).toBe(0);
  const urls = readFileSync(out, 'utf8').split('\n');
  return HEAVY.filter((library) => urls.some((url) => url.includes(`/node_modules/${library}`)));
}

describe('td start-up', () => {
  it('loads none of DuckDB, openai, cacache, listr2 or the Hub client for td validate', async () => {
    expect(await heavyLoaded('validate', [CLI, 'validate', '-q'])).toEqual([]);
  });

  it('loads none of them for td king --help either (options and flags are plain data)', async () => {
    expect(await heavyLoaded('king-help', [CLI, 'king', '--help'])).toEqual([]);
  });

  it('sees the libraries when they are used (so the checks above can fail)', async () => {
    const cache = new URL('../../dist/llm/request-cache.js', import.meta.url).href;
    const script = `const { RequestCache } = await import(${JSON.stringify(cache)}); const c = new RequestCache(${JSON.stringify(tmp + '/cache')}, { info() {}, warn() {}, error() {}, line() {} }); await c.get('k');`;
    expect(await heavyLoaded('cache', ['--input-type=module', '-e', script])).toEqual(['cacache/']);
  });

  it('sees DuckDB when td sample opens it', async () => {
    const duckdb = new URL('../../dist/sources/sample/duckdb.js', import.meta.url).href;
    const script = `const { DuckDb } = await import(${JSON.stringify(duckdb)}); const db = await DuckDb.open(); console.log((await db.query('SELECT 6 * 7 AS n'))[0].n); db.close();`;
    expect(await heavyLoaded('open', ['--input-type=module', '-e', script])).toEqual(['@duckdb/']);
  });
});
