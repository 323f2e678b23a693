/**
 * Ctrl-C while a call waits out a capped Retry-After: the summary and the errors file count only the
 * waits that elapsed and the retries that were sent, not the wait that was cut short nor the retry that
 * never went out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { collect, parseJsonl, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { jsonl, turnRecord } from '../helpers/records.js';

let server: ChatServer;
afterEach(async () => server?.close());

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('Ctrl-C during a capped Retry-After wait', () => {
  test('counts no retry and no wait that did not happen', async () => {
    server = await startChatServer({ script: () => ({ fault: 'rate-limit', retryAfter: 120 }) });
    const errors = join(tempDir(), 'errors.jsonl');
    const child = spawnCli(['king', '--base-url', server.url, '--no-cache', '--grace', '0.2', '--max-retry-wait', '60', '--errors', errors], { env: { CHUTES_API_KEY: 'test-key-123456' } });
    const done = collect(child, jsonl([turnRecord({ id: 'r0' })]));
    await until(() => server.chatRequests().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(server.chatRequests()).toHaveLength(1);
    const llmLine = result.stderr.split('\n').find((line) => line.startsWith('td king: llm: '));
    expect(llmLine).toBe('td king: llm: 0 calls (0 cached), 1 requests, 1 rate-limited (1 slow-downs); tokens 0 prompt + 0 completion');
    const [entry] = parseJsonl(readFileSync(errors, 'utf8'));
    expect(entry).toMatchObject({ id: 'r0', kind: 'transient', reason: 'interrupted' });
    expect(entry!.error).toBe('not retried: the run was interrupted (HTTP 429 from the server: 429 rate limited)');
  });
});
