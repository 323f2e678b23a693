import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Item } from '../core/session.js';

export interface JsonlSinkOptions {
  /** A file path; omitted or `-`: standard output. */
  path?: string;
  /** Called once per record written (progress, counting). */
  onWritten?: (count: number) => void;
}

/**
 * Encodes items as `\n`-terminated JSON lines. Records are stringified and written a batch at a time
 * (`writev`): one write per batch instead of one per record is what brings the codec close to a plain
 * chunked loop. The destination's backpressure is honoured (a batch completes only after `drain`),
 * and its errors (EPIPE when the reader went away) end this stream instead of crashing the process.
 */
export function createJsonlSink(options: JsonlSinkOptions = {}): Writable {
  const toStdout = options.path === undefined || options.path === '-';
  const destination: NodeJS.WritableStream & { destroyed?: boolean } = toStdout
    ? process.stdout
    : createWriteStream(options.path!, { highWaterMark: 1 << 20 });
  return createJsonlWriter(destination, { ...options, end: !toStdout });
}

export interface JsonlWriterOptions {
  /** End the destination when this stream finishes (not for stdout). @default true */
  end?: boolean;
  onWritten?: (count: number) => void;
}

/** The encoder over any byte destination. */
export function createJsonlWriter(destination: NodeJS.WritableStream, options: JsonlWriterOptions = {}): Writable {
  const end = options.end ?? true;
  let failed: Error | undefined;
  let waitingDrain: ((error?: Error | null) => void) | undefined;

  const writeText = (text: string, callback: (error?: Error | null) => void): void => {
    if (failed) return callback(failed);
    if (destination.write(text)) return callback();
    waitingDrain = callback;
    destination.once('drain', () => {
      waitingDrain = undefined;
      callback();
    });
  };

  const sink = new Writable({
    objectMode: true,
    highWaterMark: 64,
    write(item: Item, _encoding, callback) {
      writeText(JSON.stringify(item.record) + '\n', callback);
      options.onWritten?.(1);
    },
    writev(chunks, callback) {
      let text = '';
      for (const { chunk } of chunks) text += JSON.stringify((chunk as Item).record) + '\n';
      writeText(text, callback);
      options.onWritten?.(chunks.length);
    },
    final(callback) {
      if (failed) return callback(failed);
      if (!end) return callback();
      destination.once('finish', () => callback());
      destination.end();
    },
    destroy(error, callback) {
      if (end && !(destination as { destroyed?: boolean }).destroyed) (destination as unknown as Writable).destroy?.();
      callback(error);
    },
  });

  destination.on('error', (error: Error) => {
    failed = error;
    const waiting = waitingDrain;
    waitingDrain = undefined;
    if (waiting) waiting(error);
    else sink.destroy(error);
  });
  return sink;
}
