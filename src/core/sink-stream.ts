import { Writable } from 'node:stream';
import { internalFailure, schemaFailure, UniqueIds } from './record-checks.js';
import type { Item, StageRuntime } from './session.js';
import type { RunContext, SinkStage } from './stage.js';
import { TdError } from './td-error.js';
import { WriteQueue } from './write-queue.js';

/**
 * The sink adapter: runs a sink over items and resolves with its summary. Every item is counted in;
 * one that breaks the input contract (`schema`) or repeats an id (`duplicate-id`) goes to the errors
 * sink and never reaches the sink; the others are counted out once the sink takes them (asks for the
 * next, or finishes). When the sink throws, the record it holds is reported as `internal` (a bug), or
 * counted as taken when the error is a TdError (an output that cannot be written: the run's error, not
 * the record's). Records the sink leaves unread are reported too, so none is lost.
 */
export async function runSink<I, S>(
  items: AsyncIterable<Item> | Iterable<Item>,
  stage: SinkStage<I, S>,
  runtime: StageRuntime,
  signal: AbortSignal = runtime.signal,
): Promise<S> {
  const stats = runtime.stats;
  const ids = new UniqueIds();
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  let held: Item | undefined;
  let exhausted = false;
  const taken = (): void => {
    if (held) stats.out++;
    held = undefined;
  };

  async function* accepted(): AsyncGenerator<I, void, undefined> {
    for (;;) {
      taken();
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const item = next.value;
      stats.in++;
      const failure = schemaFailure(stage.input, item.record) ?? ids.check(item.record);
      if (failure) {
        runtime.reject(failure, item, { record: item.record });
        continue;
      }
      held = item;
      // The original object is passed on, not zod's copy: unknown fields and key order stay as they were.
      yield item.record as I;
    }
  }

  const rawLine = (record: unknown): string | undefined => (held !== undefined && held.record === record ? held.raw : undefined);
  const ctx: RunContext = { stopSignal: runtime.stopSignal, signal, runtime, rawLine };
  let result: S;
  try {
    result = await stage.run(accepted(), ctx);
  } catch (error) {
    if (held && !(error instanceof TdError)) runtime.reject(internalFailure(runtime.stage, error), held, { record: held.record });
    else taken();
    held = undefined;
    throw error;
  }
  taken();
  if (!exhausted) {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      stats.in++;
      runtime.reject(internalFailure(runtime.stage, 'it stopped reading before its input ended'), next.value, { record: next.value.record });
    }
  }
  return result;
}

/**
 * The same sink as an object-mode Writable of items, for `stream.pipeline`: it finishes once the sink
 * has resolved. Destroying it (the run failed elsewhere) aborts the sink's `ctx.signal` and makes its
 * records throw, so it never takes a torn-down input for a complete one.
 */
export function sinkStream<I, S>(stage: SinkStage<I, S>, runtime: StageRuntime): Writable {
  const queue = new WriteQueue<Item>();
  const destroyed = new AbortController();
  const signal = AbortSignal.any([destroyed.signal, runtime.signal]);
  let ending = false;
  const done = runSink(queue, stage, runtime, signal);
  const writable = new Writable({
    objectMode: true,
    highWaterMark: 64,
    write(item: Item, _encoding, callback) {
      queue.push(item, callback);
    },
    final(callback) {
      ending = true;
      queue.end();
      done.then(
        () => callback(),
        (error: unknown) => callback(error as Error),
      );
    },
    destroy(error, callback) {
      destroyed.abort(error ?? new Error('stream destroyed'));
      queue.fail(new Error('the input ended early: the run was torn down'));
      callback(error);
    },
  });
  // A sink that fails before its input ends (an output it cannot write) ends the stream with its error.
  done.catch((error: unknown) => {
    if (!ending && !writable.destroyed) writable.destroy(error as Error);
  });
  return writable;
}

function toAsync<T>(sync: Iterator<T>): AsyncIterator<T> {
  return { next: async () => sync.next() };
}
