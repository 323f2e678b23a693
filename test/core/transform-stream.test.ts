import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../src/core/outcome.js';
import type { Item } from '../../src/core/session.js';
import type { TransformStage } from '../../src/core/stage.js';
import { transformStream, runTransform } from '../../src/core/transform-stream.js';
import { collectAll, delay, testSession } from '../helpers/session.js';

const Input = z.looseObject({ n: z.number().int() });
type In = z.infer<typeof Input>;

function items(records: unknown[]): Item[] {
  return records.map((record, i) => ({ record: record as Record<string, unknown>, source: 'in.jsonl', line: i + 1 }));
}

function doubler(options: Partial<TransformStage<In, In>> = {}): TransformStage<In, In> {
  return {
    input: Input,
    recordsInFlight: 3,
    run: async (record) => {
      await delay((7 - (record.n % 7)) * 2);
      return record.n === 4 ? fail('rejected', 'format', 'no bash block, got "plain text"') : ok({ ...record, doubled: record.n * 2 });
    },
    ...options,
  };
}

describe('runTransform', () => {
  it('passes successes on in input order and sends each failure, with its record, to the errors sink', async () => {
    const { runtime, errors } = testSession({ stage: 'king' });
    const out = await collectAll(runTransform(items([0, 1, 2, 3, 4, 5, 6].map((n) => ({ n, keep: `x${n}` }))), doubler(), runtime));
    expect(out.map((item) => item.record.n)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(out[1]).toEqual({ record: { n: 1, keep: 'x1', doubled: 2 }, source: 'in.jsonl', line: 2 });
    expect(errors).toEqual([
      { stage: 'king', kind: 'rejected', reason: 'format', source: 'in.jsonl', line: 5, error: 'no bash block, got "plain text"', record: { n: 4, keep: 'x4' } },
    ]);
    expect(runtime.stats.summary()).toMatch(/^in 7, out 6, failed 1 \(format 1\), /);
    expect([...runtime.stats.failedKinds]).toEqual(['rejected']);
  });

  it('rejects records that break the input contract as schema errors with the field and the value', async () => {
    const { runtime, errors } = testSession({ stage: 'test' });
    const out = await collectAll(runTransform(items([{ n: 1 }, { n: 'two' }, {}]), doubler(), runtime));
    expect(out).toHaveLength(1);
    expect(errors.map((e) => [e.line, e.kind, e.reason, e.error])).toEqual([
      [2, 'invalid', 'schema', 'n: expected number, got "two" (string)'],
      [3, 'invalid', 'schema', 'n: missing (expected number)'],
    ]);
  });

  it('turns a core that throws into a failed record instead of a dead stream', async () => {
    const { runtime, errors } = testSession({ stage: 'test' });
    const stage = doubler({
      run: async (record) => {
        if (record.n === 1) throw new Error('boom');
        return ok(record);
      },
    });
    const out = await collectAll(runTransform(items([{ n: 0 }, { n: 1 }, { n: 2 }]), stage, runtime));
    expect(out.map((item) => item.record.n)).toEqual([0, 2]);
    expect(errors[0]).toMatchObject({ kind: 'rejected', reason: 'internal', error: 'td test failed unexpectedly: boom' });
  });

  it('hands the core an abort signal that fires with the session abort', async () => {
    const { runtime, errors, abort } = testSession({ stage: 'test' });
    const stage = doubler({
      run: async (record, ctx) => {
        try {
          await delay(10_000, ctx.signal);
          return ok(record);
        } catch {
          return fail('transient', 'interrupted', 'aborted in flight');
        }
      },
    });
    const running = collectAll(runTransform(items([{ n: 0 }, { n: 1 }]), stage, runtime));
    await delay(20);
    abort.abort();
    expect(await running).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual(['interrupted', 'interrupted']);
  });

  it('passes on one record per id and rejects later ones as duplicate-id, whatever order calls finish in', async () => {
    const { runtime, errors } = testSession({ stage: 'test' });
    // n 6 finishes first (shortest delay), n 0 last; n 4 fails, so its duplicate (n 11) is the one passed on.
    const records = [
      { id: 'a', n: 0 },
      { id: 'b', n: 4 },
      { id: 'a', n: 6 },
      { n: 1 },
      { n: 2 },
      { id: 'b', n: 11 },
      { id: 'a', n: 0 },
    ];
    const out = await collectAll(runTransform(items(records), doubler(), runtime));
    expect(out.map((item) => [item.record.id, item.record.n])).toEqual([
      ['a', 0],
      [undefined, 1],
      [undefined, 2],
      ['b', 11],
    ]);
    expect(errors.map((e) => [e.line, e.kind, e.reason, e.error])).toEqual([
      [2, 'rejected', 'format', 'no bash block, got "plain text"'],
      [3, 'invalid', 'duplicate-id', 'id "a" was already passed on by an earlier record: one record per id'],
      [7, 'invalid', 'duplicate-id', 'id "a" was already passed on by an earlier record: one record per id'],
    ]);
    expect(errors[1]!.record).toEqual({ id: 'a', n: 6 });
    expect(runtime.stats.summary()).toMatch(/^in 7, out 4, failed 3 \(duplicate-id 2, format 1\), /);
  });

  it('calls close once after the last record', async () => {
    const { runtime } = testSession({ stage: 'test' });
    let closed = 0;
    await collectAll(runTransform(items([{ n: 1 }]), doubler({ close: () => void closed++ }), runtime));
    expect(closed).toBe(1);
  });
});

describe('transformStream', () => {
  it('works inside stream.pipeline and keeps order', async () => {
    const { runtime } = testSession({ stage: 'test' });
    const seen: number[] = [];
    await pipeline(
      Readable.from(items(Array.from({ length: 30 }, (_, n) => ({ n: n === 4 ? 40 : n })))),
      transformStream(doubler(), runtime),
      new Writable({
        objectMode: true,
        write(item: Item, _encoding, callback) {
          seen.push(item.record.n as number);
          callback();
        },
      }),
    );
    expect(seen).toEqual(Array.from({ length: 30 }, (_, n) => (n === 4 ? 40 : n)));
  });

  it('works with .pipe', async () => {
    const { runtime } = testSession({ stage: 'test' });
    const seen: unknown[] = [];
    const sink = new Writable({
      objectMode: true,
      write(item: Item, _encoding, callback) {
        seen.push(item.record.doubled);
        callback();
      },
    });
    Readable.from(items([{ n: 1 }, { n: 2 }])).pipe(transformStream(doubler(), runtime)).pipe(sink);
    await new Promise((resolve) => sink.on('finish', resolve));
    expect(seen).toEqual([2, 4]);
  });

  it('aborts the calls in flight when the stream is destroyed', async () => {
    const { runtime } = testSession({ stage: 'test' });
    const aborted: number[] = [];
    const stage = doubler({
      run: async (record, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.push(record.n);
        return fail('transient', 'interrupted', 'aborted');
      },
    });
    const stream = transformStream(stage, runtime);
    stream.write({ record: { n: 1 }, source: 's', line: 1 });
    stream.write({ record: { n: 2 }, source: 's', line: 2 });
    stream.resume();
    await delay(20);
    stream.destroy();
    await delay(20);
    expect(aborted.sort()).toEqual([1, 2]);
  });

  it('stops pulling from upstream while downstream is paused (backpressure)', async () => {
    const { runtime } = testSession({ stage: 'test' });
    let pulled = 0;
    async function* source(): AsyncGenerator<Item> {
      for (let n = 0; n < 10_000; n++) {
        pulled++;
        yield { record: { n }, source: 's', line: n + 1 };
      }
    }
    const stream = transformStream({ ...doubler(), run: async (record) => ok(record), readAhead: 8 }, runtime);
    Readable.from(source()).pipe(stream); // nobody reads the stage's output
    await delay(50);
    // Read-ahead window, the readable buffer of the stage (16 objects), and small stream buffers in between.
    expect(pulled).toBeLessThan(80);
    stream.destroy();
  });
});
