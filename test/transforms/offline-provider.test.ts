import { describe, expect, test } from 'vitest';
import { ChallengeOptionsSchema, createChallengeStage } from '../../src/transforms/challenge.js';
import { checkFormat } from '../../src/transforms/generate/format-gate.js';
import { NO_REASONING, repairTurn } from '../../src/transforms/generate/repair-turn.js';
import { KingOptionsSchema, createKingStage } from '../../src/transforms/king.js';
import { TdError } from '../../src/core/td-error.js';
import { turnRecord } from '../helpers/records.js';
import { testSession } from '../helpers/session.js';
import { runRecords } from '../helpers/stage.js';

const NO_KEY = {};

describe('td/repair', () => {
  test('adds a THOUGHT from the prose before the block, and keeps only the first bash block', () => {
    const reference = 'Let me look at the file.\n\n```bash\ncat a.py\n```\n\nAnd then:\n\n```bash\nls\n```\n';
    const repaired = repairTurn(reference);
    expect(repaired).toBe('THOUGHT: Let me look at the file.\n\n```bash\ncat a.py\n```\n');
    expect(checkFormat(repaired)).toEqual({ ok: true, command: 'cat a.py' });
  });

  test('keeps a turn that already follows the protocol as it is, but for the trailing text', () => {
    const reference = 'THOUGHT: Read the parser.\n\n```bash\ncat src/parser.py\n```';
    expect(repairTurn(reference)).toBe(`${reference}\n`);
  });

  test('invents no reasoning: a bare block gets a THOUGHT that says the reference gave none', () => {
    const repaired = repairTurn('```bash\ngit status\n```\n');
    expect(repaired).toBe(`${NO_REASONING}\n\n\`\`\`bash\ngit status\n\`\`\`\n`);
    expect(checkFormat(repaired).ok).toBe(true);
  });

  test('leaves a turn without a bash block unchanged (the gate rejects it: there is no command to keep)', () => {
    expect(repairTurn('I am done.')).toBe('I am done.');
  });
});

describe('offline generation providers', () => {
  const malformed = 'Let me verify.\n\n```bash\ncat a.rb\n```\n```bash\nls\n```\n';

  test('td/replay answers with the reference exactly, malformed or not, without a key, a request or tokens', async () => {
    const t = testSession({ stage: 'king', env: NO_KEY });
    const stage = createKingStage(KingOptionsSchema.parse({ model: 'td/replay', cache: false }), t.runtime);
    const input = [turnRecord({ id: 'a', assistant: malformed }), turnRecord({ id: 'b' })];
    const out = await runRecords(stage, input, t.runtime);
    expect(out.map((r) => r.king)).toEqual([malformed, input[1]!.assistant]);
    expect(out[0]!.meta.king).toEqual({
      model: 'td/replay',
      prompt_version: 'king/1',
      offline: true,
      calls: [{ model: 'td/replay', attempt: 0, prompt_tokens: 0, completion_tokens: 0, status: 'ok', cached: false, latency_ms: 0, retries: 0 }],
      prompt_tokens: 0,
      completion_tokens: 0,
    });
    expect(t.logs).toEqual(['offline: 2 turns from td/replay (no model was asked)']);
    expect(t.errors).toEqual([]);
  });

  test('td/repair answers with the repaired reference, which passes the format gate', async () => {
    const t = testSession({ stage: 'challenge', env: NO_KEY });
    const stage = createChallengeStage(ChallengeOptionsSchema.parse({ model: 'td/repair', cache: false }), t.runtime);
    const [out] = await runRecords(stage, [turnRecord({ assistant: malformed })], t.runtime);
    expect(out!.challenger).toBe('THOUGHT: Let me verify.\n\n```bash\ncat a.rb\n```\n');
    expect(out!.meta.challenger).toMatchObject({ model: 'td/repair', offline: true });
  });

  test('td/repair cannot make a command up: a reference without a bash block fails the format gate', async () => {
    const t = testSession({ stage: 'challenge', env: NO_KEY });
    const stage = createChallengeStage(ChallengeOptionsSchema.parse({ model: 'td/repair', cache: false, attempts: 2 }), t.runtime);
    const out = await runRecords(stage, [turnRecord({ id: 'x', assistant: 'Done.' })], t.runtime);
    expect(out).toEqual([]);
    expect(t.errors.map((e) => [e.id, e.kind, e.reason, e.error])).toEqual([['x', 'rejected', 'format', 'no well-formed reply in 2 attempts (1: has no ```bash block; 2: has no ```bash block)']]);
  });

  test('an unknown td/ model is a configuration error naming the offline models', () => {
    const t = testSession({ stage: 'king', env: NO_KEY });
    const make = () => createKingStage(KingOptionsSchema.parse({ model: 'td/echo' }), t.runtime);
    expect(make).toThrow(TdError);
    expect(make).toThrow(/^--model td\/echo: no such offline model; td has td\/replay \(.*\); td\/repair \(.*\)$/);
  });

  test('a model without the td/ prefix still needs its key', () => {
    const t = testSession({ stage: 'king', env: NO_KEY });
    expect(() => createKingStage(KingOptionsSchema.parse({ model: 'moonshotai/Kimi-K2.6-TEE' }), t.runtime)).toThrow(/no API key/);
  });
});
