import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { afterEach, describe, expect, test } from 'vitest';
import { replies, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { collect, parseJsonl, runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { distinctTurnRecords, jsonl } from '../helpers/records.js';

let server: ChatServer;
afterEach(async () => server?.close());

const env = { CHUTES_API_KEY: 'test-key-123456' };


async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('interruptions', () => {
  test('kill -9 mid-run leaves a sound cache; the rerun asks only what was not done and completes', async () => {
    server = await startChatServer({ latencyMs: 25 });
    const cache = tempDir();
    const input = jsonl(distinctTurnRecords(40));
    const args = ['king', '--base-url', server.url, '--cache', cache, '--concurrency', '4'];
    const child = spawnCli(args, { env });
    const done = collect(child, input);
    await until(() => server.chatRequests().length >= 16);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const askedBefore = server.chatRequests().length;

    const stats = await cacache.verify(cache);
    expect(stats.badContentCount).toBe(0);

    const rerun = await runCli(args, { input, env });
    expect(rerun.code).toBe(0);
    expect(parseJsonl(rerun.stdout).map((r) => r.id)).toEqual(distinctTurnRecords(40).map((r) => r.id));
    const askedAgain = server.chatRequests().length - askedBefore;
    expect(askedAgain).toBeLessThan(40);
    // Only calls in flight at the kill (at most the stage's records in progress: 2 x 4) are asked twice.
    expect(askedBefore + askedAgain).toBeLessThanOrEqual(40 + 8);
  });

  test('Ctrl-C: after the grace period calls in flight are aborted, reported as transient, and the exit code is 130', async () => {
    server = await startChatServer({ script: (request) => (request.body!.messages.at(-1)!.content.includes('item 0') ? replies.bash('fast', 'ls') : { fault: 'hang' }) });
    const errors = join(tempDir(), 'errors.jsonl');
    const child = spawnCli(['king', '--base-url', server.url, '--no-cache', '--grace', '0.2', '--errors', errors], { env });
    // All input is given (stdin closed), as with `td king < file`.
    const done = collect(child, jsonl(distinctTurnRecords(3)));
    await until(() => server.chatRequests().length === 3);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['r0']);
    expect(parseJsonl(readFileSync(errors, 'utf8')).map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r1:transient:interrupted', 'r2:transient:interrupted']);
    await until(() => server.inFlight === 0);
  });
});
