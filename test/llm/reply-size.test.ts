/**
 * `--max-reply-bytes`: a reply larger than the cap is rejected as `oversized-reply` (permanent: the same
 * request would get the same reply) without being held whole: the connection is cut as soon as the cap
 * is passed, or at once when the reply announces its length.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { EndpointOptionsSchema } from '../../src/llm/endpoint-options.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { parseJsonl, runCli } from '../helpers/cli.js';
import { ask, llmFor, tempDir } from '../helpers/llm.js';
import { jsonl, turnRecord } from '../helpers/records.js';

let server: ChatServer;
afterEach(async () => server?.close());

const MiB = 1024 ** 2;

describe('the reply size cap', () => {
  test('a 50 MB reply is cut off once past the default cap (4 MiB), rejected as oversized-reply, not retried and not read whole', async () => {
    server = await startChatServer({ script: () => ({ fault: 'large', bytes: 50 * MiB }) });
    const { llm, t } = llmFor(server, { retries: 3 });
    const result = await ask(llm);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'rejected', reason: 'oversized-reply', message: 'the reply is larger than 4MiB (--max-reply-bytes); not read further' }, meta: { status: 'oversized-reply' } });
    expect(server.chatRequests()).toHaveLength(1);
    expect(server.bytesSent).toBeLessThan(12 * MiB);
    expect(t.runtime.stats.get('retries')).toBe(0);
  });

  test('a reply that announces a length over the cap is refused before its body is read', async () => {
    server = await startChatServer({ script: () => ({ fault: 'large', bytes: 8 * MiB, contentLength: true }) });
    const { llm } = llmFor(server, { maxReplyBytes: '1MiB' });
    expect(await ask(llm)).toMatchObject({ ok: false, failure: { reason: 'oversized-reply', message: 'the reply is larger than 1MiB (--max-reply-bytes); not read further' } });
    expect(server.bytesSent).toBeLessThan(6 * MiB);
  });

  test('a reply within the cap is read as usual', async () => {
    server = await startChatServer({ script: () => ({ fault: 'large', bytes: 900 * 1024 }) });
    const { llm } = llmFor(server, { maxReplyBytes: '1MiB' });
    expect(await ask(llm)).toMatchObject({ ok: true, reply: { content: 'THOUGHT: Large.\n\n```bash\nls\n```' } });
  });

  test('the flag takes a byte size', () => {
    expect(EndpointOptionsSchema.parse({}).maxReplyBytes).toBe(4 * MiB);
    expect(EndpointOptionsSchema.parse({ maxReplyBytes: '512KiB' }).maxReplyBytes).toBe(512 * 1024);
    expect(EndpointOptionsSchema.safeParse({ maxReplyBytes: 'lots' }).success).toBe(false);
  });

  test('td king --max-reply-bytes: the record goes to the errors file as rejected/oversized-reply, exit 1', async () => {
    server = await startChatServer({ script: () => ({ fault: 'large', bytes: 2 * MiB }) });
    const dir = tempDir();
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['king', '--base-url', server.url, '--no-cache', '--max-reply-bytes', '64KiB', '--errors', errors], { input: jsonl([turnRecord({ id: 'r0' })]), env: { CHUTES_API_KEY: 'test-key-123456' }, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(parseJsonl(readFileSync(errors, 'utf8')).map((e) => `${e.id}:${e.kind}:${e.reason}:${e.error}`)).toEqual(['r0:rejected:oversized-reply:the reply is larger than 64KiB (--max-reply-bytes); not read further']);
  });
});
