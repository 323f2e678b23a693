import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { hubServer, makeReport, reportRecords, runPush, TOKEN, treeOf } from '../helpers/push.js';
import { tempDir } from '../helpers/report.js';

const REPO = 'acme/duels';
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function rowsOf(path: string): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
    return reader.getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('td push: large-file paths and formats', () => {
  it('uploads large files in parts when the Hub answers with a multipart transfer', async () => {
    const hub = await hubServer({ lfsThreshold: 12_000, transfer: 'multipart', partBytes: 5000 });
    const report = await makeReport();
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--progress', 'off']);
    expect(result.code, result.stderr).toBe(0);
    expect(hub.requests.filter((request) => request.route === 'part').length).toBeGreaterThan(3);
    expect(hub.requests.filter((request) => request.route === 'complete').length).toBeGreaterThan(0);
    expect(hub.files(REPO).get('data/final.jsonl')).toEqual(treeOf(report).get('final.jsonl'));
    expect(hub.pushes).toHaveLength(1);
    expect(hub.tokenLeaks).toEqual([]);
  });

  it('uploads through Xet (the library default) when the Hub answers with a Xet transfer: chunks to the CAS with its own token', async () => {
    const hub = await hubServer({ lfsThreshold: 12_000, transfer: 'xet' });
    // One large file only, whose content-defined chunks never repeat: the stand-in rebuilds it from the xorbs.
    const report = await makeReport(reportRecords(3, 60_000));
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--include', 'final', '--progress', 'off']);
    expect(result.code, result.stderr).toBe(0);
    const routes = hub.requests.map((request) => request.route);
    expect(routes).toContain('xorb');
    expect(routes).toContain('shard');
    expect(routes).not.toContain('upload');
    const final = treeOf(report).get('final.jsonl')!;
    expect(hub.entry(REPO, 'data/final.jsonl')?.lfs).toEqual({ oid: sha256(final), size: final.length });
    expect(hub.files(REPO).get('data/final.jsonl')).toEqual(final);
    const cas = hub.requests.filter((request) => ['chunk', 'xorb', 'shard'].includes(request.route));
    expect(cas.every((request) => request.authorization !== undefined && !request.authorization.includes(TOKEN))).toBe(true);
    expect(hub.tokenLeaks).toEqual([]);
  });

  it('publishes parquet through DuckDB: the same rows, declared columns for the exports, and no commit on a re-push', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    const include = ['--include', 'final,sft,dpo,turns', '--format', 'parquet'];
    const out = join(tempDir(), 'tree');
    const dry = await runPush([report, '--repo', REPO, '--hub-url', hub.url, ...include, '--dry-run', out], { env: {} });
    expect(dry.code, dry.stderr).toBe(0);
    const first = await runPush([report, '--repo', REPO, '--hub-url', hub.url, ...include, '--progress', 'off']);
    expect(first.code, first.stderr).toBe(0);
    const committed = hub.files(REPO);
    committed.delete('.gitattributes');
    expect(committed).toEqual(treeOf(out));
    expect(hub.entry(REPO, 'data/sft.parquet')?.lfs).toBeDefined();

    const sft = (await rowsOf(join(out, 'data', 'sft.parquet'))) as Array<{ messages: Array<{ role: string }>; metadata: { id: string } }>;
    const jsonl = treeOf(report).get('sft.jsonl')!.toString().trim().split('\n').map((line) => JSON.parse(line) as { metadata: { id: string } });
    expect(sft.map((row) => row.metadata.id)).toEqual(jsonl.map((row) => row.metadata.id));
    expect(sft[0]!.messages.at(-1)!.role).toBe('assistant');
    const final = (await rowsOf(join(out, 'data', 'final.parquet'))) as Array<{ id: string; challenger: string }>;
    expect(final.map((row) => row.id)).toEqual(treeOf(report).get('final.jsonl')!.toString().trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id));

    const again = await runPush([report, '--repo', REPO, '--hub-url', hub.url, ...include, '--progress', 'off']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing to commit');
    expect(hub.pushes).toHaveLength(1);
  });

  it('refuses to publish a report file that holds the token, before contacting the Hub (65)', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    writeFileSync(join(report, 'sft.jsonl'), `{"messages":[{"role":"user","content":"my key is ${TOKEN}"}]}\n`);
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--progress', 'off']);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain(`td push: ${join(report, 'sft.jsonl')} holds the value of the Hub token (HF_TOKEN): refusing to publish it`);
    expect(result.stderr).not.toContain(TOKEN);
    expect(hub.requests).toEqual([]);
  });

  it('does not overwrite a commit that landed after it compared: a concurrent change ends in 75, nothing committed', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    hub.seedRepo(REPO);
    // Another writer commits between td's comparison and its commit: the commit's parent no longer matches.
    hub.fail('commit', { status: 412, times: 1 });
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--progress', 'off']);
    expect(result.code).toBe(75);
    expect(result.stderr).toContain('td push: acme/duels@main moved while td pushed (another commit landed first); nothing of this push was committed: rerun td push');
    expect(hub.pushes).toEqual([]);
  });

  it('takes a commit whose reply was lost for done: the retry is refused (412), and the branch already holds every file', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    hub.seedRepo(REPO);
    hub.fail('commit', { status: 500, times: 1, retryAfter: '0', afterApplying: true });
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--progress', 'off']);
    expect(result.code, result.stderr).toBe(0);
    expect(hub.pushes).toHaveLength(1);
    expect(hub.requests.filter((request) => request.route === 'commit').map((request) => request.status)).toEqual([500, 412]);
    expect(result.stderr).toMatch(/committed 5 of 5 files .* to acme\/duels@main in one commit [0-9a-f]{12}/);
  });
});
