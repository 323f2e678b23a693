import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadPriceTable, costOf } from '../../src/llm/prices.js';
import { startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { ask, llmFor, tempDir } from '../helpers/llm.js';

let server: ChatServer;
afterEach(async () => server?.close());

describe('requests', () => {
  test('carry the model, the messages and every parameter as given (response_format for the judge), with the key as a bearer token', async () => {
    server = await startChatServer();
    const { llm } = llmFor(server);
    const responseFormat = { type: 'json_schema', json_schema: { name: 'verdict', strict: true, schema: { type: 'object' } } };
    await ask(llm, 'judge this', { params: { max_tokens: 77, temperature: 0, response_format: responseFormat } });
    const [request] = server.chatRequests();
    expect(request!.body).toEqual({ max_tokens: 77, temperature: 0, response_format: responseFormat, model: 'test-model', messages: [{ role: 'user', content: 'judge this' }] });
    expect(request!.headers.authorization).toBe('Bearer test-key-123456');
    expect(request!.headers['openai-organization']).toBeUndefined();
    expect(request!.headers['openai-project']).toBeUndefined();
  });
});

describe('price table', () => {
  test('reads JSON or TOML and prices tokens per million', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.toml'), '["moonshotai/Kimi-K2.6-TEE"]\nprompt = 0.6\ncompletion = 2.5\n');
    const table = loadPriceTable(join(dir, 'p.toml'));
    expect(costOf(table, 'moonshotai/Kimi-K2.6-TEE', 10_000, 2_000)).toBe(0.011);
    expect(costOf(table, 'other-model', 10_000, 2_000)).toBeUndefined();
  });

  test('a bad table is one line naming the file and the field', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ m: { prompt: -1, completion: 2 } }));
    expect(() => loadPriceTable(join(dir, 'p.json'))).toThrow(`--prices ${join(dir, 'p.json')}: m.prompt: expected a number at least 0, got -1 (number)`);
    writeFileSync(join(dir, 'q.json'), '{ nope');
    expect(() => loadPriceTable(join(dir, 'q.json'))).toThrow(/^--prices .*q\.json: not valid JSON: /);
  });
});
