import { Readable } from 'node:stream';

/**
 * Exposes an async iterable as an object-mode Readable that can be torn down while the iterable waits.
 *
 * Why not `Readable.from`: its destroy() waits for the iterator's `return()`, which an async generator
 * queues behind the `next()` it is waiting in (a query, a download), and it has no way to tell the
 * generator to stop waiting. Here destroy() fires `onDestroy` at once (the caller aborts its work) and
 * does not wait. The iterable is pulled only while the consumer wants data.
 */
export function iterableReadable<T>(source: AsyncIterable<T>, options: { onDestroy?: (error: Error | null) => void; highWaterMark?: number } = {}): Readable {
  let iterator: AsyncIterator<T> | undefined;
  let pulling = false;

  const readable = new Readable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,
    read() {
      if (pulling) return;
      pulling = true;
      iterator ??= source[Symbol.asyncIterator]();
      void pumpInto(readable, iterator, () => (pulling = false));
    },
    destroy(error, callback) {
      options.onDestroy?.(error);
      void iterator?.return?.(undefined).catch(() => undefined);
      callback(error);
    },
  });

  return readable;
}

/**
 * Pushes `iterator`'s values into `readable` until it asks to pause (then `paused()` runs, at once, so
 * the next `read()` pumps again), the iterator ends (end of stream) or throws (the stream is destroyed
 * with the error). Stops quietly once the stream is destroyed.
 */
export async function pumpInto<T>(readable: Readable, iterator: AsyncIterator<T>, paused: () => void): Promise<void> {
  try {
    for (;;) {
      const next = await iterator.next();
      if (readable.destroyed) return;
      if (next.done) {
        readable.push(null);
        return;
      }
      if (!readable.push(next.value)) break;
    }
    paused();
  } catch (error) {
    readable.destroy(error as Error);
  }
}
