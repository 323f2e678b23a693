import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { boundedRaw } from '../core/errors-sink.js';
import { nextUnless } from '../core/next-unless.js';
import type { Failure } from '../core/outcome.js';
import type { Item, JsonObject, StageRuntime } from '../core/session.js';

/** Default longest line: a turn record with a long history is a few MB; 64 MiB leaves room without risking memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Name used for standard input in messages. */
export const STDIN_NAME = '<stdin>';
/** Bytes of an over-long line kept for its errors entry. */
const OVERLONG_HEAD_BYTES = 1024;
const NEWLINE = 0x0a;
const CR = 0x0d;

export interface JsonlDecodeOptions {
  /** Name for messages: a path or `<stdin>`. */
  name: string;
  runtime: StageRuntime;
  /** A longer line is rejected (`line-too-long`) without being held in memory. @default 64 MiB */
  maxLineBytes?: number;
  /** Stop reading at the next line (records already read are passed on). @default runtime.stopSignal */
  stopSignal?: AbortSignal;
}

/**
 * Decodes JSONL from a byte stream, a chunk at a time, counting lines itself (no library reports them).
 * Every bad line goes to the errors sink as `FILE:LINE: reason` and decoding goes on with the next one.
 * Blank lines are skipped; CRLF and a UTF-8 byte-order mark are accepted; a last line without a newline
 * is parsed; `null` and non-object values are bad lines.
 */
export async function* decodeJsonl(input: AsyncIterable<Buffer | string>, options: JsonlDecodeOptions): AsyncGenerator<Item> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stopSignal = options.stopSignal ?? options.runtime.stopSignal;
  const { name, runtime } = options;
  let lineNumber = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of the current line once it went over the limit (its content is no longer kept). */
  let overlong: { bytes: number; head: Buffer } | undefined;

  const reject = (failure: Omit<Failure, 'kind'>, raw: string, rawBytes: number): void => {
    runtime.stats.in++;
    runtime.reject({ kind: 'invalid', ...failure }, { source: name, line: lineNumber }, boundedRaw(raw, rawBytes));
  };

  /** Parses one complete line (without its `\n`); returns the item, or undefined for a blank or bad line. */
  const parseLine = (bytes: Buffer): Item | undefined => {
    let line = bytes;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (lineNumber === 1 && line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
    if (line.length === 0) return undefined;
    if (!isUtf8(line)) {
      reject({ reason: 'invalid-utf8', message: 'the line is not valid UTF-8' }, line.toString('utf8'), line.length);
      return undefined;
    }
    const text = line.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (text.trim() === '') return undefined;
      reject({ reason: 'invalid-json', message: `invalid JSON: ${(error as Error).message}` }, text, line.length);
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      reject({ reason: 'not-an-object', message: `expected a JSON object, got ${got}` }, text, line.length);
      return undefined;
    }
    // Good lines are counted by the stage that consumes them; the decoder counts only what it rejects.
    return { record: value as JsonObject, source: name, line: lineNumber };
  };

  const rejectOverlong = (state: { bytes: number; head: Buffer }): void => {
    reject(
      {
        reason: 'line-too-long',
        message: `the line is ${state.bytes} bytes, over the limit of ${maxLineBytes} bytes (raise it with --max-line-bytes)`,
      },
      state.head.toString('utf8'),
      state.bytes,
    );
  };

  /** Adds a piece of the current (unfinished) line, switching to counting-only once it is too long. */
  const holdPiece = (piece: Buffer): void => {
    if (overlong) {
      overlong.bytes += piece.length;
      return;
    }
    if (pendingBytes + piece.length > maxLineBytes) {
      const head = Buffer.concat([...pending, piece]).subarray(0, OVERLONG_HEAD_BYTES);
      overlong = { bytes: pendingBytes + piece.length, head: Buffer.from(head) };
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(piece);
    pendingBytes += piece.length;
  };

  /** Ends the current line at `piece` (the bytes before its newline) and returns its item, if any. */
  const finishLine = (piece: Buffer): Item | undefined => {
    lineNumber++;
    if (overlong) {
      overlong.bytes += piece.length;
      rejectOverlong(overlong);
      overlong = undefined;
      return undefined;
    }
    if (pendingBytes + piece.length > maxLineBytes) {
      rejectOverlong({ bytes: pendingBytes + piece.length, head: Buffer.concat([...pending, piece]).subarray(0, OVERLONG_HEAD_BYTES) });
      pending = [];
      pendingBytes = 0;
      return undefined;
    }
    const whole = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
    pending = [];
    pendingBytes = 0;
    return parseLine(whole);
  };

  const iterator = input[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      const next = await nextUnless(iterator, stopSignal);
      if (next === 'halt') break;
      if (next.done) {
        exhausted = true;
        break;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1) break;
        const item = finishLine(chunk.subarray(start, newline));
        start = newline + 1;
        if (item) yield item;
        if (stopSignal.aborted) return;
      }
      if (start < chunk.length) holdPiece(chunk.subarray(start));
    }
    if (!stopSignal.aborted && (pendingBytes > 0 || overlong)) {
      const item = finishLine(Buffer.alloc(0));
      if (item) yield item;
    }
  } finally {
    // Stopped early (SIGINT, or the consumer went away): release the file or stdin. Not awaited, since
    // a generator-backed iterator queues return() behind a next() that may wait on an idle stdin.
    if (!exhausted) void iterator.return?.();
  }
}

export interface JsonlSourceOptions extends Omit<JsonlDecodeOptions, 'name'> {
  /** A file path; omitted or `-`: standard input. */
  path?: string;
}

/** Opens a JSONL file (or stdin) as an object-mode Readable of items. */
export function createJsonlSource(options: JsonlSourceOptions): Readable {
  const fromStdin = options.path === undefined || options.path === '-';
  const bytes: Readable = fromStdin ? process.stdin : createReadStream(options.path!, { highWaterMark: 1 << 20 });
  const name = fromStdin ? STDIN_NAME : options.path!;
  const readable = Readable.from(decodeJsonl(bytes, { ...options, name }), { objectMode: true, highWaterMark: 64 });
  // If the items stream goes away early (downstream closed), let go of the file or stdin too.
  readable.once('close', () => {
    if (!bytes.destroyed && !fromStdin) bytes.destroy();
  });
  return readable;
}
