import { describe, expect, test } from 'vitest';
import { openJudgeModels } from '../../src/transforms/chat-models.js';
import { rulesJudgeModel } from '../../src/transforms/judge/rules-model.js';
import { rulesVerdict } from '../../src/transforms/judge/rules-judge.js';
import { EndpointOptionsSchema } from '../../src/llm/endpoint-options.js';
import { duelRecord, KING_TURN, CHALLENGER_TURN } from '../helpers/judge.js';
import { testSession } from '../helpers/session.js';

describe('td/rules as a chat model', () => {
  test('answers from the subject with its verdict, structured and as JSON text, and makes no call', async () => {
    const record = duelRecord(0);
    const result = await rulesJudgeModel().complete({
      model: 'td/rules',
      messages: [{ role: 'user', content: 'the rendered prompt, which the rules judge does not read' }],
      promptVersion: 'judge/1',
      attempt: 0,
      subject: { history: record.messages, candidates: [KING_TURN, CHALLENGER_TURN] },
    });
    const verdict = rulesVerdict(record.messages, KING_TURN, CHALLENGER_TURN);
    const { judged: _judged, ...text } = verdict;
    expect(result).toEqual({ ok: true, reply: expect.objectContaining({ content: JSON.stringify(text), structured: verdict, finishReason: 'stop' }) });
  });

  test('without a subject it says so instead of guessing', async () => {
    expect(await rulesJudgeModel().complete({ model: 'td/rules', messages: [], promptVersion: 'judge/1', attempt: 0 })).toMatchObject({ ok: false, failure: { kind: 'rejected', reason: 'no-subject' } });
  });

  test('the panel opens the endpoint only for model judges, once for all of them', () => {
    const noKey = testSession({ stage: 'judge', env: {} });
    const options = EndpointOptionsSchema.parse({ cache: false });
    expect([...openJudgeModels(noKey.runtime, options, ['td/rules']).keys()]).toEqual(['td/rules']);
    expect(() => openJudgeModels(noKey.runtime, options, ['td/rules', 'deepseek'])).toThrow(/no API key/);
    const withKey = testSession({ stage: 'judge' });
    const models = openJudgeModels(withKey.runtime, options, ['a', 'td/rules', 'b']);
    expect(models.get('a')).toBe(models.get('b'));
    expect(models.get('a')).not.toBe(models.get('td/rules'));
  });
});
