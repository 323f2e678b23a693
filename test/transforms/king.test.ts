import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { checkFormat } from '../../src/transforms/generate/format-gate.js';
import { KING_PROMPT_VERSION } from '../../src/transforms/generate/king-prompt.js';
import { KingOptionsSchema, createKingStage } from '../../src/transforms/king.js';
import { replies, scripts, startChatServer, unitHash, type ChatServer, type Script } from '../helpers/chat-server.js';
import { tempDir } from '../helpers/llm.js';
import { turnRecord } from '../helpers/records.js';
import { testSession } from '../helpers/session.js';
import { runRecords } from '../helpers/stage.js';

let server: ChatServer;
afterEach(async () => server?.close());

function king(values: Record<string, unknown>, session = testSession({ stage: 'king' })) {
  const options = KingOptionsSchema.parse({ baseUrl: server.url, cache: false, maxRetryWait: 0.01, model: 'kimi-test', ...values });
  return { stage: createKingStage(options, session.runtime), t: session };
}

/** Records whose histories differ (so each asks a different request). */
function records(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const base = turnRecord({ id: `r${i}`, instance_id: `acme__widgets-${i}` });
    const messages = [...base.messages.slice(0, -1), { role: 'user' as const, content: `Observation: file_${i}.txt\n` }];
    return { ...base, messages };
  });
}

describe('td king', () => {
  test('adds the reply as `king` with meta.king, keeping order and every other field', async () => {
    server = await startChatServer({ script: scripts.wellFormed() });
    const input = records(5).map((r, i) => ({ ...r, challenger: `kept ${i}`, extra: { nested: i }, meta: { challenger: { calls: [], prompt_tokens: 1, completion_tokens: 2 } } }));
    const { stage, t } = king({});
    const out = await runRecords(stage, input, t.runtime);
    expect(out.map((r) => r.id)).toEqual(input.map((r) => r.id));
    for (const [i, record] of out.entries()) {
      const { king: reply, meta, ...rest } = record;
      expect(rest).toEqual((({ meta: _m, ...r }) => r)(input[i]!));
      expect(checkFormat(reply).ok).toBe(true);
      expect(meta.challenger).toEqual(input[i]!.meta.challenger);
      expect(meta.king).toMatchObject({ model: 'kimi-test', prompt_version: KING_PROMPT_VERSION, calls: [{ model: 'kimi-test', attempt: 0, status: 'ok', cached: false, retries: 0 }] });
      expect(meta.king.prompt_tokens).toBeGreaterThan(0);
    }
  });

  test('no king request ever contains text from `pr`', async () => {
    server = await startChatServer();
    const secret = (field: string): string => `SENTINEL_${field}_7f3a`;
    const pr = {
      problem_statement: secret('problem'),
      pr_description: secret('description'),
      hints_text: secret('hints'),
      interface: secret('interface'),
      patch: `diff --git a/${secret('patch')}.py b/${secret('patch')}.py\n`,
      test_patch: secret('test_patch'),
      FAIL_TO_PASS: [secret('fail_to_pass')],
      PASS_TO_PASS: [secret('pass_to_pass')],
      base_commit: secret('commit'),
      files: [secret('files')],
    };
    const { stage, t } = king({});
    await runRecords(stage, records(3).map((r) => ({ ...r, pr })), t.runtime);
    const sent = server.chatRequests().map((r) => r.text);
    expect(sent).toHaveLength(3);
    for (const text of sent) expect(text).not.toMatch(/SENTINEL|7f3a/);
  });

  test('asks again while replies are malformed, with the attempt index, and records every call', async () => {
    server = await startChatServer({ script: scripts.sequence([replies.kimiToolCall(), replies.length(), replies.reasoningOnly(), replies.bash('Third time.', 'ls')]) });
    const { stage, t } = king({ attempts: 4 });
    const [out] = await runRecords(stage, records(1), t.runtime);
    expect(out!.king).toBe('THOUGHT: Third time.\n\n```bash\nls\n```');
    expect(out!.meta.king.calls.map((c: { attempt: number; status: string }) => `${c.attempt}:${c.status}`)).toEqual(['0:kimi-tool-call', '1:length', '2:reasoning-only', '3:ok']);
    expect(t.runtime.stats.get('malformed')).toBe(3);
  });

  test('after --attempts malformed replies the record goes to the errors sink as rejected/format', async () => {
    server = await startChatServer({ script: scripts.sequence([replies.kimiToolCall(), replies.think(), replies.bash('late', 'ls')]) });
    const { stage, t } = king({ attempts: 2 });
    const out = await runRecords(stage, records(1), t.runtime);
    expect(out).toEqual([]);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatchObject({
      stage: 'king',
      kind: 'rejected',
      reason: 'format',
      line: 1,
      id: 'r0',
      error: 'no well-formed reply in 2 attempts (1: contains Kimi tool-call markup <|tool_calls_section_begin|>; 2: contains a leftover <think> tag)',
    });
    expect(server.chatRequests()).toHaveLength(2);
  });

  test('no record is lost under transport faults and malformed replies: out + errors = in', async () => {
    const malformedSometimes: Script = (request) => (unitHash(`m:${request.seen}:${request.text}`) < 0.3 ? replies.kimiToolCall() : scripts.wellFormed()(request));
    server = await startChatServer({ script: scripts.faulty({ rate: 0.3, seed: 7 }, malformedSometimes) });
    const input = records(40);
    const { stage, t } = king({ retries: 1, attempts: 2, concurrency: 8 });
    const out = await runRecords(stage, input, t.runtime);
    const errorIds = t.errors.map((e) => e.id);
    expect([...out.map((r) => r.id), ...errorIds].sort()).toEqual(input.map((r) => r.id).sort());
    expect(out.length).toBeGreaterThan(0);
    expect(t.errors.length).toBeGreaterThan(0);
    for (const record of out) expect(checkFormat(record.king).ok).toBe(true);
    for (const error of t.errors) expect(['format', 'http-429', 'http-500', 'http-503', 'connection', 'truncated-body', 'invalid-body']).toContain(error.reason);
    expect(t.runtime.stats.in).toBe(40);
    expect(t.runtime.stats.out + t.runtime.stats.failed).toBe(40);
    expect(server.maxInFlight).toBeLessThanOrEqual(8);
  });

  test('a second run over the same input makes zero requests and gives the same data', async () => {
    server = await startChatServer({ script: scripts.sequence([replies.kimiToolCall(), ...Array(9).fill(replies.bash('ok', 'ls'))]) });
    const cache = tempDir();
    const input = records(4);
    const first = king({ cache });
    const a = await runRecords(first.stage, input, first.t.runtime);
    const sent = server.chatRequests().length;
    expect(sent).toBe(5);
    const second = king({ cache });
    const b = await runRecords(second.stage, input, second.t.runtime);
    expect(server.chatRequests()).toHaveLength(sent);
    expect(b.map(withoutVolatile)).toEqual(a.map(withoutVolatile));
    expect(b.flatMap((r) => r.meta.king.calls.map((c: { cached: boolean }) => c.cached))).toEqual(Array(5).fill(true));
  });

  test('--exclude sends listed instances to the errors sink as filtered/excluded, without a request', async () => {
    server = await startChatServer();
    const file = join(tempDir(), 'exclude.txt');
    writeFileSync(file, '# known bad\nacme__widgets-1\n\n  acme__widgets-3  # flaky\n');
    const { stage, t } = king({ exclude: file });
    const out = await runRecords(stage, records(4), t.runtime);
    expect(out.map((r) => r.id)).toEqual(['r0', 'r2']);
    expect(t.errors.map((e) => `${e.id}:${e.kind}:${e.reason}`)).toEqual(['r1:filtered:excluded', 'r3:filtered:excluded']);
    expect(server.chatRequests()).toHaveLength(2);
  });

  test('a price table turns tokens into cost per call and per stage', async () => {
    server = await startChatServer({ script: () => ({ ...replies.bash('x', 'ls'), usage: { prompt_tokens: 1_000_000, completion_tokens: 500_000, completion_tokens_details: { reasoning_tokens: 100 } } }) });
    const prices = join(tempDir(), 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'kimi-test': { prompt: 0.5, completion: 2 } }));
    const { stage, t } = king({ prices });
    const [out] = await runRecords(stage, records(1), t.runtime);
    expect(out!.meta.king).toMatchObject({ prompt_tokens: 1_000_000, completion_tokens: 500_000, reasoning_tokens: 100, cost_usd: 1.5, calls: [{ cost_usd: 1.5, reasoning_tokens: 100 }] });
    expect(t.runtime.stats.get('cost_usd')).toBe(1.5);
  });

  test('prints the stage totals on stderr at the end', async () => {
    server = await startChatServer({ script: () => ({ ...replies.bash('x', 'ls'), usage: { prompt_tokens: 1200, completion_tokens: 30 } }) });
    const { stage, t } = king({});
    await runRecords(stage, records(2), t.runtime);
    expect(t.logs).toContain('llm: 2 calls (0 cached), 2 requests; tokens 2,400 prompt + 60 completion');
  });
});
