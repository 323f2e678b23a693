import { describe, expect, test } from 'vitest';
import type { ChatFailure } from '../../src/llm/chat-model.js';
import { mockChatModel, mockFailure } from '../../src/llm/mock-chat-model.js';
import { withRefusedKeyLatch, type RefusedKey } from '../../src/llm/with-refused-key-latch.js';
import { chatRequest, memoryLog } from '../helpers/chat-model.js';

const refused = (status: number): ChatFailure => ({ kind: 'config', reason: `http-${status}`, message: `HTTP ${status} from the server: no`, retryable: false, status });

describe('the refused-key latch', () => {
  test.each([401, 402, 403])('after a %i no further request is made: every later call fails at once, the same way', async (status) => {
    const inner = mockChatModel((request, index) => (index === 0 ? mockFailure(refused(status))(request) : 'THOUGHT: would have worked'));
    const latch: RefusedKey = { failure: undefined };
    const { log, lines } = memoryLog();
    const model = withRefusedKeyLatch(inner, latch, { log, apiKeyEnv: 'MY_KEY' });
    const results = [await model.complete(chatRequest('a')), await model.complete(chatRequest('b')), await model.complete(chatRequest('c'))];
    expect(inner.calls).toHaveLength(1);
    expect(results.map((r) => !r.ok && `${r.failure.kind}:${r.failure.reason}:${r.meta.status}`)).toEqual(Array(3).fill(`config:http-${status}:http-${status}`));
    expect(lines).toEqual([`error: the endpoint refused the account of the key in MY_KEY (HTTP ${status}); remaining calls fail without requests`]);
  });

  test('other failures pass through and do not latch', async () => {
    const inner = mockChatModel((request, index) => (index === 0 ? mockFailure({ kind: 'transient', reason: 'http-404', message: 'no', status: 404 })(request) : 'THOUGHT: ok'));
    const latch: RefusedKey = { failure: undefined };
    const model = withRefusedKeyLatch(inner, latch, { ...memoryLog(), apiKeyEnv: 'K' });
    expect((await model.complete(chatRequest())).ok).toBe(false);
    expect((await model.complete(chatRequest())).ok).toBe(true);
    expect(latch.failure).toBeUndefined();
  });
});
