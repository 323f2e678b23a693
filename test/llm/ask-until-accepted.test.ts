import { describe, expect, test } from 'vitest';
import { StageStats } from '../../src/core/stats.js';
import { askUntilAccepted, type ReplyCheck } from '../../src/llm/ask-until-accepted.js';
import { mockChatModel, mockFailure } from '../../src/llm/mock-chat-model.js';
import { chatRequest } from '../helpers/chat-model.js';

/** Accepts replies that start with "ok", and reads them upper-cased. */
const startsOk: ReplyCheck<string> = (reply) =>
  reply.content.startsWith('ok') ? { ok: true, value: reply.content.toUpperCase() } : { ok: false, status: 'not-ok', problem: `starts with ${JSON.stringify(reply.content.slice(0, 3))}` };

const { attempt: _attempt, ...base } = chatRequest('q', { subject: { reference: 'the reference' } });

describe('askUntilAccepted', () => {
  test('asks again with the next attempt index until the check accepts, and keeps every call', async () => {
    const model = mockChatModel(['bad', { content: '', reasoning: 'thinking' }, 'ok then']);
    const stats = new StageStats('t');
    const asked = await askUntilAccepted(model, base, { attempts: 5, check: startsOk, stats });
    expect(asked).toMatchObject({ ok: true, value: 'OK THEN' });
    expect(model.calls.map((c) => c.request)).toEqual([0, 1, 2].map((attempt) => ({ ...base, attempt })));
    expect(asked.calls.map((c) => `${c.attempt}:${c.status}`)).toEqual(['0:not-ok', '1:reasoning-only', '2:ok']);
    expect(stats.get('malformed')).toBe(2);
  });

  test('checks the reply as a reply first (cut off, empty, tool calls), before the stage sees it', async () => {
    const seen: string[] = [];
    const check: ReplyCheck<string> = (reply) => (seen.push(reply.content), { ok: true, value: reply.content });
    const model = mockChatModel([{ content: 'ok but cut', finishReason: 'length' }, { content: 'ok', toolCalls: 1 }, '  ', 'ok']);
    const asked = await askUntilAccepted(model, base, { attempts: 4, check, stats: new StageStats('t') });
    expect(seen).toEqual(['ok']);
    expect(asked.calls.map((c) => c.status)).toEqual(['length', 'tool-calls', 'empty', 'ok']);
  });

  test('after every attempt malformed: the problem of each, in words, and no failure', async () => {
    const model = mockChatModel(['nope', { content: 'x', finishReason: 'length' }]);
    const asked = await askUntilAccepted(model, base, { attempts: 2, check: startsOk, stats: new StageStats('t') });
    expect(asked).toEqual({ ok: false, problems: ['1: starts with "nop"', '2: cut off at max_tokens (finish_reason length)'], calls: expect.any(Array) });
  });

  test('a call that fails ends the loop at once, with the record-level failure and the calls so far', async () => {
    const model = mockChatModel((request) => (request.attempt === 0 ? 'bad' : mockFailure({ kind: 'transient', reason: 'http-503', message: 'down', retryable: true, status: 503 })(request)));
    const asked = await askUntilAccepted(model, base, { attempts: 5, check: startsOk, stats: new StageStats('t') });
    expect(asked).toMatchObject({ ok: false, failure: { kind: 'transient', reason: 'http-503', message: 'down' } });
    expect(asked.ok === false && asked.failure).toEqual({ kind: 'transient', reason: 'http-503', message: 'down' });
    expect(asked.calls.map((c) => c.status)).toEqual(['not-ok', 'http-503']);
    expect(model.calls).toHaveLength(2);
  });

  test('an answer that is no model call (no meta) is accepted without a call to record', async () => {
    const model = mockChatModel((request) => ({ ok: true, reply: { content: 'ok', reasoning: undefined, finishReason: 'stop', toolCalls: 0, usage: { prompt_tokens: 0, completion_tokens: 0 }, model: request.model } }));
    expect(await askUntilAccepted(model, base, { attempts: 1, check: startsOk, stats: new StageStats('t') })).toEqual({ ok: true, value: 'OK', calls: [] });
  });

  test('passes the signal of the record to every call', async () => {
    const model = mockChatModel(['bad', 'ok']);
    const signal = new AbortController().signal;
    await askUntilAccepted(model, base, { attempts: 2, check: startsOk, stats: new StageStats('t'), signal });
    expect(model.calls.map((c) => c.signal)).toEqual([signal, signal]);
  });
});
