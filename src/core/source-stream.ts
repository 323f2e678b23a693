import type { Readable } from 'node:stream';
import { iterableReadable } from './iterable-readable.js';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from './json-depth.js';
import { UniqueIds } from './record-checks.js';
import type { Item, JsonObject, StageRuntime } from './session.js';
import type { RunContext, SourceStage, Sourced } from './stage.js';

/**
 * The source adapter: runs a source and passes its records on as items. Everything the source yields
 * is counted in; a record is counted out, a failure goes to the errors sink (with what it carries to
 * replay it). One record per id, as in every adapter: a repeated id is rejected as `duplicate-id`. A
 * record nested deeper than `MAX_JSON_DEPTH` is rejected as `too-deep` (no stage could write it).
 */
export async function* runSource<O>(stage: SourceStage<O>, runtime: StageRuntime, signal: AbortSignal = runtime.signal): AsyncGenerator<Item<O & JsonObject>, void, undefined> {
  const stats = runtime.stats;
  const ids = new UniqueIds();
  const ctx: RunContext = { stopSignal: runtime.stopSignal, signal, runtime };
  for await (const produced of stage.run(ctx)) {
    stats.in++;
    if (produced.ok && valueNestsDeeperThan(produced.record)) {
      // Not kept in the errors file: writing it would overflow the stack, as writing it out would.
      const message = `the record nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (not kept in the errors file)`;
      runtime.reject({ kind: 'invalid', reason: 'too-deep', message }, produced);
      continue;
    }
    const failure = produced.ok ? ids.check(produced.record) : produced.failure;
    if (failure) {
      runtime.reject(failure, produced, produced.ok ? { record: produced.record } : (produced.replay ?? {}));
      continue;
    }
    stats.out++;
    yield { record: (produced as { record: O & JsonObject }).record, source: produced.source, line: produced.line };
  }
}

/** The same source as an object-mode Readable of items; destroying it aborts the source's work in flight (`ctx.signal`). */
export function sourceStream<O>(stage: SourceStage<O>, runtime: StageRuntime): Readable {
  const destroyed = new AbortController();
  const signal = AbortSignal.any([destroyed.signal, runtime.signal]);
  return iterableReadable(runSource(stage, runtime, signal), { onDestroy: () => destroyed.abort(new Error('stream destroyed')) });
}

/**
 * Records read on behalf of a stage that is not their source: the JSONL decoder in front of the first
 * transform or sink of a chain. Its failures (bad lines) are that stage's: counted in and reported at
 * once, in read order. Its records go on, to be counted by the stage's own adapter when it takes them.
 */
export async function* stageInput<O>(produced: AsyncIterable<Sourced<O>>, runtime: StageRuntime): AsyncGenerator<Item<O>, void, undefined> {
  for await (const next of produced) {
    if (next.ok) {
      // Passed on as it is: a record outcome is an item (record, source, line); no copy on the hot path.
      yield next;
    } else {
      runtime.stats.in++;
      runtime.reject(next.failure, next, next.replay ?? {});
    }
  }
}
