import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { CLI, collect, parseJsonl, runCli, spawnCli, untilLines, interruptAfterOutput } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { jsonl, turnRecord } from '../helpers/records.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir('td-run-cmd-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An offline pipeline whose output is JSONL on stdout: the fixtures through td/replay and td/repair. */
function offlinePipeline(name: string, extra: string[] = []): string {
  const file = join(dir, name);
  const lines = ['[sample]', `trajectories = "${join(ROOT, 'fixtures/trajectories')}"`, `prs = "${join(ROOT, 'fixtures/prs')}"`, 'count = 30', '[king]', 'model = "td/replay"', '[challenge]', 'model = "td/repair"', ...extra];
  writeFileSync(file, lines.join('\n'));
  return file;
}

describe('td run', () => {
  test('the demo runs from the committed fixtures with no key, no network and an empty environment, and writes a real report', async () => {
    const out = join(dir, 'demo-report');
    const env = { PATH: process.env.PATH!, HOME: join(dir, 'home'), XDG_CACHE_HOME: join(dir, 'cache') };
    const child = spawn(process.execPath, [CLI, 'run', 'pipelines/demo.toml', '--set', `report.out=${out}`], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const result = await collect(child, '');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('Offline providers in this run: king: td/replay, challenger: td/repair, judge: td/rules.');
    expect(report).toMatch(/## Gate: (PASS|FAIL)/);
    const turns = readFileSync(join(out, 'turns.jsonl'), 'utf8').trim().split('\n');
    expect(turns).toHaveLength(40);
    expect(readFileSync(join(out, 'final.jsonl'), 'utf8').length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(result.stderr).toContain('td king: offline: 40 turns from td/replay (no model was asked)');
    expect(result.stderr).not.toMatch(/API key|ENOTFOUND|fetch failed/);
    // The cache directory was never needed: no model was asked.
    expect(existsSync(join(dir, 'cache', 'td'))).toBe(false);
  });

  test('a bad pipeline file: one line naming FILE:LINE and the key, exit 78, nothing read or written', async () => {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, ['[king]', 'model = "td/replay"', '', '[judge]', 'judges = ["rules"]', 'min-parsed = 2', '[report]', `out = "${join(dir, 'never')}"`].join('\n'));
    const result = await runCli(['run', file]);
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`td run: ${file}:6: [judge] min-parsed: expected a number from 0 to 1, got 2 (number)\n`);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  test('a pipeline that starts with a transform reads JSONL from --input and writes JSONL to stdout', async () => {
    const file = join(dir, 'from-jsonl.toml');
    writeFileSync(file, ['[king]', 'model = "td/replay"', '[validate]'].join('\n'));
    const input = join(dir, 'turns.jsonl');
    writeFileSync(input, `${jsonl([turnRecord({ id: 'a' })])}not json\n`);
    const result = await runCli(['run', file, '-i', input]);
    expect(result.code).toBe(65);
    expect(parseJsonl(result.stdout).map((r) => [r.id, r.king])).toEqual([['a', turnRecord().assistant]]);
    expect(result.stderr).toContain(`${input}:2: invalid-json: invalid JSON:`);
    expect(result.stderr).toContain('(td king)');
    const offlineSource = await runCli(['run', offlinePipeline('with-input.toml'), '-i', input]);
    expect(offlineSource.code).toBe(64);
    expect(offlineSource.stderr).toContain('td run: --input: ');
  });

  test('the reader going away (td run ... | head -1) ends the run with exit 0, like a single stage', async () => {
    const file = join(dir, 'head.toml');
    writeFileSync(file, ['[king]', 'model = "td/replay"', '[validate]'].join('\n'));
    const child = spawnCli(['run', file]);
    const done = collect(child);
    child.stdin!.end(jsonl(Array.from({ length: 3000 }, (_, n) => turnRecord({ id: `r${n}` }))));
    const [first] = await untilLines(child.stdout!, 1);
    expect(JSON.parse(first!).id).toBe('r0');
    child.stdout!.destroy();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|internal error/);
  });

  test('Ctrl-C stops reading, lets every stage finish what it holds, prints each summary and exits 130', async () => {
    const file = join(dir, 'sigint.toml');
    writeFileSync(file, ['[king]', 'model = "td/replay"', '[challenge]', 'model = "td/repair"'].join('\n'));
    const result = await interruptAfterOutput(['run', file], jsonl([turnRecord({ id: 'first' }), turnRecord({ id: 'second' })]), 2);
    expect(result.code).toBe(130);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['first', 'second']);
    expect(result.stderr).toContain('td: interrupted: no new input is read');
    expect(result.stderr).toMatch(/^td king: in 2, out 2, failed 0, /m);
    expect(result.stderr).toMatch(/^td challenge: in 2, out 2, failed 0, /m);
  });

  test('forced live bars go to stderr only: stdout holds exactly the records a run without progress writes', async () => {
    const file = offlinePipeline('bars.toml');
    const quiet = await runCli(['run', file, '--progress', 'off']);
    const bars = await runCli(['run', file, '--progress', 'bars']);
    expect([quiet.code, bars.code]).toEqual([0, 0]);
    expect(parseJsonl(quiet.stdout)).toHaveLength(30);
    expect(bars.stdout).toBe(quiet.stdout);
    // The renderer's final state: one line per stage, with its counts.
    expect(bars.stderr).toMatch(/challenge: in 30, out 30, 0 in flight, 0 failed/);
  });

  test.skipIf(spawnSync('script', ['--version']).status !== 0)('on a real terminal the bars draw on stderr and stdout stays data only', () => {
    const file = offlinePipeline('tty.toml');
    const plain = spawnSync(process.execPath, [CLI, 'run', file, '--progress', 'off'], { encoding: 'buffer' });
    const out = join(dir, 'tty-out.jsonl');
    const typescript = join(dir, 'typescript');
    // `script` gives td a terminal on stdin/stdout/stderr; stdout is redirected to a file inside it.
    const command = `stty rows 40 cols 120; "${process.execPath}" "${CLI}" run "${file}" > "${out}"`;
    const tty = spawnSync('script', ['-qec', command, typescript], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
    expect(tty.status).toBe(0);
    expect(readFileSync(out)).toEqual(plain.stdout);
    const screen = readFileSync(typescript, 'utf8');
    expect(screen).toMatch(/king: in 30, out 30/);
    expect(screen).toContain('td challenge: in 30, out 30, failed 0');

    // With stdout on the terminal too (-o FILE), listr2 colours its marks, unless NO_COLOR is set.
    const colourOf = (env: NodeJS.ProcessEnv): string => {
      const command = `stty rows 40 cols 120; "${process.execPath}" "${CLI}" run "${file}" -o "${out}"`;
      expect(spawnSync('script', ['-qec', command, typescript], { env: { ...env, TERM: 'xterm' } }).status).toBe(0);
      return readFileSync(typescript, 'utf8');
    };
    const { NO_COLOR: _unset, FORCE_COLOR: _unforced, ...base } = process.env;
    expect(colourOf(base)).toMatch(/\x1b\[3\dm/);
    expect(colourOf({ ...base, NO_COLOR: '1' })).not.toMatch(/\x1b\[3\dm/);
    expect(readFileSync(out)).toEqual(plain.stdout);
  });

  test('off a terminal, a plain progress line per stage every --progress-interval, on stderr; --quiet turns it off', async () => {
    server = await startChatServer({ latencyMs: 150 });
    const file = join(dir, 'slow.toml');
    writeFileSync(file, ['[king]', `base-url = "${server.url}"`, 'cache = false', 'concurrency = 1'].join('\n'));
    const input = jsonl(Array.from({ length: 6 }, (_, i) => turnRecord({ id: `r${i}`, messages: [...turnRecord().messages.slice(0, -1), { role: 'user', content: `Observation: ${i}\n` }] })));
    const env = { CHUTES_API_KEY: 'test-key-123456' };
    const shown = await runCli(['run', file, '--progress-interval', '0.3'], { input, env });
    expect(shown.code).toBe(0);
    expect(parseJsonl(shown.stdout)).toHaveLength(6);
    const lines = shown.stderr.split('\n').filter((line) => /^td king: in \d+, out \d+, \d+ in flight/.test(line));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^td king: in \d+, out \d+, \d+ in flight, 0 failed(, [\d.]+k? tokens)?(, [\d.]+\/s)?$/);
    const quiet = await runCli(['king', '--base-url', server.url, '--no-cache', '--concurrency', '1', '--progress-interval', '0.3', '--quiet'], { input, env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    // Single stage commands get the same progress.
    const single = await runCli(['king', '--base-url', server.url, '--no-cache', '--concurrency', '1', '--progress-interval', '0.3'], { input, env });
    expect(single.stderr.split('\n').filter((line) => /^td king: in \d+, out \d+, \d+ in flight/.test(line)).length).toBeGreaterThanOrEqual(1);
  });
});
