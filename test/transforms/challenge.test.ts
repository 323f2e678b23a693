import { afterEach, describe, expect, test } from 'vitest';
import { CHALLENGE_PROMPT_VERSION } from '../../src/transforms/generate/challenge-prompt.js';
import { ChallengeOptionsSchema, createChallengeStage } from '../../src/transforms/challenge.js';
import { replies, startChatServer, type ChatServer } from '../helpers/chat-server.js';
import { turnRecord } from '../helpers/records.js';
import { testSession } from '../helpers/session.js';
import { runRecords } from '../helpers/stage.js';

let server: ChatServer;
afterEach(async () => server?.close());

function challenge(values: Record<string, unknown> = {}) {
  const t = testSession({ stage: 'challenge' });
  const options = ChallengeOptionsSchema.parse({ baseUrl: server.url, cache: false, maxRetryWait: 0.01, model: 'kimi-test', ...values });
  return { stage: createChallengeStage(options, t.runtime), t };
}

const honest = replies.bash('The issue is about the parser; let me find where tokens are split.', 'grep -rn "token" src');
const leaky = replies.bash('The bug is in tokenize_line.', 'sed -n 1,40p src/parser.py');

describe('td challenge', () => {
  test('sends the hidden PR beside the history and adds `challenger`, `leak` and meta.challenger; `king` is untouched', async () => {
    server = await startChatServer({ script: () => honest });
    const input = { ...turnRecord(), king: 'THOUGHT: k\n\n```bash\nls\n```', meta: { king: { calls: [], prompt_tokens: 3, completion_tokens: 4 } } };
    const { stage, t } = challenge();
    const [out] = await runRecords(stage, [input], t.runtime);
    const [request] = server.chatRequests();
    const system = request!.body!.messages[0]!.content;
    expect(system).toContain(input.pr.patch);
    expect(system).toContain(input.pr.test_patch);
    expect(system).toContain('THE BLIND-AGENT RULE');
    expect(out).toMatchObject({ king: input.king, challenger: honest.content, leak: { suspect: false, tokens: [] } });
    expect(out!.meta.king).toEqual(input.meta.king);
    expect(out!.meta.challenger).toMatchObject({ model: 'kimi-test', prompt_version: CHALLENGE_PROMPT_VERSION, calls: [{ attempt: 0, status: 'ok' }] });
  });

  test('flags a turn that names what only the hidden PR shows, and keeps it by default', async () => {
    server = await startChatServer({ script: () => leaky });
    const { stage, t } = challenge();
    const [out] = await runRecords(stage, [turnRecord()], t.runtime);
    expect(out!.leak).toEqual({ suspect: true, tokens: ['parser.py', 'src/parser.py', 'tokenize_line'] });
    expect(t.logs).toContain('leak check: 1 challenger turn suspect (kept, flagged in `leak`)');
  });

  test('--reject-leaks sends suspect turns to the errors sink as filtered/leak', async () => {
    server = await startChatServer({ script: (request) => (request.body!.messages.at(-1)!.content.includes('clean') ? honest : leaky) });
    const clean = turnRecord({ id: 'clean' });
    clean.messages = [...clean.messages.slice(0, -1), { role: 'user', content: 'Observation: clean\n' }];
    const { stage, t } = challenge({ rejectLeaks: true });
    const out = await runRecords(stage, [turnRecord({ id: 'dirty' }), clean], t.runtime);
    expect(out.map((r) => r.id)).toEqual(['clean']);
    expect(t.errors).toEqual([
      expect.objectContaining({ id: 'dirty', kind: 'filtered', reason: 'leak', error: 'the challenger names what only the hidden PR shows: parser.py, src/parser.py, tokenize_line' }),
    ]);
  });

  test('the format gate applies to the challenger too', async () => {
    server = await startChatServer({ script: () => replies.twoBlocks() });
    const { stage, t } = challenge({ attempts: 2 });
    expect(await runRecords(stage, [turnRecord()], t.runtime)).toEqual([]);
    expect(t.errors[0]).toMatchObject({ kind: 'rejected', reason: 'format' });
  });
});
