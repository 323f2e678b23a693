import { describe, expect, test } from 'vitest';
import { mockChatModel, mockFailure } from '../../src/llm/mock-chat-model.js';
import { chatRequest } from '../helpers/chat-model.js';

describe('the test double', () => {
  test('records every request exactly as given, with its signal', async () => {
    const model = mockChatModel('THOUGHT: x');
    const signal = new AbortController().signal;
    const request = chatRequest('q', { subject: { reference: 'ref' } });
    await model.complete(request, { signal });
    await model.complete(chatRequest('r'));
    expect(model.calls).toEqual([
      { request, signal },
      { request: chatRequest('r'), signal: undefined },
    ]);
    expect(model.calls[0]!.request).toBe(request);
  });

  test('answers from a list in order (the last repeats), from a function, or with a whole result', async () => {
    const listed = mockChatModel(['a', { content: 'b', finishReason: 'length' }]);
    const contents = [];
    for (let i = 0; i < 3; i++) {
      const result = await listed.complete(chatRequest(`${i}`));
      contents.push(result.ok && `${result.reply.content}/${result.reply.finishReason}`);
    }
    expect(contents).toEqual(['a/stop', 'b/length', 'b/length']);

    const byRequest = mockChatModel((request, index) => `${request.messages[0]!.content}#${index}`);
    expect(await byRequest.complete(chatRequest('hi'))).toMatchObject({ ok: true, reply: { content: 'hi#0' }, meta: { model: 'test-model', attempt: 0, status: 'ok', cached: false } });

    const failing = mockChatModel(mockFailure({ kind: 'transient', reason: 'http-503', message: 'down' })(chatRequest()));
    expect(await failing.complete(chatRequest())).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'http-503' }, meta: { status: 'http-503' } });
  });
});
