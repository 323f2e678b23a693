/**
 * What a td command loads at start-up. Every command imports every stage's module (through the
 * registry), so a heavy native library imported at the top of one of them is paid by all: DuckDB's
 * costs each command about 0.13 s. The check reads Node's CommonJS module cache at exit (DuckDB's
 * package is CommonJS, so loading it registers its files there): no timing involved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, collect } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'td-startup-'));
const preload = join(tmp, 'list-loaded.mjs');
writeFileSync(
  preload,
  [
    "import { writeFileSync } from 'node:fs';",
    "import { createRequire } from 'node:module';",
    'const cache = createRequire(import.meta.url).cache;',
    "process.on('exit', () => writeFileSync(process.env.TD_TEST_LOADED, Object.keys(cache).filter((path) => path.includes('@duckdb')).join('\\n')));",
  ].join('\n'),
);

/** Runs node with the preload and returns the DuckDB files it had loaded when it exited. */
async function duckdbFilesLoaded(name: string, args: readonly string[]): Promise<string[]> {
  const out = join(tmp, `${name}.txt`);
  const child = spawn(process.execPath, ['--import', preload, ...args], { env: { ...process.env, TD_TEST_LOADED: out }, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = await collect(child, '');
  expect(result.code, result.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n').filter((line) => line !== '');
}

describe('td start-up', () => {
  it('does not load DuckDB for a command that does not use it (td validate)', async () => {
    expect(await duckdbFilesLoaded('validate', [CLI, 'validate', '-q'])).toEqual([]);
  });

  it('loads DuckDB when td sample opens it (so the check above can see it)', async () => {
    const duckdb = new URL('../../dist/sources/sample/duckdb.js', import.meta.url).href;
    const script = `const { DuckDb } = await import(${JSON.stringify(duckdb)}); const db = await DuckDb.open(); console.log((await db.query('SELECT 6 * 7 AS n'))[0].n); db.close();`;
    const loaded = await duckdbFilesLoaded('open', ['--input-type=module', '-e', script]);
    expect(loaded.some((path) => path.includes('@duckdb/node-api'))).toBe(true);
  });
});
