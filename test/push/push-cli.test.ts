import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, spawnCli } from '../helpers/cli.js';
import { hubServer, makeReport, pushEnv, reportRecords, runPush, TOKEN, treeOf } from '../helpers/push.js';
import { tempDir } from '../helpers/report.js';

const REPO = 'acme/duels';
/** Above the card's size, below the bucket files': both upload paths are exercised. */
const LFS_ABOVE = 12_000;
const args = (report: string, url: string, ...more: string[]): string[] => [report, '--repo', REPO, '--hub-url', url, '--progress', 'off', ...more];

describe('td push against a Hub stand-in', () => {
  it('creates the repository and commits exactly the dry run tree, byte for byte, in one commit', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    const out = join(tempDir(), 'tree');
    const dry = await runPush([...args(report, hub.url), '--dry-run', out], { env: {} });
    expect(dry.code, dry.stderr).toBe(0);
    expect(hub.requests).toEqual([]);
    expect(dry.stderr).toContain(`dry run: wrote the 5 files`);

    const result = await runPush(args(report, hub.url));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.hasRepo(REPO)).toBe(true);
    expect(hub.pushes).toHaveLength(1);
    const committed = hub.files(REPO);
    committed.delete('.gitattributes'); // the Hub's own initial commit
    expect([...committed.keys()].sort()).toEqual(['README.md', 'data/dpo.jsonl', 'data/final.jsonl', 'data/refined.jsonl', 'data/sft.jsonl']);
    expect(committed).toEqual(treeOf(out));
    expect(committed.get('data/final.jsonl')).toEqual(treeOf(report).get('final.jsonl'));
    // Large files went through the LFS path, small ones inline.
    expect(hub.entry(REPO, 'data/final.jsonl')?.lfs).toBeDefined();
    expect(hub.entry(REPO, 'README.md')?.lfs).toBeUndefined();
    expect(result.stderr).toMatch(/committed 5 of 5 files \(.+\) to acme\/duels@main in one commit [0-9a-f]{12}/);
  });

  it('makes no commit when the repository already holds the same files, and says so', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    expect((await runPush(args(report, hub.url))).code).toBe(0);
    const head = hub.head(REPO);
    const seen = hub.requests.length;
    const again = await runPush(args(report, hub.url));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`nothing to commit: acme/duels@main (${head!.slice(0, 12)}) already holds these 5 files; no commit made`);
    expect(hub.pushes).toHaveLength(1);
    expect(hub.head(REPO)).toBe(head);
    expect(hub.requests.slice(seen).map((request) => request.route)).toEqual(['revision', 'paths-info']);
  });

  it('commits only the files that changed, still as one commit', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    expect((await runPush(args(report, hub.url))).code).toBe(0);
    const second = await runPush(args(report, hub.url, '--license', 'cc-by-4.0'));
    expect(second.code, second.stderr).toBe(0);
    expect(hub.pushes).toHaveLength(2);
    expect(hub.pushes[1]!.operations).toEqual(['file README.md']);
    expect(hub.files(REPO).get('README.md')!.toString()).toContain('license: "cc-by-4.0"');
  });

  it('sends the token only in the Authorization header of Hub API requests and never prints it', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    const result = await runPush(args(report, hub.url));
    expect(result.code, result.stderr).toBe(0);
    expect(hub.tokenLeaks).toEqual([]);
    const api = hub.requests.filter((request) => !['upload', 'part', 'complete', 'chunk', 'xorb', 'shard'].includes(request.route));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const storage = hub.requests.filter((request) => request.route === 'upload');
    expect(storage.length).toBeGreaterThan(0);
    expect(storage.every((request) => request.authorization === undefined)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(result.stdout).toBe('');
  });

  it('reads the token from ./.env, and from --token-env NAME alone when given', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    const cwd = tempDir();
    writeFileSync(join(cwd, '.env'), `HF_TOKEN=${TOKEN}\n`);
    expect((await runPush(args(report, hub.url), { cwd, env: {} })).code).toBe(0);
    const named = await runPush(args(report, hub.url, '--token-env', 'TD_PUSH_TOKEN'), { env: { TD_PUSH_TOKEN: TOKEN, HF_TOKEN: 'hf_someOtherReadOnlyToken0000' } });
    expect(named.code, named.stderr).toBe(0);
    expect(hub.pushes).toHaveLength(1);
  });

  it('exits 78 without a token, naming the variables and never a value', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    const result = await runPush(args(report, hub.url), { env: {} });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('td push: no Hub token: set HF_TOKEN (or HUGGINGFACE_API_KEY)');
    expect(hub.requests).toEqual([]);
    const named = await runPush(args(report, hub.url, '--token-env', 'TD_PUSH_TOKEN'), { env: { HF_TOKEN: TOKEN } });
    expect(named.code).toBe(78);
    expect(named.stderr).toContain('no Hub token: TD_PUSH_TOKEN (named by --token-env) is not set');
  });

  it('exits 78 when the Hub refuses the token (401) or forbids the write (403), naming the variable, not the value', async () => {
    const refused = 'hf_RefusedToken00000000000000000';
    const hub = await hubServer({ readOnlyTokens: ['hf_ReadOnlyToken0000000000000000'] });
    const report = await makeReport();
    const bad = await runPush(args(report, hub.url), { env: { HF_TOKEN: refused } });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('td push: the Hub refused the token from HF_TOKEN while reading acme/duels@main (HTTP 401): Invalid credentials in Authorization header');
    expect(bad.stderr).not.toContain(refused);
    const readOnly = await runPush(args(report, hub.url), { env: { HUGGINGFACE_API_KEY: 'hf_ReadOnlyToken0000000000000000' } });
    expect(readOnly.code).toBe(78);
    expect(readOnly.stderr).toContain('the token from HUGGINGFACE_API_KEY may not do this: creating the dataset repository acme/duels (HTTP 403)');
    expect(readOnly.stderr).not.toContain('hf_ReadOnlyToken');
    expect(hub.hasRepo(REPO)).toBe(false);
  });

  it('retries a 5xx and commits once; after the last retry it exits 75 with nothing committed', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    hub.seedRepo(REPO);
    const before = hub.head(REPO);
    hub.fail('commit', { status: 503, times: 2, retryAfter: '0' });
    const retried = await runPush(args(report, hub.url));
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stderr).toContain('td push: warning: POST /api/datasets/acme/duels/commit/main: HTTP 503; retry 1 of 4 in 0.0s');
    expect(hub.pushes).toHaveLength(1);

    const other = 'acme/other';
    hub.seedRepo(other);
    const head = hub.head(other);
    hub.fail('commit', { status: 502, times: 100, retryAfter: '0' });
    const failed = await runPush([report, '--repo', other, '--hub-url', hub.url, '--progress', 'off']);
    expect(failed.code).toBe(75);
    expect(failed.stderr).toContain('td push: the Hub failed while committing to acme/other@main (HTTP 502, retried): injected 502; nothing was committed, rerun later');
    expect(hub.requests.filter((request) => request.route === 'commit' && request.path.includes('other'))).toHaveLength(5);
    expect(hub.head(other)).toBe(head);
    expect(hub.head(REPO)).not.toBe(before);
  });

  it('leaves the repository as it was when uploads keep breaking (75), when interrupted mid-upload (130) and when killed', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE });
    const report = await makeReport();
    hub.seedRepo(REPO, { 'README.md': 'old card\n' });
    const before = hub.head(REPO);
    hub.dropNextUploads(1000);
    const broken = await runPush(args(report, hub.url, '--retries', '2', '--max-retry-wait', '0.01'));
    expect(broken.code, broken.stderr).toBe(75);
    expect(broken.stderr).toMatch(/cannot reach the Hub while committing to acme\/duels@main \(.+, retried\); nothing was committed/);
    expect(hub.head(REPO)).toBe(before);

    hub.dropNextUploads(0);
    hub.holdUploads();
    const child = spawnCli(['push', ...args(report, hub.url)], { cwd: tempDir(), env: pushEnv({ HF_TOKEN: TOKEN }) });
    const started = hub.nextUpload();
    const done = collect(child);
    await started;
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('td push: interrupted: acme/duels@main holds all of this push or none of it (it is one commit); rerun td push to finish');
    expect(hub.pushes).toEqual([]);
    expect(hub.head(REPO)).toBe(before);
    expect(hub.files(REPO).get('README.md')!.toString()).toBe('old card\n');

    const killed = spawnCli(['push', ...args(report, hub.url)], { cwd: tempDir(), env: pushEnv({ HF_TOKEN: TOKEN }) });
    const uploading = hub.nextUpload();
    const gone = collect(killed);
    await uploading;
    killed.kill('SIGKILL');
    expect((await gone).signal).toBe('SIGKILL');
    expect(hub.pushes).toEqual([]);
    expect(hub.head(REPO)).toBe(before);
  });

  it('creates the repository private with --private, and a missing branch from main', async () => {
    const hub = await hubServer();
    const report = await makeReport();
    expect((await runPush(args(report, hub.url, '--private'))).code).toBe(0);
    expect(hub.isPrivate(REPO)).toBe(true);
    const main = hub.head(REPO);
    const branch = await runPush(args(report, hub.url, '--branch', 'v2', '--format', 'parquet'));
    expect(branch.code, branch.stderr).toBe(0);
    expect(hub.head(REPO)).toBe(main);
    expect([...hub.files(REPO, 'v2').keys()].filter((path) => path.startsWith('data/')).sort()).toEqual([
      'data/dpo.jsonl',
      'data/dpo.parquet',
      'data/final.jsonl',
      'data/final.parquet',
      'data/refined.jsonl',
      'data/refined.parquet',
      'data/sft.jsonl',
      'data/sft.parquet',
    ]);
    expect(hub.pushes.map((push) => push.branch)).toEqual(['main', 'v2']);
    // A new branch whose content main already holds is created, with no commit.
    const same = await runPush(args(report, hub.url, '--branch', 'same-as-main'));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain(`created the branch same-as-main at ${main!.slice(0, 12)}`);
    expect(same.stderr).toContain('nothing to commit');
    expect(hub.head(REPO, 'same-as-main')).toBe(main);
    expect(hub.pushes).toHaveLength(2);
  });

  it('prints upload progress on stderr: bytes, rate and ETA', async () => {
    const hub = await hubServer({ lfsThreshold: LFS_ABOVE, uploadBytesPerSecond: 400_000 });
    const report = await makeReport(reportRecords(6, 40_000));
    const result = await runPush([report, '--repo', REPO, '--hub-url', hub.url, '--progress', 'lines', '--progress-interval', '0.05']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('td push: uploading '));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.some((line) => /^td push: uploading [\d.]+ kB of [\d.]+ kB \(\d+%\), [\d.]+ (kB|MB)\/s, ETA \d+s$/.test(line))).toBe(true);
  });
});
