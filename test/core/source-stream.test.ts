import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSource, sourceStream, stageInput } from '../../src/core/source-stream.js';
import type { SourceStage, Sourced } from '../../src/core/stage.js';
import { collectAll, delay, testSession } from '../helpers/session.js';

type Rec = Record<string, unknown>;

function sourceOf(produced: Array<Sourced<Rec>>): SourceStage<Rec> {
  return {
    async *run() {
      yield* produced;
    },
  };
}

const bad = (line: number, reason: string): Sourced<Rec> => ({ ok: false, failure: { kind: 'invalid', reason, message: `${reason} here` }, source: 'data.parquet', line, replay: { raw: `raw ${line}` } });
const good = (line: number, id: string): Sourced<Rec> => ({ ok: true, record: { id }, source: 'data.parquet', line });

describe('runSource', () => {
  it('counts all a source yields as in, records as out, and reports its failures with their origin and replay (in = out + failed)', async () => {
    const { runtime, errors } = testSession({ stage: 'sample' });
    const out = await collectAll(runSource(sourceOf([good(1, 'a'), bad(2, 'no-pr'), good(3, 'b'), good(4, 'a')]), runtime));
    expect(out).toEqual([
      { record: { id: 'a' }, source: 'data.parquet', line: 1 },
      { record: { id: 'b' }, source: 'data.parquet', line: 3 },
    ]);
    expect(errors.map((e) => [e.source, e.line, e.reason, e.raw ?? e.record])).toEqual([
      ['data.parquet', 2, 'no-pr', 'raw 2'],
      ['data.parquet', 4, 'duplicate-id', { id: 'a' }],
    ]);
    expect(runtime.stats.summary()).toMatch(/^in 4, out 2, failed 2 \(no-pr 1, duplicate-id 1\), /);
  });

  it('rejects a record nested deeper than the limit as too-deep, keeping no record in the errors file, and goes on', async () => {
    const { runtime, errors } = testSession({ stage: 'import' });
    let deep: unknown = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    const out = await collectAll(runSource(sourceOf([good(1, 'a'), { ok: true, record: { id: 'b', x: deep }, source: 'seed', line: 2 }, good(3, 'c')]), runtime));
    expect(out.map((item) => item.record.id)).toEqual(['a', 'c']);
    expect(errors).toEqual([expect.objectContaining({ reason: 'too-deep', kind: 'invalid', line: 2, error: 'the record nests arrays and objects deeper than 1000 levels (not kept in the errors file)' })]);
    expect(errors[0]).not.toHaveProperty('record');
  });

  it('hands the source the stop signal and an abort signal', async () => {
    const { runtime, stop } = testSession({ stage: 'sample' });
    const counting: SourceStage<Rec> = {
      async *run(ctx) {
        for (let n = 0; !ctx.stopSignal.aborted; n++) yield good(n + 1, `r${n}`);
      },
    };
    const seen: unknown[] = [];
    for await (const item of runSource(counting, runtime)) {
      seen.push(item.record.id);
      if (seen.length === 3) stop.abort();
    }
    expect(seen).toEqual(['r0', 'r1', 'r2']);
  });
});

describe('sourceStream', () => {
  it('aborts the work of a source whose stream is destroyed', async () => {
    const { runtime } = testSession({ stage: 'sample' });
    let aborted = false;
    const waiting: SourceStage<Rec> = {
      async *run(ctx) {
        yield good(1, 'a');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        aborted = true;
      },
    };
    const stream = sourceStream(waiting, runtime);
    stream.resume();
    await delay(10);
    stream.destroy();
    await delay(10);
    expect(aborted).toBe(true);
  });
});

describe('stageInput', () => {
  it("makes a reader's failures the consuming stage's (counted in, reported at once) and leaves its records to that stage's adapter", async () => {
    const { runtime, errors } = testSession({ stage: 'validate' });
    const out = await collectAll(stageInput(Readable.from([good(1, 'a'), bad(2, 'invalid-json'), good(3, 'b')]), runtime));
    expect(out.map((item) => item.line)).toEqual([1, 3]);
    expect(errors.map((e) => [e.stage, e.line, e.reason])).toEqual([['validate', 2, 'invalid-json']]);
    expect([runtime.stats.in, runtime.stats.out, runtime.stats.failed]).toEqual([1, 0, 1]);
  });
});
