import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { parseJsonl, runCli } from '../helpers/cli.js';
import { duelRecord, judgeScript, prefers } from '../helpers/judge.js';
import { tempDir } from '../helpers/llm.js';
import { jsonl } from '../helpers/records.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('td judge as a command', () => {
  test('--judges rules runs without an API key, and its output passes td validate --as scored', async () => {
    const dir = tempDir();
    const input = jsonl([duelRecord(0), duelRecord(1)]);
    const judged = await runCli(['judge', '--judges', 'rules'], { input, cwd: dir, env: { CHUTES_API_KEY: '' } });
    expect(judged.code).toBe(0);
    const out = parseJsonl(judged.stdout);
    expect(out.map((r) => [r.id, r.score])).toEqual([
      ['r0', 50],
      ['r1', 50],
    ]);
    expect(judged.stderr).toContain('td judge: judge: 2 turns scored, 0 parse-fail (score null); verdicts 4 parsed, 0 abstained; 0 flips');
    const validated = await runCli(['validate', '--as', 'scored'], { input: judged.stdout, cwd: dir });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toBe(judged.stdout);
  });

  test('a judge that is down makes the run exit 75 with the records in the errors file; the rerun finishes them', async () => {
    server = await startChatServer({ script: judgeScript((call) => (call.model === 'qwen' ? { fault: 'status', status: 503 } : prefers('challenger')(call))) });
    const dir = tempDir();
    const errors = join(dir, 'errors.jsonl');
    const args = ['judge', '--judges', 'deepseek,qwen', '--base-url', server.url, '--cache', join(dir, 'cache'), '--retries', '0', '--errors', errors];
    const env = { CHUTES_API_KEY: 'test-key-123456' };
    const first = await runCli(args, { input: jsonl([duelRecord(0)]), cwd: dir, env });
    expect(first.code).toBe(75);
    expect(first.stdout).toBe('');
    const entries = parseJsonl(readFileSync(errors, 'utf8'));
    expect(entries.map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r0:transient:http-503']);

    server.reset();
    server.setScript(judgeScript(prefers('challenger')));
    const replay = entries.map((e) => e.record);
    const second = await runCli(args, { input: jsonl(replay), cwd: dir, env });
    expect(second.code).toBe(0);
    expect(parseJsonl(second.stdout).map((r) => r.score)).toEqual([100]);
    expect(server.chatRequests().map((r) => r.body!.model)).toEqual(['qwen', 'qwen']);
  });
});
