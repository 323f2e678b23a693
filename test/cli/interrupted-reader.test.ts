import { afterEach, describe, expect, test } from 'vitest';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { collect, spawnCli } from '../helpers/cli.js';
import { jsonl, turnRecord } from '../helpers/records.js';

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Ctrl-C that also takes the reader away', () => {
  test('exits 130, not 0: the broken pipe came with the interrupt (the whole pipe got Ctrl-C)', async () => {
    server = await startChatServer({ latencyMs: 400 });
    const child = spawnCli(['king', '--base-url', server.url, '--no-cache', '--grace', '5'], { env: { CHUTES_API_KEY: 'test-key-123456' } });
    const done = collect(child, jsonl([turnRecord({ id: 'r0' })]));
    await until(() => server!.chatRequests().length === 1);
    // As when Ctrl-C reaches `td king | head` at once: the reader dies, td is interrupted, and the reply
    // that arrives within the grace period meets a closed pipe.
    child.stdout!.destroy();
    child.kill('SIGINT');
    const result = await done;
    expect(result.stderr).toContain('td: interrupted: no new input is read');
    expect(result.code).toBe(130);
  });
});
