import { describe, expect, test } from 'vitest';
import { parseReply, replyProblem } from '../../src/llm/reply.js';

const completion = (message: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'm', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5 }, ...extra });

function parsed(body: string) {
  const result = parseReply(body);
  if (!result.ok) throw new Error(result.message);
  return result.reply;
}

describe('replies', () => {
  test('reads content, finish reason and usage, with reasoning tokens from either place servers put them', () => {
    const a = parsed(completion({ content: 'hi' }, { usage: { prompt_tokens: 3, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } } }));
    expect(a).toMatchObject({ content: 'hi', finishReason: 'stop', usage: { prompt_tokens: 3, completion_tokens: 9, reasoning_tokens: 4 } });
    const b = parsed(completion({ content: 'hi' }, { usage: { prompt_tokens: 3, completion_tokens: 9, reasoning_tokens: 2 } }));
    expect(b.usage.reasoning_tokens).toBe(2);
    expect(replyProblem(a)).toBeUndefined();
  });

  test('a reply without usage counts zero tokens rather than failing', () => {
    expect(parsed(completion({ content: 'hi' }, { usage: null })).usage).toEqual({ prompt_tokens: 0, completion_tokens: 0 });
  });

  test.each(['reasoning', 'reasoning_content'])('null content with text in %s is malformed (reasoning-only)', (field) => {
    expect(replyProblem(parsed(completion({ content: null, [field]: 'THOUGHT: x' })))).toBe('reasoning-only');
  });

  test('empty content with no reasoning is malformed (empty)', () => {
    expect(replyProblem(parsed(completion({ content: '  ' })))).toBe('empty');
    expect(replyProblem(parsed(completion({})))).toBe('empty');
  });

  test('finish_reason length is malformed even with content', () => {
    const body = JSON.stringify({ choices: [{ message: { content: 'THOUGHT: long' }, finish_reason: 'length' }] });
    expect(replyProblem(parsed(body))).toBe('length');
  });

  test('structured tool calls are malformed', () => {
    expect(replyProblem(parsed(completion({ content: 'x', tool_calls: [{ id: '1' }] })))).toBe('tool-calls');
  });

  test('a body that is not JSON, or not a chat completion, is an error with a reason', () => {
    expect(parseReply('{"choices": [').ok).toBe(false);
    expect(parseReply('{"error": {"message": "upstream failed"}}')).toEqual({ ok: false, message: 'the response is not a chat completion: choices: missing (expected array)' });
    expect(parseReply('{"choices": []}')).toMatchObject({ ok: false });
  });
});
