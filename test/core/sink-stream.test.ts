import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/core/session.js';
import { runSink, sinkStream } from '../../src/core/sink-stream.js';
import type { SinkStage } from '../../src/core/stage.js';
import { TdError } from '../../src/core/td-error.js';
import { delay, testSession } from '../helpers/session.js';

const Input = z.looseObject({ n: z.number().int() });
type In = z.infer<typeof Input>;

function items(records: unknown[]): Item[] {
  return records.map((record, i) => ({ record: record as Record<string, unknown>, source: 'in.jsonl', line: i + 1 }));
}

/** A sink that sums `n`, taking each record in turn; `onRecord` may throw to play a bug or a broken output. */
function summer(onRecord: (record: In) => void = () => {}): SinkStage<In, { sum: number; seen: number[] }> {
  return {
    input: Input,
    async run(records) {
      const seen: number[] = [];
      for await (const record of records) {
        onRecord(record);
        seen.push(record.n);
      }
      return { sum: seen.reduce((a, b) => a + b, 0), seen };
    },
  };
}

describe('runSink', () => {
  it('hands the sink only records that pass the contract and the id check, and resolves with its summary (in = out + failed)', async () => {
    const { runtime, errors } = testSession({ stage: 'report' });
    const records = [{ id: 'a', n: 1 }, { n: 'two' }, { id: 'a', n: 3 }, { n: 4 }];
    const summary = await runSink(items(records), summer(), runtime);
    expect(summary).toEqual({ sum: 5, seen: [1, 4] });
    expect(errors.map((e) => [e.line, e.reason, e.record])).toEqual([
      [2, 'schema', { n: 'two' }],
      [3, 'duplicate-id', { id: 'a', n: 3 }],
    ]);
    expect(runtime.stats.summary()).toMatch(/^in 4, out 2, failed 2 \(schema 1, duplicate-id 1\), /);
  });

  it('reports the record a sink held when it threw as internal, and fails the run with the error', async () => {
    const { runtime, errors } = testSession({ stage: 'report' });
    const sink = summer((record) => {
      if (record.n === 2) throw new Error('boom');
    });
    await expect(runSink(items([{ n: 1 }, { n: 2 }, { n: 3 }]), sink, runtime)).rejects.toThrow('boom');
    expect(errors.map((e) => [e.line, e.reason, e.error])).toEqual([[2, 'internal', 'td report failed unexpectedly: boom']]);
    expect([runtime.stats.in, runtime.stats.out, runtime.stats.failed]).toEqual([2, 1, 1]);
  });

  it('counts the record in hand as taken when the sink fails with a TdError (its output, not the record, broke)', async () => {
    const { runtime, errors } = testSession({ stage: 'report' });
    const sink = summer((record) => {
      if (record.n === 2) throw new TdError('cannot write out/: ENOSPC', 73);
    });
    await expect(runSink(items([{ n: 1 }, { n: 2 }, { n: 3 }]), sink, runtime)).rejects.toThrow('ENOSPC');
    expect(errors).toEqual([]);
    expect([runtime.stats.in, runtime.stats.out, runtime.stats.failed]).toEqual([2, 2, 0]);
  });

  it('reports what a sink left unread instead of losing it', async () => {
    const { runtime, errors } = testSession({ stage: 'report' });
    const firstOnly: SinkStage<In, number> = {
      input: Input,
      async run(records) {
        for await (const record of records) return record.n;
        return -1;
      },
    };
    expect(await runSink(items([{ n: 7 }, { n: 8 }, { n: 9 }]), firstOnly, runtime)).toBe(7);
    expect(errors.map((e) => [e.line, e.reason, e.error])).toEqual([
      [2, 'internal', 'td report failed unexpectedly: it stopped reading before its input ended'],
      [3, 'internal', 'td report failed unexpectedly: it stopped reading before its input ended'],
    ]);
    expect([runtime.stats.in, runtime.stats.out, runtime.stats.failed]).toEqual([3, 1, 2]);
  });
});

describe('sinkStream', () => {
  it('finishes in stream.pipeline once the sink has resolved', async () => {
    const { runtime } = testSession({ stage: 'report' });
    let done = false;
    const sink: SinkStage<In, void> = {
      input: Input,
      async run(records) {
        for await (const _ of records);
        await delay(20);
        done = true;
      },
    };
    await pipeline(Readable.from(items([{ n: 1 }, { n: 2 }])), sinkStream(sink, runtime));
    expect(done).toBe(true);
    expect([runtime.stats.in, runtime.stats.out]).toEqual([2, 2]);
  });

  it('stops pulling from upstream while the sink is busy (backpressure)', async () => {
    const { runtime } = testSession({ stage: 'report' });
    let pulled = 0;
    async function* source(): AsyncGenerator<Item> {
      for (let n = 0; n < 10_000; n++) {
        pulled++;
        yield { record: { n }, source: 's', line: n + 1 };
      }
    }
    const stuck: SinkStage<In, void> = {
      input: Input,
      async run(records, ctx) {
        for await (const _ of records) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      },
    };
    const stream = sinkStream(stuck, runtime);
    const running = pipeline(Readable.from(source()), stream).catch(() => undefined);
    await delay(50);
    // The Writable's buffer (64 objects), the readable buffer in front of it (16) and the record in hand.
    expect(pulled).toBeLessThan(100);
    stream.destroy();
    await running;
  });

  it('when torn down, aborts the sink and makes its records throw: a torn-down input is never taken for a whole one', async () => {
    const { runtime } = testSession({ stage: 'report' });
    const seen: string[] = [];
    const sink: SinkStage<In, void> = {
      input: Input,
      async run(records, ctx) {
        ctx.signal.addEventListener('abort', () => seen.push('aborted'), { once: true });
        try {
          for await (const record of records) seen.push(`n${record.n}`);
          seen.push('finished');
        } catch (error) {
          seen.push(`threw: ${(error as Error).message}`);
          throw error;
        }
      },
    };
    const stream = sinkStream(sink, runtime);
    stream.write({ record: { n: 1 }, source: 's', line: 1 });
    await delay(10);
    stream.destroy();
    await delay(10);
    expect(seen).toEqual(['n1', 'aborted', 'threw: the input ended early: the run was torn down']);
  });

  it('ends the stream with the error of a sink that fails before its input ends', async () => {
    const { runtime } = testSession({ stage: 'report' });
    const broken = summer(() => {
      throw new TdError('cannot write out/: EACCES', 73);
    });
    await expect(pipeline(Readable.from(items([{ n: 1 }, { n: 2 }])), sinkStream(broken, runtime))).rejects.toThrow('EACCES');
  });
});
