import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { scripts, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { CLI, collect, parseJsonl, runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { distinctTurnRecords, jsonl } from '../helpers/records.js';

let server: ChatServer;
afterEach(async () => server?.close());


describe('td king / td challenge as commands', () => {
  test('a missing API key is one line on stderr and exit 78, before any input is read', async () => {
    const child = spawnCli(['king'], { cwd: tempDir(), env: { CHUTES_API_KEY: '' } });
    // stdin is left open: the command must not wait for input before checking its configuration.
    const result = await collect(child);
    child.stdin?.destroy();
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('td king: no API key: set CHUTES_API_KEY in the environment or in ./.env (or name another variable with --api-key-env)\n');
  });

  test('the API key appears in no output, log line or errors entry, even when the server echoes it', async () => {
    const key = 'plainlooking-secret-98765';
    server = await startChatServer({
      script: (request) =>
        request.body!.messages.at(-1)!.content.includes('item 0')
          ? scripts.wellFormed()(request)
          : { fault: 'status', status: 500, body: JSON.stringify({ error: { message: `upstream rejected ${String(request.headers.authorization)} for key ${key}` } }) },
    });
    const dir = tempDir();
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['king', '--base-url', server.url, '--api-key-env', 'MY_KEY', '--no-cache', '--retries', '1', '--max-retry-wait', '0.01', '--errors', errors], {
      input: jsonl(distinctTurnRecords(3)),
      env: { MY_KEY: key },
      cwd: dir,
    });
    expect(result.code).toBe(75);
    expect(server.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${key}`);
    const errorsText = readFileSync(errors, 'utf8');
    expect(parseJsonl(errorsText).map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r1:transient:http-500', 'r2:transient:http-500']);
    expect(result.stderr).toContain('[REDACTED]');
    for (const text of [result.stdout, result.stderr, errorsText]) expect(text).not.toContain(key);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['r0']);
  });

  test('a key the endpoint refuses exits 78, not 75: rerunning cannot help until the key is fixed', async () => {
    server = await startChatServer({ apiKey: 'the-right-key' });
    const dir = tempDir();
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['king', '--base-url', server.url, '--no-cache', '--errors', errors], {
      input: jsonl(distinctTurnRecords(3)),
      env: { CHUTES_API_KEY: 'a-wrong-key-0123456789' },
      cwd: dir,
    });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(parseJsonl(readFileSync(errors, 'utf8')).map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r0:config:http-401', 'r1:config:http-401', 'r2:config:http-401']);
  });

  test('two processes sharing one cache at once both finish with the same correct output; a third run asks nothing', async () => {
    server = await startChatServer({ latencyMs: 15 });
    const cache = tempDir();
    const input = jsonl(distinctTurnRecords(30));
    const args = ['king', '--base-url', server.url, '--cache', cache, '--concurrency', '4'];
    const env = { CHUTES_API_KEY: 'test-key-123456' };
    const [a, b] = await Promise.all([runCli(args, { input, env }), runCli(args, { input, env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const outA = parseJsonl(a.stdout);
    const outB = parseJsonl(b.stdout);
    expect(outA.map((r) => r.id)).toEqual(distinctTurnRecords(30).map((r) => r.id));
    expect(outB.map(withoutVolatile)).toEqual(outA.map(withoutVolatile));
    expect(server.chatRequests().length).toBeLessThanOrEqual(60);
    const before = server.chatRequests().length;
    const c = await runCli(args, { input, env });
    expect(c.code).toBe(0);
    expect(server.chatRequests()).toHaveLength(before);
    expect(parseJsonl(c.stdout).map(withoutVolatile)).toEqual(outA.map(withoutVolatile));
    expect(c.stderr).toContain('llm: 30 calls (30 cached), 0 requests');
  });

  test('td king | td challenge: each stage adds its field and leaves the other untouched', async () => {
    server = await startChatServer();
    const flags = `--base-url ${server.url} --no-cache`;
    const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" king ${flags} | "${process.execPath}" "${CLI}" challenge ${flags}`], {
      env: { ...process.env, CHUTES_API_KEY: 'test-key-123456' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const result = await collect(child, jsonl(distinctTurnRecords(3)));
    expect(result.code).toBe(0);
    const out = parseJsonl(result.stdout);
    expect(out.map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
    for (const record of out) {
      expect(typeof record.king).toBe('string');
      expect(typeof record.challenger).toBe('string');
      expect(record.king).not.toBe(record.challenger);
      expect(Object.keys(record.meta as object).sort()).toEqual(['challenger', 'king']);
    }
    const kingRequests = server.chatRequests().filter((r) => !r.text.includes('BLIND-AGENT'));
    expect(kingRequests).toHaveLength(3);
  });

  test('flags are validated before anything runs', async () => {
    const result = await runCli(['challenge', '--concurrency', '0', '--base-url', 'nope'], { input: '', env: { CHUTES_API_KEY: 'test-key-123456' } });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('td challenge: --base-url: expected an http(s) URL such as https://llm.chutes.ai/v1, got "nope" (string); --concurrency: expected an integer from 1 to 4096, got 0 (number)\n');
  });
});
