import { describe, expect, it } from 'vitest';
import { orderedMap, resolveMapOptions } from '../../src/core/ordered-map.js';
import { collectAll, delay } from '../helpers/session.js';

async function* numbers(count: number, onPull?: (n: number) => void): AsyncGenerator<number> {
  for (let n = 0; n < count; n++) {
    onPull?.(n);
    yield n;
  }
}

describe('orderedMap', () => {
  it('keeps input order when later items finish first', async () => {
    const out = await collectAll(
      orderedMap(numbers(20), async (n) => {
        await delay((20 - n) * 2);
        return n * 10;
      }, { concurrency: 8 }),
    );
    expect(out).toEqual(Array.from({ length: 20 }, (_, n) => n * 10));
  });

  it('never has more calls in flight than the concurrency limit, and reaches it', async () => {
    let running = 0;
    let peak = 0;
    await collectAll(
      orderedMap(numbers(50), async (n) => {
        running++;
        peak = Math.max(peak, running);
        await delay(1 + (n % 5));
        running--;
        return n;
      }, { concurrency: 4 }),
    );
    expect(peak).toBe(4);
  });

  it('starts calls in input order', async () => {
    const started: number[] = [];
    await collectAll(
      orderedMap(numbers(30), async (n) => {
        started.push(n);
        await delay(n % 3);
        return n;
      }, { concurrency: 5 }),
    );
    expect(started).toEqual(Array.from({ length: 30 }, (_, n) => n));
  });

  it('stops reading the source when the consumer pauses (read-ahead is bounded)', async () => {
    let pulled = 0;
    const mapped = orderedMap(numbers(1000, () => pulled++), async (n) => n, { concurrency: 2, readAhead: 6 });
    const iterator = mapped[Symbol.asyncIterator]();
    await iterator.next();
    await delay(30); // the consumer pauses; the reader must not run ahead
    expect(pulled).toBeLessThanOrEqual(1 + 6 + 1);
    await iterator.return(undefined);
  });

  it('stops reading when the stop signal fires but completes what was already read', async () => {
    const stop = new AbortController();
    let pulled = 0;
    const out = await collectAll(
      orderedMap(numbers(1000, () => pulled++), async (n) => {
        if (n === 3) stop.abort();
        await delay(5);
        return n;
      }, { concurrency: 2, readAhead: 4, stopSignal: stop.signal }),
    );
    expect(out).toEqual(Array.from({ length: out.length }, (_, n) => n));
    expect(out.length).toBeGreaterThanOrEqual(4);
    expect(out.length).toBeLessThanOrEqual(pulled);
    expect(pulled).toBeLessThan(10);
  });

  it('passes a source error on after the items read before it', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error('disk gone');
    }
    const seen: number[] = [];
    await expect(async () => {
      for await (const n of orderedMap(failing(), async (n) => n, { concurrency: 2 })) seen.push(n);
    }).rejects.toThrow('disk gone');
    expect(seen).toEqual([1, 2]);
  });

  it('validates its options with one message template', () => {
    expect(() => resolveMapOptions({ concurrency: 0 })).toThrow('Expected `concurrency` to be an integer from 1 and up, got `0` (number)');
    expect(() => resolveMapOptions({ concurrency: 1.5 })).toThrow('Expected `concurrency` to be an integer from 1 and up, got `1.5` (number)');
    expect(() => resolveMapOptions({ concurrency: 4, readAhead: 2 })).toThrow('Expected `readAhead` to be at least `concurrency` (4), got `2` (number)');
    expect(resolveMapOptions({ concurrency: 3 })).toEqual({ concurrency: 3, readAhead: 16 });
    expect(resolveMapOptions({ concurrency: 64 })).toEqual({ concurrency: 64, readAhead: 128 });
  });
});
