import { createWriteStream, openSync } from 'node:fs';
import { Writable } from 'node:stream';
import { BlockWriter } from '../core/block-writer.js';
import { EXIT } from '../core/exit-codes.js';
import { fileError, writeFailure } from '../core/file-error.js';
import type { Item } from '../core/session.js';

export interface JsonlSinkOptions {
  /** A file path; omitted or `-`: standard output. */
  path?: string;
  /** Called once per record written (progress, counting). */
  onWritten?: (count: number) => void;
  /** Called when the reader went away (EPIPE), before the run is torn down. */
  onReaderGone?: () => void;
}

/**
 * Encodes items as `\n`-terminated JSON lines, a block at a time (see `createJsonlWriter`). The
 * destination's backpressure is honoured (a write completes only after `drain`), and its errors (EPIPE
 * when the reader went away) end this stream instead of crashing the process.
 */
export function createJsonlSink(options: JsonlSinkOptions = {}): Writable {
  const path = options.path === '-' ? undefined : options.path;
  const destination = path === undefined ? process.stdout : createWriteStream(path, { fd: openOutput(path), highWaterMark: 1 << 20 });
  return createJsonlWriter(destination, { ...options, end: path !== undefined, name: path ?? '<stdout>' });
}

/**
 * Opens the output file now, not when the stream gets round to it: a path that cannot be written is a
 * one-line error (exit 73) before any input is read, not a stream error in the middle of the run.
 */
function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw fileError('cannot write output', path, error, EXIT.cantCreate);
  }
}

export interface JsonlWriterOptions {
  /** End the destination when this stream finishes (not for stdout). @default true */
  end?: boolean;
  onWritten?: (count: number) => void;
  onReaderGone?: () => void;
  /** The destination's name for messages (a path, `<stdout>`): a write that fails ends the run with `cannot write output NAME: ...`. */
  name?: string;
}

/**
 * The encoder over any byte destination, on the shared `BlockWriter`: lines are encoded into 1 MiB
 * blocks and a block is written when full, or as soon as the producer pauses (a `setImmediate` flush of
 * what the block holds so far), so a slow LLM stage still streams each record out at once while a fast
 * one writes a megabyte at a time.
 */
export function createJsonlWriter(destination: NodeJS.WritableStream, options: JsonlWriterOptions = {}): Writable {
  const end = options.end ?? true;
  const writer = new BlockWriter(destination);
  let failed: Error | undefined;
  let flushScheduled = false;
  /** Callback of the write that waits for the destination to drain, if any. */
  let waitingDrain: ((error?: Error | null) => void) | undefined;

  /** Hands the blocks (with `partial`, all that was added) to the destination; `then` runs once it can take more. */
  const flush = (partial: boolean, then?: (error?: Error | null) => void): void => {
    if (failed) return then?.(failed);
    if (writer.write(partial)) return then?.();
    if (!then) return; // the next write or final() waits for drain
    waitingDrain = then;
    destination.once('drain', () => {
      if (waitingDrain === then) waitingDrain = undefined;
      then();
    });
  };

  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      if (writer.pendingBytes > 0) flush(true);
    });
  };

  const added = (count: number, callback: (error?: Error | null) => void): void => {
    if (failed) return callback(failed);
    options.onWritten?.(count);
    const needsDrain = (destination as { writableNeedDrain?: boolean }).writableNeedDrain === true;
    if (writer.hasFullBlock || needsDrain) return flush(needsDrain, callback);
    scheduleFlush();
    callback();
  };

  const sink = new Writable({
    objectMode: true,
    highWaterMark: 64,
    write(item: Item, _encoding, callback) {
      writer.add(lineOf(item));
      added(1, callback);
    },
    writev(chunks, callback) {
      for (const { chunk } of chunks) writer.add(lineOf(chunk as Item));
      added(chunks.length, callback);
    },
    final(callback) {
      flush(true, (error) => {
        if (error) return callback(error);
        if (!end) return callback();
        destination.once('finish', () => callback());
        destination.end();
      });
    },
    destroy(error, callback) {
      // Destroyed before the end (the source or another stage failed): the records already acknowledged
      // are still delivered. What the writer holds is written while the destination takes data, and a
      // file is ended, not destroyed, so what it buffered reaches the disk too.
      const target = destination as NodeJS.WritableStream & { destroyed?: boolean };
      const healthy = failed === undefined && target.writable && target.destroyed !== true;
      if (healthy) writer.write(true);
      if (end && healthy) destination.end();
      else if (end && target.destroyed !== true) (destination as unknown as Writable).destroy?.();
      callback(error);
    },
  });

  destination.on('error', (cause: Error) => {
    // The reader going away (EPIPE) stays what it is: the run ends quietly. Any other error names the output.
    if (isBrokenPipe(cause)) options.onReaderGone?.();
    const error = isBrokenPipe(cause) || options.name === undefined ? cause : writeFailure('cannot write output', options.name, cause, EXIT.ioError);
    failed = error;
    const waiting = waitingDrain;
    waitingDrain = undefined;
    if (waiting) waiting(error);
    else sink.destroy(error);
  });
  return sink;
}

/** A record unchanged since it was read goes out as the bytes it was read as; any other is serialised. */
function lineOf(item: Item): string {
  return (item.raw ?? JSON.stringify(item.record)) + '\n';
}

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}
