import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nextUnless } from '../../src/core/next-unless.js';

async function* counter(limit: number): AsyncGenerator<number> {
  for (let i = 0; i < limit; i++) yield i;
}

describe('nextUnless', () => {
  it('returns each result and leaves no abort listener behind', async () => {
    const controller = new AbortController();
    const iterator = counter(200)[Symbol.asyncIterator]();
    const seen: number[] = [];
    for (;;) {
      const next = await nextUnless(iterator, controller.signal);
      if (next === 'halt' || next.done) break;
      seen.push(next.value);
    }
    expect(seen).toHaveLength(200);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('halts a pending next() when the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const idle: AsyncIterator<number> = { next: () => new Promise(() => {}) };
    const pending = nextUnless(idle, controller.signal);
    controller.abort();
    await expect(pending).resolves.toBe('halt');
    await expect(nextUnless(idle, controller.signal)).resolves.toBe('halt');
  });

  it('passes on a rejection of next()', async () => {
    const failing: AsyncIterator<number> = { next: () => Promise.reject(new Error('read failed')) };
    await expect(nextUnless(failing, new AbortController().signal)).rejects.toThrow('read failed');
  });
});
