/**
 * td's own API key must never reach a byte td writes, even when the endpoint echoes it: in a 200 reply
 * (a misbehaving proxy), raw or JSON-escaped, or in an error message long enough to be cut for display.
 * A key no header can carry (whitespace, control characters) is a configuration error before any request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import cacache from 'cacache';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { parseJsonl, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { distinctTurnRecords, jsonl } from '../helpers/records.js';
import { filesUnder } from '../e2e/pipe.js';

// Matches no token pattern: only td's knowledge of the value can keep it out.
const KEY = 'PLAIN.echoed-secret.KEY.2471';
const HEAD = KEY.slice(0, 10);

let server: ChatServer;
afterEach(async () => server?.close());


/** A completion body whose content and reasoning echo the key, raw or with every character \u-escaped. */
function echoingBody(escaped: boolean): string {
  const key = escaped ? [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('') : KEY;
  const content = `THOUGHT: The proxy says your key is ${key}.\\n\\n\`\`\`bash\\nls\\n\`\`\``;
  return `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"${content}","reasoning_content":"key ${key}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}`;
}

/** Every file under `dir` whose bytes hold `text`. */
function holding(dir: string, text: string): string[] {
  return filesUnder(dir).filter((file) => readFileSync(join(dir, file)).includes(text));
}

describe('an echoed API key', () => {
  test('a 200 reply that echoes the key, raw or escaped, reaches no record, cache entry, errors file or stderr, and a rerun from the cache replays it masked', async () => {
    server = await startChatServer({ script: (request) => ({ fault: 'status', status: 200, body: echoingBody(request.body!.messages.at(-1)!.content.includes('item 1')) }) });
    const dir = tempDir();
    const args = ['king', '--base-url', server.url, '--api-key-env', 'MY_KEY', '--cache', join(dir, 'cache'), '--errors', join(dir, 'errors.jsonl'), '-o', join(dir, 'out.jsonl')];
    const first = await runCli(args, { input: jsonl(distinctTurnRecords(2)), env: { MY_KEY: KEY }, cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const out = parseJsonl(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    expect(out.map((r) => r.king)).toEqual(Array(2).fill('THOUGHT: The proxy says your key is [REDACTED].\n\n```bash\nls\n```'));
    const again = await runCli([...args, '-o', join(dir, 'again.jsonl')], { input: jsonl(distinctTurnRecords(2)), env: { MY_KEY: KEY }, cwd: dir });
    expect(again.stderr).toContain('llm: 2 calls (2 cached), 0 requests');
    expect(holding(dir, KEY)).toEqual([]);
    expect(holding(dir, HEAD)).toEqual([]);
    expect(first.stderr + again.stderr).not.toContain(HEAD);
  });

  test('a cache entry written before td masked replies is masked when it is replayed', async () => {
    server = await startChatServer();
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const args = ['king', '--base-url', server.url, '--api-key-env', 'MY_KEY', '--cache', cache];
    await runCli(args, { input: jsonl(distinctTurnRecords(1)), env: { MY_KEY: KEY }, cwd: dir });
    // Overwrite the stored reply with one that holds the key, as an older td would have stored it.
    for (const entry of Object.values(await cacache.ls(cache))) await cacache.put(cache, entry.key, echoingBody(false));
    const replay = await runCli(args, { input: jsonl(distinctTurnRecords(1)), env: { MY_KEY: KEY }, cwd: dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain('(1 cached)');
    expect(replay.stdout).toContain('[REDACTED]');
    expect(replay.stdout).not.toContain(HEAD);
  });

  test('a key the server echoes where an error message is cut for display is masked before the cut', async () => {
    // The SDK's message is "500 <text>"; the one-line message is cut at 300 characters, here in the middle of the key.
    const padding = 'x'.repeat(300 - '500 '.length - 6);
    server = await startChatServer({ script: () => ({ fault: 'status', status: 500, body: JSON.stringify({ error: { message: `${padding}${KEY} was refused upstream` } }) }) });
    const dir = tempDir();
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['king', '--base-url', server.url, '--api-key-env', 'MY_KEY', '--no-cache', '--retries', '0', '--errors', errors], {
      input: jsonl(distinctTurnRecords(1)),
      env: { MY_KEY: KEY },
      cwd: dir,
    });
    expect(result.code).toBe(75);
    const [entry] = parseJsonl(readFileSync(errors, 'utf8'));
    // Masked first, then cut: the cut falls in the mask, not in the key.
    expect(entry!.error).toBe(`HTTP 500 from the server: 500 ${padding}[REDAC…`);
    for (const text of [readFileSync(errors, 'utf8'), result.stderr]) expect(text).not.toContain(HEAD.slice(0, 6));
  });

  test.each([
    ['a line break', `${KEY}\r\nX-Injected: 1`],
    ['a space', `${KEY} trailing-part`],
    ['a control character', `${KEY}\u0007bell`],
  ])('a key with %s is a configuration error (78) before any request, and is not echoed', async (_what, key) => {
    server = await startChatServer();
    const result = await runCli(['king', '--base-url', server.url, '--no-cache'], { input: jsonl(distinctTurnRecords(1)), env: { CHUTES_API_KEY: key }, cwd: tempDir() });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe('td king: CHUTES_API_KEY: the API key holds whitespace or control characters, which no HTTP header can carry; check the variable\n');
    expect(server.chatRequests()).toHaveLength(0);
    expect(result.stdout).toBe('');
  });
});
