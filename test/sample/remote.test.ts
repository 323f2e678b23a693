import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { TdError } from '../../src/core/td-error.js';
import { DuckDb } from '../../src/sources/sample/duckdb.js';
import { listDataset } from '../../src/sources/sample/list-files.js';
import { FIXTURE_PRS, FIXTURES, runSample, serialise } from './helpers.js';

const TOKEN = 'hf_abcdefghijklmnopqrstuvwxyz123456';
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A stand-in for the Hub API: answers revision and tree requests and records every request. */
function fakeHub(options: { status?: number } = {}) {
  const requests: Array<{ url: string; authorization: string | null }> = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    if (options.status !== undefined) {
      // A proxy that echoes the request, token included: td must not repeat it.
      return new Response(JSON.stringify({ error: `denied for Bearer ${TOKEN}` }), { status: options.status, headers: { 'content-type': 'application/json' } });
    }
    if (url.includes('/revision/')) return Response.json({ _id: 'x', id: 'AlienKevin/SWE-ZERO-12M-trajectories', sha: SHA, lastModified: '2025-01-01T00:00:00Z' });
    if (url.includes('/tree/')) {
      return Response.json([
        { type: 'file', path: 'data/train-00001-of-00002.parquet', size: 10 },
        { type: 'file', path: 'data/train-00000-of-00002.parquet', size: 10 },
        { type: 'file', path: 'data/README.md', size: 1 },
        { type: 'directory', path: 'data/extra', size: 0 },
        { type: 'file', path: 'data/extra/other.parquet', size: 1 },
      ]);
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetchFn, requests };
}

describe('datasets on the Hugging Face Hub', () => {
  it('pins the revision to a commit, lists the matching files in name order, and sends the token only as a header', async () => {
    const hub = fakeHub();
    const dataset = await listDataset('--trajectories', 'hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories@v2/data/*.parquet', { accessToken: TOKEN, fetch: hub.fetch });
    expect(dataset.pinned).toBe(`AlienKevin/SWE-ZERO-12M-trajectories@${SHA}`);
    expect(dataset.remote).toBe(true);
    expect(dataset.files).toEqual([
      { name: 'train-00000-of-00002.parquet', location: `hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories@${SHA}/data/train-00000-of-00002.parquet`, format: 'parquet' },
      { name: 'train-00001-of-00002.parquet', location: `hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories@${SHA}/data/train-00001-of-00002.parquet`, format: 'parquet' },
    ]);
    expect(hub.requests.map((request) => request.url.replace(/\?.*$/, ''))).toEqual([
      'https://huggingface.co/api/datasets/AlienKevin/SWE-ZERO-12M-trajectories/revision/v2',
      `https://huggingface.co/api/datasets/AlienKevin/SWE-ZERO-12M-trajectories/tree/${SHA}/data`,
    ]);
    expect(hub.requests.every((request) => request.authorization === `Bearer ${TOKEN}` && !request.url.includes(TOKEN))).toBe(true);
  });

  it('fails with one line that names the flag, the status hint, and never the token', async () => {
    const hub = fakeHub({ status: 401 });
    const error = await listDataset('--prs', 'hf://datasets/nebius/SWE-rebench-V2-PRs/data/*.parquet', { accessToken: TOKEN, fetch: hub.fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TdError);
    const shown = new Redactor([TOKEN]).apply((error as TdError).message);
    expect(shown).toMatch(/^--prs: cannot resolve nebius\/SWE-rebench-V2-PRs@main on the Hugging Face Hub: .* \(set HF_TOKEN to a token that can read it\)$/);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain('\n');
    expect((error as TdError).exitCode).toBe(66);
  });

  it('says how to get httpfs when DuckDB cannot load it, without trying to download it', async () => {
    const db = await DuckDb.open({ extensionDir: mkdtempSync(join(tmpdir(), 'td-ext-')), installExtensions: false });
    try {
      const error = await db.enableRemote(TOKEN, () => {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TdError);
      const message = (error as TdError).message;
      expect(message).toMatch(/^cannot load DuckDB's httpfs extension, which reading hf:\/\/ URIs needs \(IO Error: Extension ".*httpfs\.duckdb_extension" not found\.\)\. /);
      expect(message).toContain('--extension-dir or TD_DUCKDB_EXTENSION_DIR');
      expect(message).toContain('--cache-dir DIR');
      expect(message).not.toContain(TOKEN);
      expect((error as TdError).exitCode).toBe(78);
    } finally {
      db.close();
    }
  });

  it('runs a Hub URI through listing, then stops at the missing httpfs before reading any row', async () => {
    const hub = fakeHub();
    const error = await runSample(
      { trajectories: 'hf://datasets/AlienKevin/SWE-ZERO-12M-trajectories/data/*.parquet', prs: FIXTURE_PRS, extensionDir: mkdtempSync(join(tmpdir(), 'td-ext-')) },
      { fetch: hub.fetch, env: { HF_TOKEN: TOKEN } },
    ).catch((e: unknown) => e);
    expect((error as TdError).message).toMatch(/^cannot load DuckDB's httpfs extension/);
    expect(hub.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});

/** A stand-in for the Hub that serves the committed fixture files (metadata, tree, and ranged downloads). */
function fixtureHub() {
  const requests: string[] = [];
  const files: Record<string, string> = {
    'data/train-00000-of-00002.parquet': join(FIXTURES, 'trajectories/train-00000-of-00002.parquet'),
    'data/train-00001-of-00002.parquet': join(FIXTURES, 'trajectories/train-00001-of-00002.parquet'),
  };
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    requests.push(url.replace(/\?.*$/, ''));
    if (url.includes('/revision/')) return Response.json({ _id: 'x', id: 'o/n', sha: SHA, lastModified: '2025-01-01T00:00:00Z' });
    if (url.includes('/tree/')) return Response.json(Object.keys(files).map((path) => ({ type: 'file', path, size: 1 })));
    const resolved = /\/datasets\/o\/n\/resolve\/[^/]+\/(.+)$/.exec(url);
    if (resolved && files[resolved[1]!]) {
      const bytes = readFileSync(files[resolved[1]!]!);
      const range = /bytes=(\d+)-(\d+)/.exec(new Headers(init?.headers).get('range') ?? '');
      const [start, end] = range ? [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)] : [0, bytes.length - 1];
      return new Response(bytes.subarray(start, end + 1), {
        status: range ? 206 : 200,
        headers: { 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': String(end - start + 1), etag: '"fixture"' },
      });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { fetch: fetchFn, requests };
}

describe('--cache-dir', () => {
  it('downloads Hub files once and samples them like the same local files, without httpfs', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'td-cache-'));
    const hub = fixtureHub();
    const fromHub = await runSample({ trajectories: 'hf://datasets/o/n/data/*.parquet', cacheDir, count: 20, seed: 9 }, { fetch: hub.fetch });
    const local = await runSample({ count: 20, seed: 9 });
    expect(serialise(fromHub.items)).toBe(serialise(local.items));
    expect(readdirSync(join(cacheDir, 'datasets', 'o', 'n', SHA, 'data')).sort()).toEqual(['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet']);
    const downloads = hub.requests.filter((url) => url.includes('/resolve/')).length;
    expect(downloads).toBeGreaterThan(0);
    expect(fromHub.logs.filter((line) => line.startsWith('--trajectories: downloading o/n/data/'))).toHaveLength(2);

    const again = fixtureHub();
    const second = await runSample({ trajectories: 'hf://datasets/o/n/data/*.parquet', cacheDir, count: 20, seed: 9 }, { fetch: again.fetch });
    expect(serialise(second.items)).toBe(serialise(local.items));
    expect(again.requests.filter((url) => url.includes('/resolve/'))).toEqual([]);
  });
});

describe('the Hub token', () => {
  it('is checked before any request, and the message does not repeat it', async () => {
    const hub = fakeHub();
    const error = await runSample({ trajectories: 'hf://datasets/o/n/data/*.parquet' }, { fetch: hub.fetch, env: { HF_TOKEN: 'not-a-token-value' } }).catch((e: unknown) => e);
    expect((error as TdError).message).toBe('HF_TOKEN (or HUGGINGFACE_API_KEY) is not a Hugging Face token: expected it to start with hf_');
    expect((error as TdError).exitCode).toBe(78);
    expect(hub.requests).toEqual([]);
  });

  it('is read from ./.env too, like the API key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-dotenv-'));
    writeFileSync(join(dir, '.env'), `HF_TOKEN=${TOKEN}\n`);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const hub = fakeHub();
      const extensionDir = mkdtempSync(join(tmpdir(), 'td-ext-'));
      const error = await runSample({ trajectories: 'hf://datasets/o/n/data/*.parquet', prs: FIXTURE_PRS, extensionDir }, { fetch: hub.fetch }).catch((e: unknown) => e);
      expect((error as TdError).message).toMatch(/^cannot load DuckDB's httpfs extension/);
      expect(hub.requests.length).toBeGreaterThan(0);
      expect(hub.requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
