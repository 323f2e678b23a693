import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cacache from 'cacache';
import { afterEach, describe, expect, test } from 'vitest';
import { cacheKey, canonicalJson, type CanonicalRequest } from '../../src/llm/cache-key.js';
import { replies, scripts, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { ask, llmFor, tempDir } from '../helpers/llm.js';

let server: ChatServer;
afterEach(async () => server?.close());

const base: CanonicalRequest = {
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  params: { max_tokens: 10, temperature: 0.5 },
  promptVersion: 'king/1',
  attempt: 0,
};

describe('cache key', () => {
  test('changes with the model, messages, parameters, prompt version, attempt and salt', () => {
    const variants: CanonicalRequest[] = [
      { ...base, model: 'n' },
      { ...base, messages: [{ role: 'user', content: 'hi!' }] },
      { ...base, params: { max_tokens: 11, temperature: 0.5 } },
      { ...base, promptVersion: 'king/2' },
      { ...base, attempt: 1 },
      { ...base, salt: 'x' },
    ];
    const keys = new Set([base, ...variants].map(cacheKey));
    expect(keys.size).toBe(variants.length + 1);
  });

  test('does not change with the order of object keys', () => {
    expect(cacheKey({ ...base, params: { temperature: 0.5, max_tokens: 10 } })).toBe(cacheKey(base));
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  test('keeps a key named __proto__ as a key, so it is part of the key', () => {
    const odd = JSON.parse('{"__proto__":{"temperature":2},"max_tokens":10}') as Record<string, unknown>;
    expect(canonicalJson(odd)).toBe('{"__proto__":{"temperature":2},"max_tokens":10}');
    expect(cacheKey({ ...base, params: odd })).not.toBe(cacheKey({ ...base, params: { max_tokens: 10 } }));
  });

  test('is versioned', () => {
    expect(cacheKey(base)).toMatch(/^td-llm-cache\/1:[0-9a-f]{64}$/);
  });
});

describe('request cache', () => {
  test('a second run over the same requests makes zero requests and gives the same replies', async () => {
    server = await startChatServer();
    const dir = tempDir();
    const first = llmFor(server, { cache: dir }).llm;
    const a = await Promise.all(['x', 'y', 'z'].map((q) => ask(first, q)));
    expect(server.chatRequests()).toHaveLength(3);
    const second = llmFor(server, { cache: dir }).llm;
    const b = await Promise.all(['x', 'y', 'z'].map((q) => ask(second, q)));
    expect(server.chatRequests()).toHaveLength(3);
    expect(b.map((r) => r.ok && r.reply)).toEqual(a.map((r) => r.ok && r.reply));
    expect(b.map((r) => r.meta?.cached)).toEqual([true, true, true]);
  });

  test('keeps the usage of a cached reply in its meta but counts no spend for it', async () => {
    server = await startChatServer({ script: () => ({ ...replies.bash('x', 'ls'), usage: { prompt_tokens: 100, completion_tokens: 20 } }) });
    const dir = tempDir();
    await ask(llmFor(server, { cache: dir }).llm);
    const { llm, t } = llmFor(server, { cache: dir });
    const result = await ask(llm);
    expect(result.meta).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, cached: true });
    expect(t.runtime.stats.get('tokens.prompt')).toBe(0);
    expect(t.runtime.stats.get('cache.hits')).toBe(1);
  });

  test('failures are never cached: a rerun asks again', async () => {
    server = await startChatServer({ script: scripts.sequence([{ fault: 'status', status: 503 }, replies.bash('x', 'ls')]) });
    const dir = tempDir();
    expect((await ask(llmFor(server, { cache: dir, retries: 0 }).llm)).ok).toBe(false);
    expect((await ask(llmFor(server, { cache: dir, retries: 0 }).llm)).ok).toBe(true);
    expect(server.chatRequests()).toHaveLength(2);
  });

  test('the attempt index and the salt are part of the key: each asks the server anew', async () => {
    server = await startChatServer();
    const dir = tempDir();
    const { llm } = llmFor(server, { cache: dir });
    await ask(llm, 'q', { attempt: 0 });
    await ask(llm, 'q', { attempt: 1 });
    await ask(llmFor(server, { cache: dir, cacheSalt: 'fresh' }).llm, 'q', { attempt: 0 });
    await ask(llm, 'q', { attempt: 1 });
    expect(server.chatRequests()).toHaveLength(3);
  });

  test('--no-cache neither reads nor writes', async () => {
    server = await startChatServer();
    const { llm } = llmFor(server, { cache: false });
    await ask(llm, 'q');
    await ask(llm, 'q');
    expect(server.chatRequests()).toHaveLength(2);
  });

  test('stores the raw response body, so a change of parsing re-parses without calls', async () => {
    server = await startChatServer();
    const dir = tempDir();
    await ask(llmFor(server, { cache: dir }).llm, 'q');
    const entries = await cacache.ls(dir);
    const [entry] = Object.values(entries);
    const stored = (await cacache.get(dir, entry!.key)).data.toString('utf8');
    expect(JSON.parse(stored)).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }] });
  });

  test('a damaged cache entry is a miss, not a failure, and is replaced', async () => {
    server = await startChatServer();
    const dir = tempDir();
    const first = await ask(llmFor(server, { cache: dir }).llm, 'q');
    const contentRoot = join(dir, 'content-v2');
    const damage = (path: string): void => {
      for (const name of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, name.name);
        if (name.isDirectory()) damage(full);
        else writeFileSync(full, 'garbage');
      }
    };
    damage(contentRoot);
    const { llm, t } = llmFor(server, { cache: dir });
    const again = await ask(llm, 'q');
    expect(again.ok && first.ok && again.reply.content).toBe(first.ok && first.reply.content);
    expect(again.meta?.cached).toBe(false);
    expect(server.chatRequests()).toHaveLength(2);
    expect(t.logs.some((line) => line.includes('request cache') && line.includes('EINTEGRITY'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
