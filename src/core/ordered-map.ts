import { NextOrStop } from './next-or-stop.js';

/**
 * Ordered, bounded, backpressured mapping over an async iterable: the engine under every stage.
 *
 * - At most `concurrency` calls of `fn` run at once; calls start in input order.
 * - Results come out in input order, whatever order the calls finish in.
 * - At most `readAhead` items are held (running, waiting for a slot, or finished but not yet consumed):
 *   when the consumer stops pulling, the source stops being read.
 * - When `stopSignal` fires, no further item is read; items already read are still mapped and yielded.
 */

export interface OrderedMapOptions {
  /** Calls in flight at most. @default 1 */
  concurrency?: number;
  /** Items held at most (in flight + finished, waiting to be consumed); at least `concurrency`. @default max(2 * concurrency, 16) */
  readAhead?: number;
  /** Stop reading the source (already read items still complete). */
  stopSignal?: AbortSignal;
}

export interface ResolvedMapOptions {
  concurrency: number;
  readAhead: number;
}

export function resolveMapOptions(options: OrderedMapOptions = {}): ResolvedMapOptions {
  const concurrency = options.concurrency ?? 1;
  assertPositiveInteger('concurrency', concurrency);
  const readAhead = options.readAhead ?? Math.max(2 * concurrency, 16);
  assertPositiveInteger('readAhead', readAhead);
  if (readAhead < concurrency) {
    throw new TypeError(`Expected \`readAhead\` to be at least \`concurrency\` (${concurrency}), got \`${readAhead}\` (number)`);
  }
  return { concurrency, readAhead };
}

function assertPositiveInteger(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected \`${name}\` to be an integer from 1 and up, got \`${String(value)}\` (${typeof value})`);
  }
}

export async function* orderedMap<I, O>(
  source: AsyncIterable<I> | Iterable<I>,
  fn: (item: I, index: number) => Promise<O>,
  options: OrderedMapOptions = {},
): AsyncGenerator<O, void, undefined> {
  const { concurrency, readAhead } = resolveMapOptions(options);
  const iterator = toAsyncIterator(source);
  const held: Array<Promise<O>> = [];
  const waitingForSlot: Array<() => void> = [];
  let running = 0;
  let sourceDone = false;
  let sourceError: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  let stopped = options.stopSignal?.aborted ?? false;
  let index = 0;

  const notifyConsumer = (): void => {
    const wake = wakeConsumer;
    wakeConsumer = undefined;
    wake?.();
  };
  const notifyReader = (): void => {
    const wake = wakeReader;
    wakeReader = undefined;
    wake?.();
  };
  // Aborts when reading must end early: the stop signal fired or the consumer went away.
  const halt = new AbortController();
  const onStop = (): void => {
    stopped = true;
    halt.abort();
    notifyReader();
  };
  if (stopped) halt.abort();
  options.stopSignal?.addEventListener('abort', onStop, { once: true });

  const acquireSlot = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  };
  const releaseSlot = (): void => {
    const next = waitingForSlot.shift();
    if (next) next();
    else running--;
  };
  const schedule = async (item: I, position: number): Promise<O> => {
    await acquireSlot();
    try {
      return await fn(item, position);
    } finally {
      releaseSlot();
    }
  };

  let exhausted = false;

  const read = async (): Promise<void> => {
    const reader = new NextOrStop(iterator, halt.signal);
    try {
      while (!stopped) {
        if (held.length >= readAhead) {
          await new Promise<void>((resolve) => (wakeReader = resolve));
          continue;
        }
        const next = await reader.next();
        if (next === 'stop' || stopped) break;
        if (next.done) {
          exhausted = true;
          break;
        }
        const task = schedule(next.value, index++);
        // The consumer awaits tasks in order; this keeps a rejection from being reported as unhandled meanwhile.
        task.catch(() => {});
        held.push(task);
        notifyConsumer();
      }
    } catch (error) {
      sourceError = { error };
    } finally {
      reader.dispose();
      sourceDone = true;
      notifyConsumer();
    }
  };

  const reading = read();
  try {
    for (;;) {
      const head = held[0];
      if (head === undefined) {
        if (sourceDone) break;
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
        continue;
      }
      const value = await head;
      held.shift();
      notifyReader();
      yield value;
    }
    await reading;
    if (sourceError) throw sourceError.error;
  } finally {
    options.stopSignal?.removeEventListener('abort', onStop);
    onStop();
    // Tell a stream-backed source to release its resource. Not awaited: a generator queues return()
    // behind a pending next(), which may wait on input that never comes (an idle stdin).
    if (!exhausted && sourceError === undefined) iterator.return?.().catch(() => undefined);
  }
}

function toAsyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return {
    next: async () => sync.next(),
    return: async () => sync.return?.() ?? { done: true, value: undefined },
  };
}
