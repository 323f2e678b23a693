import type { Duplex } from 'node:stream';
import { iterableDuplex } from './iterable-duplex.js';
import { fail, type Outcome } from './outcome.js';
import { orderedMap } from './ordered-map.js';
import { internalFailure, schemaFailure, UniqueIds } from './record-checks.js';
import type { Item, JsonObject, StageRuntime } from './session.js';
import type { StageContext, TransformStage } from './stage.js';

interface Done {
  item: Item;
  outcome: Outcome<unknown>;
}

/**
 * The transform adapter: runs a transform over items. Validates each record against the stage's input
 * contract, calls the core with bounded concurrency (`recordsInFlight`), and yields successes in input
 * order. Failures go to the errors sink (with the record, so they can be replayed) and the stream goes
 * on. Every item is counted in, and then out or failed.
 *
 * One record per id: a success whose input `id` was already passed on is rejected as `duplicate-id`
 * (kind invalid). The check runs where results come out in input order, so which record wins does
 * not depend on timing: the first to succeed wins (with the request cache on, an identical duplicate
 * costs no second model call).
 */
export async function* runTransform<I, O>(
  items: AsyncIterable<Item> | Iterable<Item>,
  stage: TransformStage<I, O>,
  runtime: StageRuntime,
  signal: AbortSignal = runtime.signal,
): AsyncGenerator<Item<O & JsonObject>, void, undefined> {
  const stats = runtime.stats;
  const process = async (item: Item): Promise<Done> => {
    stats.in++;
    const invalid = schemaFailure(stage.input, item.record);
    if (invalid) return { item, outcome: { ok: false, failure: invalid } };
    if (signal.aborted) return { item, outcome: fail('transient', 'interrupted', 'not started: the run was interrupted') };
    stats.inFlight++;
    const ctx: StageContext = { signal, source: item.source, line: item.line, runtime };
    try {
      // The original object is passed on, not zod's copy: unknown fields and key order stay as they were.
      return { item, outcome: await stage.run(item.record as I, ctx) };
    } catch (error) {
      return { item, outcome: { ok: false, failure: internalFailure(runtime.stage, error) } };
    } finally {
      stats.inFlight--;
    }
  };

  const ids = new UniqueIds();
  try {
    const options = { concurrency: stage.recordsInFlight, ...(stage.readAhead === undefined ? {} : { readAhead: stage.readAhead }) };
    for await (const { item, outcome } of orderedMap(items, process, options)) {
      const failure = outcome.ok ? ids.check(item.record) : outcome.failure;
      if (failure) {
        runtime.reject(failure, item, { record: item.record });
      } else if (outcome.ok) {
        stats.out++;
        // The very object it was given: the record is unchanged, and so are the bytes it was read as.
        const raw = outcome.record === item.record ? item.raw : undefined;
        yield { record: outcome.record as O & JsonObject, source: item.source, line: item.line, ...(raw === undefined ? {} : { raw }) };
      }
    }
  } finally {
    await stage.close?.();
  }
}

/**
 * The same transform as a Node Duplex stream of items (object mode), for `stream.pipeline` and `.pipe`.
 * Destroying the stream aborts the calls in flight.
 */
export function transformStream<I, O>(stage: TransformStage<I, O>, runtime: StageRuntime): Duplex {
  const destroyed = new AbortController();
  const signal = AbortSignal.any([destroyed.signal, runtime.signal]);
  return iterableDuplex((source: AsyncIterable<Item>) => runTransform(source, stage, runtime, signal), {
    onDestroy: () => destroyed.abort(new Error('stream destroyed')),
  });
}
