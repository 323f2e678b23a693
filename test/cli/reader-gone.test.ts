import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { jsonl, turnRecord } from '../helpers/records.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs `td ARGS < INPUT | head -1` in bash: a real pipe to a reader that exits after one line. */
async function throughHead(args: string, input: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ td: number; stdout: string; stderr: string }> {
  const script = `"$NODE" "$TD" ${args} < "${input}" 2> td-stderr | head -1; echo "\${PIPESTATUS[0]}" > td-status`;
  // Not spawnSync: the chat server runs in this process and must keep answering.
  const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, NO_COLOR: '1', TD: CLI, NODE: process.execPath, ...env } });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await once(child, 'close');
  return { td: Number(readFileSync(join(cwd, 'td-status'), 'utf8')), stdout, stderr: readFileSync(join(cwd, 'td-stderr'), 'utf8') };
}

describe('td ... | head -1', () => {
  test('td king exits 0, says at most its closing line, and the records cut short are no failures', async () => {
    server = await startChatServer({ latencyMs: 50 });
    const dir = tempDir('td-head-');
    const input = join(dir, 'in.jsonl');
    const records = Array.from({ length: 200 }, (_, i) => turnRecord({ id: `r${i}`, messages: [...turnRecord().messages.slice(0, -1), { role: 'user', content: `Observation: ${i}\n` }] }));
    writeFileSync(input, jsonl(records));
    const result = await throughHead(`king --base-url ${server.url} --no-cache --errors errors.jsonl`, input, dir, { CHUTES_API_KEY: 'test-key-123456' });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'r0' });
    expect(result.td).toBe(0);
    expect(result.stderr.trim().split('\n').filter(Boolean).length, result.stderr).toBeLessThanOrEqual(1);
    expect(result.stderr).not.toContain('interrupted');
    expect(readFileSync(join(dir, 'errors.jsonl'), 'utf8')).toBe('');
  });

  test('td validate and td king -m td/replay over a large input: the same', async () => {
    const dir = tempDir('td-head-');
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, jsonl(Array.from({ length: 3000 }, (_, i) => turnRecord({ id: `r${i}` }))));
    for (const args of ['validate --errors errors.jsonl', 'king -m td/replay --no-cache --errors errors.jsonl']) {
      const result = await throughHead(args, input, dir);
      expect(result.td).toBe(0);
      expect(result.stderr.trim().split('\n').filter(Boolean).length, result.stderr).toBeLessThanOrEqual(1);
      expect(readFileSync(join(dir, 'errors.jsonl'), 'utf8')).toBe('');
    }
  });
});
