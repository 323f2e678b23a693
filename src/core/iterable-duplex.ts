import { Duplex } from 'node:stream';
import { pumpInto } from './iterable-readable.js';
import { WriteQueue } from './write-queue.js';

/**
 * Exposes an async-iterable transform (`source => output`) as an object-mode Duplex.
 *
 * Why not `Duplex.from(async function*)`: in Node 20 its destroy() waits for the generator to finish
 * and never aborts the signal it hands out, so a stage waiting on calls in flight could never be torn
 * down. Here destroy() fires `onDestroy` at once (the caller aborts its work) and does not wait.
 *
 * Backpressure: a write is acknowledged only when the transform pulls it, and the readable side pulls
 * from the transform only while the consumer wants data.
 */
export function iterableDuplex<I, O>(
  transform: (source: AsyncIterable<I>) => AsyncIterable<O>,
  options: { onDestroy?: (error: Error | null) => void; readableHighWaterMark?: number } = {},
): Duplex {
  const queue = new WriteQueue<I>();
  let output: AsyncIterator<O> | undefined;
  let pulling = false;

  const duplex = new Duplex({
    objectMode: true,
    writableHighWaterMark: 1,
    readableHighWaterMark: options.readableHighWaterMark ?? 16,
    write(chunk: I, _encoding, callback) {
      queue.push(chunk, callback);
    },
    final(callback) {
      queue.end();
      callback();
    },
    read() {
      if (pulling) return;
      pulling = true;
      output ??= transform(queue)[Symbol.asyncIterator]();
      void pumpInto(duplex, output, () => (pulling = false));
    },
    destroy(error, callback) {
      options.onDestroy?.(error);
      queue.end();
      void output?.return?.(undefined).catch(() => undefined);
      callback(error);
    },
  });

  return duplex;
}
