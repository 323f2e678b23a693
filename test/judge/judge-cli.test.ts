import { readFileSync, writeFileSync } from 'node:fs';
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

  test('--max-cost: a spent budget exits 75 with the records not done as budget; a larger budget resumes from the cache; no price exits 78', async () => {
    server = await startChatServer({ script: judgeScript((call) => ({ ...prefers('challenger')(call), usage: { prompt_tokens: 1000, completion_tokens: 0 } })) });
    const dir = tempDir();
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ deepseek: { prompt: 1, completion: 1 } }));
    const errors = join(dir, 'errors.jsonl');
    const env = { CHUTES_API_KEY: 'test-key-123456' };
    const args = (budget: string) => ['judge', '--judges', 'deepseek', '--panel', 'full', '-c', '1', '--base-url', server!.url, '--cache', join(dir, 'cache'), '--prices', prices, '--max-cost', budget, '--errors', errors];
    const input = jsonl([duelRecord(0), duelRecord(1), duelRecord(2)]);
    // $0.001 a call, one endpoint slot: the first call spends the $0.0005 budget, no other starts, and
    // every record (each needs two calls) fails as budget.
    const first = await runCli(args('0.0005'), { input, cwd: dir, env });
    expect(first.code).toBe(75);
    expect(first.stdout).toBe('');
    expect(parseJsonl(readFileSync(errors, 'utf8')).map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r0:transient:budget', 'r1:transient:budget', 'r2:transient:budget']);
    expect(first.stderr).toContain('(process: $0.0010 of the $0.00 budget)');
    expect(server!.chatRequests()).toHaveLength(1);
    server!.reset();
    // A larger budget resumes: the call the first run paid for comes from the cache.
    const second = await runCli(args('1'), { input, cwd: dir, env });
    expect(second.code).toBe(0);
    expect(parseJsonl(second.stdout).map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
    expect(server!.chatRequests()).toHaveLength(5);

    const unpriced = await runCli(['judge', '--judges', 'deepseek,qwen', '--base-url', server!.url, '--prices', prices, '--max-cost', '1'], { input, cwd: dir, env });
    expect(unpriced.code).toBe(78);
    expect(unpriced.stdout).toBe('');
    expect(unpriced.stderr).toContain('has no price for "qwen"');
    const run = join(dir, 'judge.toml');
    writeFileSync(run, `[judge]\njudges = ["deepseek"]\nbase-url = "${server!.url}"\n`);
    const noTable = await runCli(['run', run, '--max-cost', '1'], { input, cwd: dir, env });
    expect(noTable.code).toBe(78);
    expect(noTable.stderr).toContain('--max-cost needs --prices');
  });
});
