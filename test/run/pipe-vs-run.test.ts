import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { scripts, startChatServer, type ChatServer, type Script } from '../helpers/chat-server.js';
import { CLI, collect, runCli } from '../helpers/cli.js';
import { verdictReply } from '../helpers/judge.js';
import { tempDir } from '../helpers/llm.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TRAJECTORIES = join(ROOT, 'fixtures/trajectories');
const PRS = join(ROOT, 'fixtures/prs');
const ENV = { CHUTES_API_KEY: 'test-key-123456' };
const dir = tempDir('td-run-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: ChatServer;
afterEach(async () => server?.close());

/** Generation requests get a well-formed turn; judge requests a verdict that depends only on the request. */
const duelScript: Script = (request) => {
  const body = request.body!;
  if (!body.messages[1]?.content.includes('<<<CANDIDATE A')) return scripts.wellFormed()(request);
  const pick = createHash('sha256').update(request.text).digest()[0]! % 3;
  return verdictReply((['A', 'B', 'tie'] as const)[pick]!);
};

function filesOf(path: string): Record<string, string> {
  return Object.fromEntries(readdirSync(path).sort().map((name) => [name, readFileSync(join(path, name), 'utf8')]));
}

describe('td run against the unix pipe', () => {
  test('td run gives byte-identical report files to td sample | td king | td challenge | td judge | td report, from the same requests', async () => {
    server = await startChatServer({ script: duelScript });
    const llm = (cache: string): string => `--base-url ${server.url} --cache ${cache} --concurrency 4`;

    const file = join(dir, 'duel.toml');
    writeFileSync(
      file,
      [
        '[llm]',
        `base-url = "${server.url}"`,
        `cache = "${join(dir, 'cache-run')}"`,
        'concurrency = 4',
        '[sample]',
        `trajectories = "${TRAJECTORIES}"`,
        `prs = "${PRS}"`,
        'count = 12',
        'seed = 3',
        '[king]',
        '[challenge]',
        '[judge]',
        'judges = ["judge-a", "rules"]',
        '[report]',
        `out = "${join(dir, 'run-report')}"`,
      ].join('\n'),
    );
    const inProcess = await runCli(['run', file], { env: ENV });
    expect(inProcess.stdout).toBe('');
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const runRequests = server.chatRequests().map((r) => r.text).sort();
    server.reset();

    const td = `"${process.execPath}" "${CLI}"`;
    const cache = join(dir, 'cache-pipe');
    const pipe = [
      `${td} sample --trajectories ${TRAJECTORIES} --prs ${PRS} -n 12 --seed 3`,
      `${td} king ${llm(cache)}`,
      `${td} challenge ${llm(cache)}`,
      `${td} judge --judges judge-a,rules ${llm(cache)}`,
      `${td} report --out ${join(dir, 'pipe-report')}`,
    ].join(' | ');
    const piped = await collect(spawn('bash', ['-o', 'pipefail', '-c', pipe], { env: { ...process.env, ...ENV, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] }), '');
    expect(piped.code, piped.stderr).toBe(0);
    const pipeRequests = server.chatRequests().map((r) => r.text).sort();

    // 12 turns: a king and a challenger each, and the model judge in both orders (identical requests, from
    // rollouts that share a history, are asked once).
    expect(runRequests.length).toBeGreaterThan(24);
    expect(pipeRequests).toEqual(runRequests);
    const fromRun = filesOf(join(dir, 'run-report'));
    const fromPipe = filesOf(join(dir, 'pipe-report'));
    expect(Object.keys(fromRun)).toEqual(['.td-report', 'defeat.jsonl', 'dpo.jsonl', 'duel.json', 'final.jsonl', 'parse-fail.jsonl', 'refined.jsonl', 'report.html', 'report.md', 'sft.jsonl', 'summary.json', 'turns.jsonl']);
    for (const name of Object.keys(fromRun)) expect(fromRun[name], name).toBe(fromPipe[name]);
    expect(readFileSync(join(dir, 'run-report', 'turns.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);

    // One summary line per stage, in pipeline order, and the stages' own log lines under their names.
    const summaries = inProcess.stderr.split('\n').filter((line) => /^td \w+: in \d+, out \d+/.test(line));
    expect(summaries.map((line) => line.split(':')[0])).toEqual(['td sample', 'td king', 'td challenge', 'td judge', 'td report']);
    expect(inProcess.stderr).toMatch(/^td king: llm: 12 calls \(\d+ cached\), \d+ requests/m);
  });
});
