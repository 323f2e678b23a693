/**
 * kill -9 and resume, end to end: the whole pipe (`td sample | td king | td challenge | td judge | td
 * report`), or the same stages in one `td run`, is killed at a point drawn from a seed (when the server
 * receives its Nth request), then run again over the same request cache. The report's files equal those of an uninterrupted run byte for
 * byte, no turn appears twice, and the rerun asks the server exactly for the calls the killed run had
 * not finished (the ones missing from the cache).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cacache from 'cacache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { seededRandom } from '../../src/core/bootstrap.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { duelScript } from './duel-server.js';
import { duelFiles, duelPipe, filesUnder, FIXTURES, readJsonl, startPipe, TEST_JUDGES, workDir, type DuelFiles } from './pipe.js';

const env = { CHUTES_API_KEY: 'e2e-key-0123456789' };
const COUNT = 12;

// Replies depend on the request body alone (malformed and unparseable ones too), so a rerun gets the
// answers the first run got; transport faults are left to faults.test.ts, since a retry cut short by
// the kill would be asked again and blur the count of calls.
const duel = duelScript({ seed: 12, malformedBy: 'request', malformedRate: 0.1, hopelessRate: 0.08, unparseableRate: 0.2 });
let killAt: number | undefined;
let onKill: (() => void) | undefined;
let server: ChatServer;

beforeAll(async () => {
  server = await startChatServer({
    script: (request) => {
      if (request.index === killAt) onKill?.();
      return duel.script(request);
    },
  });
});
afterAll(async () => {
  await server.close();
  if (referenceDir) rmSync(referenceDir, { recursive: true, force: true });
});

interface Run {
  files: DuelFiles;
  requests: number;
  bodies: Set<string>;
}

/** The same run as one `td run` process: a pipeline file with the pipe's stages and settings. */
function pipelineFile(files: DuelFiles, dir: string): string {
  const path = join(dir, 'pipeline.toml');
  const q = (text: string): string => JSON.stringify(text);
  writeFileSync(
    path,
    [
      `[run]\nerrors = ${q(files.errors)}`,
      `[llm]\nbase-url = ${q(server.url)}\ncache = ${q(files.cache)}\nmax-retry-wait = 0.05\nconcurrency = 4`,
      `[sample]\ntrajectories = ${q(join(FIXTURES, 'trajectories'))}\nprs = ${q(join(FIXTURES, 'prs'))}\ncount = ${COUNT}\nseed = 5`,
      '[king]',
      '[challenge]',
      `[judge]\njudges = ${JSON.stringify(TEST_JUDGES.split(','))}`,
      `[report]\nout = ${q(files.report)}`,
    ].join('\n\n') + '\n',
  );
  return path;
}

type Mode = 'pipe' | 'td run';

/**
 * Runs the pipe (or `td run`) to its end; with `kill`, kills every process of it when the server
 * receives request number `kill` (0-based).
 */
async function run(files: DuelFiles, dir: string, kill?: number, mode: Mode = 'pipe'): Promise<Run & { killed: boolean }> {
  server.reset();
  const stages = mode === 'pipe' ? duelPipe({ url: server.url, files, count: COUNT, seed: 5 }) : [{ name: 'run', args: [pipelineFile(files, dir)] }];
  const pipe = startPipe(stages, { dir, env });
  killAt = kill;
  onKill = () => {
    onKill = undefined;
    pipe.kill();
  };
  const result = await pipe.done;
  killAt = undefined;
  onKill = undefined;
  await groupGone(pipe.child.pid!);
  // Requests the dead processes had already put on the wire are counted with this run, not the next.
  while (server.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const killed = result.signal === 'SIGKILL';
  // td report exits 0; td run sums up every stage, and the hopeless turns' format rejections make it 1.
  if (!killed && mode === 'pipe') expect(result.codes.report, result.stderr.report).toBe(0);
  if (!killed && mode === 'td run') expect(result.codes.run, result.stderr.run).toBe(1);
  const requests = server.chatRequests();
  return { files, killed, requests: requests.length, bodies: new Set(requests.map((r) => r.text)) };
}

/** Waits until no process of the killed pipe's group is left (none may still write to the cache). */
async function groupGone(pgid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function cachedCalls(files: DuelFiles): Promise<number> {
  return Object.keys(await cacache.ls(files.cache)).length;
}

function reportFiles(files: DuelFiles): Record<string, string> {
  return Object.fromEntries(filesUnder(files.report).map((name) => [name, readFileSync(join(files.report, name), 'utf8')]));
}

let reference: Run;
let referenceDir: string;

describe('kill -9 and resume', () => {
  beforeAll(async () => {
    referenceDir = mkdtempSync(join(tmpdir(), 'td-e2e-reference-'));
    reference = await run(duelFiles(referenceDir), referenceDir);
    expect(await cachedCalls(reference.files)).toBe(reference.requests);
    expect(duel.served.get('hopeless')).toBeGreaterThan(0);
    expect(duel.served.get('unparseable')).toBeGreaterThan(0);
    expect(readJsonl(join(reference.files.report, 'turns.jsonl')).length).toBeGreaterThan(COUNT / 2);
  });

  // Seed 3 is killed twice before the run that completes; seed 4 runs as one `td run` process instead of a pipe.
  it.each<[number, number, Mode]>([
    [1, 1, 'pipe'],
    [2, 1, 'pipe'],
    [3, 2, 'pipe'],
    [4, 1, 'td run'],
  ])('seed %i: killed %i time(s) at random points (%s), the rerun gives the same bytes and asks only what was not done', async (seed, kills, mode) => {
    const random = seededRandom(seed);
    const dir = workDir();
    const files = duelFiles(dir);
    let asked = new Set<string>();
    for (let k = 0; k < kills; k++) {
      const before = await cachedCalls(files).catch(() => 0);
      const point = Math.floor((0.1 + 0.8 * random()) * (reference.requests - before));
      const killed = await run(files, dir, point, mode);
      expect(killed.killed).toBe(true);
      expect(killed.requests).toBeGreaterThanOrEqual(point + 1); // requests already on the wire still arrive
      asked = new Set([...asked, ...killed.bodies]);
    }
    const done = await cachedCalls(files);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(reference.requests);

    const rerun = await run(files, dir, undefined, mode);
    expect(rerun.killed).toBe(false);
    // Exactly the calls missing from the cache were asked again; nothing was asked that the reference did not ask.
    expect(rerun.requests).toBe(reference.requests - done);
    expect(await cachedCalls(files)).toBe(reference.requests);
    for (const body of [...asked, ...rerun.bodies]) expect(reference.bodies.has(body)).toBe(true);

    expect(reportFiles(files)).toEqual(reportFiles(reference.files));
    const ids = readJsonl(join(files.report, 'turns.jsonl')).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The judge's output differs only in the fields that describe the run (cached, latency, retries).
    if (mode === 'pipe') expect(readJsonl(files.scored).map(withoutVolatile)).toEqual(readJsonl(reference.files.scored).map(withoutVolatile));
  });
});
