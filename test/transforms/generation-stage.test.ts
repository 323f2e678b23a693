import { describe, expect, test } from 'vitest';
import { mockChatModel } from '../../src/llm/mock-chat-model.js';
import { createGenerationStage } from '../../src/transforms/generate/generation-stage.js';
import { checkFormat } from '../../src/transforms/generate/format-gate.js';
import { turnRecord } from '../helpers/records.js';
import { testSession } from '../helpers/session.js';
import { runRecords } from '../helpers/stage.js';

const TURN = 'THOUGHT: Read it.\n\n```bash\ncat src/parser.py\n```';
const settings = { model: 'kimi-test', maxTokens: 64, temperature: 0.3, attempts: 2, concurrency: 2 };

describe('a generation stage', () => {
  test('asks with the stage messages and the record as subject, and writes the turn, the provenance and what the model declares', async () => {
    const model = mockChatModel(TURN, { provenance: { offline: true }, totalsLine: () => 'mock: done' });
    const t = testSession({ stage: 'king' });
    const record = { ...turnRecord(), extra: 1 };
    const stage = createGenerationStage({ field: 'king', promptVersion: 'king/9', messages: (r) => r.messages.slice(0, 1) }, model, settings, t.runtime);
    const [out] = await runRecords(stage, [record], t.runtime);
    expect(model.calls.map((c) => c.request)).toEqual([
      {
        model: 'kimi-test',
        messages: record.messages.slice(0, 1),
        params: { max_tokens: 64, temperature: 0.3 },
        promptVersion: 'king/9',
        subject: { history: record.messages, reference: record.assistant },
        attempt: 0,
      },
    ]);
    expect(Object.keys(out!)).toEqual([...Object.keys(record), 'king', 'meta']);
    expect(out!.king).toBe(TURN);
    expect(out!.meta.king).toEqual({ model: 'kimi-test', prompt_version: 'king/9', offline: true, calls: [expect.objectContaining({ attempt: 0, status: 'ok' })], prompt_tokens: 0, completion_tokens: 0 });
    expect(t.logs).toEqual(['mock: done']);
  });

  test('a format problem is asked again; a verbatim reply (the dataset\'s own turn) is kept as it is', async () => {
    const malformed = 'no block at all';
    const t = testSession({ stage: 'king' });
    const gated = mockChatModel([malformed, TURN]);
    const [out] = await runRecords(createGenerationStage({ field: 'king', promptVersion: 'k/1', messages: (r) => r.messages }, gated, settings, t.runtime), [turnRecord()], t.runtime);
    expect(out!.meta.king.calls.map((c: { status: string }) => c.status)).toEqual(['no-bash-block', 'ok']);
    expect(checkFormat(out!.king).ok).toBe(true);

    const verbatim = mockChatModel({ content: malformed, verbatim: true });
    const [kept] = await runRecords(createGenerationStage({ field: 'king', promptVersion: 'k/1', messages: (r) => r.messages }, verbatim, settings, t.runtime), [turnRecord()], t.runtime);
    expect(kept!.king).toBe(malformed);
  });

  test('skip and inspect: a record left out asks nothing; inspected fields follow the turn', async () => {
    const model = mockChatModel(TURN);
    const t = testSession({ stage: 'challenge' });
    const stage = createGenerationStage(
      {
        field: 'challenger',
        promptVersion: 'c/1',
        messages: (r) => r.messages,
        skip: (r) => (r.id === 'skip-me' ? { ok: false, failure: { kind: 'filtered', reason: 'excluded', message: 'listed' } } : undefined),
        inspect: (_r, text) => ({ fields: { length: text.length } }),
        closingLines: () => ['closing'],
      },
      model,
      settings,
      t.runtime,
    );
    const out = await runRecords(stage, [turnRecord({ id: 'skip-me' }), turnRecord({ id: 'kept' })], t.runtime);
    expect(out.map((r) => [r.id, r.length])).toEqual([['kept', TURN.length]]);
    expect(Object.keys(out[0]!).slice(-3)).toEqual(['challenger', 'length', 'meta']);
    expect(model.calls).toHaveLength(1);
    expect(t.errors.map((e) => `${e.id}:${e.reason}`)).toEqual(['skip-me:excluded']);
    expect(t.logs).toEqual(['closing']);
  });
});
