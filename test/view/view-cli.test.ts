import { createServer } from 'node:net';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { jsonl } from '../helpers/records.js';
import { tempDir } from '../helpers/report.js';
import { scoredRecord } from '../helpers/scored.js';
import { rawRequest } from '../helpers/view.js';

const URL_LINE = /^td view: (http:\/\/127\.0\.0\.1:(\d+)\/\?t=([0-9a-f]{64}))$/m;

/** Starts `td view ARGS`, waits for its URL line, and gives a way to stop it with a signal. */
async function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; port: number; token: string; stop(signal: NodeJS.Signals): Promise<CliResult>; stderr(): string }> {
  const child = spawnCli(['view', ...args], { env });
  const done = collect(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const check = (): void => {
      const found = URL_LINE.exec(stderr);
      if (found) resolve(found);
    };
    child.stderr!.on('data', check);
    void done.then((result) => reject(new Error(`td view exited ${result.code} before serving: ${result.stderr}`)));
  });
  return {
    url: match[1]!,
    port: Number(match[2]),
    token: match[3]!,
    stderr: () => stderr,
    stop: (signal) => {
      child.kill(signal);
      return done;
    },
  };
}

function input(records: readonly unknown[] = [scoredRecord({ index: 0 }), scoredRecord({ index: 1 })]): string {
  const path = join(tempDir('td-view-cli-'), 'scored.jsonl');
  writeFileSync(path, jsonl(records));
  return path;
}

describe('td view (CLI)', () => {
  it('prints one URL line, serves it, and exits 130 on Ctrl-C and 143 on SIGTERM', async () => {
    for (const [signal, code, word] of [
      ['SIGINT', 130, 'interrupted'],
      ['SIGTERM', 143, 'SIGTERM'],
    ] as const) {
      const view = await startCli([input()]);
      const page = await rawRequest(view.port, { path: `/?t=${view.token}`, headers: { host: `127.0.0.1:${view.port}` } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('2</strong> <span>of 2 turns match');
      const result = await view.stop(signal);
      expect(result.code).toBe(code);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines.filter((line) => URL_LINE.test(line))).toHaveLength(1);
      expect(lines[0]).toMatch(/^td view: in 2, out 2, failed 0, \d+\.\ds$/);
      expect(lines.at(-1)).toBe(`td view: ${word}: stopping`);
    }
  });

  it('reports bad lines as FILE:LINE, to --errors too, and leaves them out', async () => {
    const dir = tempDir('td-view-cli-');
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(path, JSON.stringify(scoredRecord({ index: 0 })) + '\n{oops\n' + JSON.stringify({ ...scoredRecord({ index: 1 }), score: 'high' }) + '\n' + JSON.stringify(scoredRecord({ index: 2 })) + '\n');
    const errors = join(dir, 'errors.jsonl');
    const view = await startCli([path, '--errors', errors]);
    const result = await view.stop('SIGINT');
    expect(result.stderr).toContain(`${path}:2: invalid-json: invalid JSON: `);
    expect(result.stderr).toContain(`${path}:3: schema: score: expected number, got "high" (string) (td view)`);
    expect(result.stderr).toMatch(new RegExp(`td view: in 4, out 2, failed 2 \\(invalid-json 1, schema 1\\), \\d+\\.\\ds \\(see ${errors.replace(/[/.]/g, '\\$&')}\\)`));
    const entries = readFileSync(errors, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => [e.stage, e.reason, e.line, e.source])).toEqual([
      ['view', 'invalid-json', 2, path],
      ['view', 'schema', 3, path],
    ]);
    expect(entries[0]!.raw).toBe('{oops');
    expect((entries[1]!.record as { id: string }).id).toBe(scoredRecord({ index: 1 }).id);
  });

  it('warns when --host is not loopback, and still prints a loopback URL', async () => {
    const view = await startCli([input(), '--host', '0.0.0.0']);
    const result = await view.stop('SIGINT');
    expect(result.stderr).toContain('td view: warning: serving on 0.0.0.0, not only this machine: anyone who can reach it and has the URL can read these records and write marks');
    expect(result.stderr).toMatch(URL_LINE);
  });

  it('opens $BROWSER with the URL when asked', async () => {
    const dir = tempDir('td-view-cli-');
    const opened = join(dir, 'opened.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" > ${JSON.stringify(opened)}\n`);
    chmodSync(browser, 0o755);
    const view = await startCli([input(), '--open'], { BROWSER: browser });
    for (let i = 0; i < 100; i++) {
      try {
        if (readFileSync(opened, 'utf8') !== '') break;
      } catch {
        // not written yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await view.stop('SIGINT');
    expect(readFileSync(opened, 'utf8')).toBe(`${view.url}\n`);
  });

  it('fails before serving: missing PATH 66, bad flag 64, port in use 64, bad marks file 65', async () => {
    const dir = tempDir('td-view-cli-');
    const missing = await runCli(['view', join(dir, 'nope.jsonl')]);
    expect([missing.code, missing.stderr]).toEqual([66, `td view: cannot read input ${join(dir, 'nope.jsonl')}: no such file or directory\n`]);
    const badPort = await runCli(['view', input(), '--port', 'abc']);
    expect([badPort.code, badPort.stderr]).toEqual([64, 'td view: --port: expected an integer from 0 to 65535, got "abc" (string)\n']);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runCli(['view', input(), '--port', String(port)]);
      expect([busy.code, busy.stderr]).toEqual([64, `td view: cannot listen on 127.0.0.1:${port}: the port is in use (leave --port out for a free one)\n`]);
    } finally {
      blocker.close();
    }
    const path = input();
    writeFileSync(`${path}.marks.jsonl`, '{"id":"a","mark":"nope"}\n');
    const badMarks = await runCli(['view', path]);
    expect(badMarks.code).toBe(65);
    expect(badMarks.stderr).toBe(
      `td view: marks file ${path}.marks.jsonl has 1 bad line (fix or remove it; no mark was applied):\n${path}.marks.jsonl:1: mark: expected one of "accept"|"reject"|"clear", got "nope" (string)\n`,
    );
  });

  it('is listed in td --help', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/view \[options\] <path> +look at turns in a browser and mark them accept\/reject/);
  });
});
