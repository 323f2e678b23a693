import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { boundedRaw } from '../core/errors-sink.js';
import type { Failure } from '../core/outcome.js';
import { StoppableReader } from '../core/next-or-stop.js';
import type { Item, JsonObject, StageRuntime } from '../core/session.js';

/** Default longest line: a turn record with a long history is a few MB; 64 MiB leaves room without risking memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Name used for standard input in messages. */
export const STDIN_NAME = '<stdin>';
/** Bytes of an over-long line kept for its errors entry. */
const OVERLONG_HEAD_BYTES = 1024;
const NEWLINE = 0x0a;

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

  const reject = (failure: Omit<Failure, 'kind'>, raw: string, rawBytes: number, rawIsHead = false): void => {
    runtime.stats.in++;
    const payload = rawIsHead ? { raw, rawBytes } : boundedRaw(raw, rawBytes);
    runtime.reject({ kind: 'invalid', ...failure }, { source: name, line: lineNumber }, payload);
  };

  /** Parses the text of one complete line (without `\n`); returns the item, or undefined for a blank or bad line. */
  const parseText = (raw: string, bytes: number): Item | undefined => {
    let text = raw;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (lineNumber === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (text.trim() === '') return undefined;
      reject({ reason: 'invalid-json', message: `invalid JSON: ${(error as Error).message}` }, text, bytes);
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      reject({ reason: 'not-an-object', message: `expected a JSON object, got ${got}` }, text, bytes);
      return undefined;
    }
    // Good lines are counted by the stage that consumes them; the decoder counts only what it rejects.
    return { record: value as JsonObject, source: name, line: lineNumber };
  };

  /** Parses one complete line given as bytes (the slow path: lines that span chunks or hold bad UTF-8). */
  const parseBytes = (line: Buffer): Item | undefined => {
    if (!isUtf8(line)) {
      reject({ reason: 'invalid-utf8', message: 'the line is not valid UTF-8' }, line.toString('utf8'), line.length);
      return undefined;
    }
    return parseText(line.toString('utf8'), line.length);
  };

  const rejectOverlong = (bytes: number, head: Buffer): void => {
    reject(
      {
        reason: 'line-too-long',
        message: `the line is ${bytes} bytes, over the limit of ${maxLineBytes} bytes (raise it with --max-line-bytes)`,
      },
      head.subarray(0, OVERLONG_HEAD_BYTES).toString('utf8'),
      bytes,
      true,
    );
  };

  /** Adds a piece of the current (unfinished) line, switching to counting only once it is too long. */
  const holdPiece = (piece: Buffer): void => {
    if (piece.length === 0) return;
    if (overlong) {
      overlong.bytes += piece.length;
      return;
    }
    if (pendingBytes + piece.length > maxLineBytes) {
      overlong = { bytes: pendingBytes + piece.length, head: headOf([...pending, piece]) };
      pending = [];
      pendingBytes = 0;
      return;
    }
    // Copied: a chunk read from a file is pooled memory that will be reused.
    pending.push(Buffer.from(piece));
    pendingBytes += piece.length;
  };

  /** Ends the held line with `piece` (the bytes before its newline). */
  const finishHeldLine = (piece: Buffer): Item | undefined => {
    lineNumber++;
    if (overlong) {
      const { bytes, head } = overlong;
      overlong = undefined;
      rejectOverlong(bytes + piece.length, head);
      return undefined;
    }
    const bytes = pendingBytes + piece.length;
    const pieces = [...pending, piece];
    pending = [];
    pendingBytes = 0;
    if (bytes > maxLineBytes) {
      rejectOverlong(bytes, headOf(pieces));
      return undefined;
    }
    return parseBytes(Buffer.concat(pieces));
  };

  /**
   * The complete lines of one chunk. Each line is checked and decoded on its own: measured here, that
   * beats decoding the whole chunk and cutting the string (V8 parses a line that is one-byte text
   * faster, and one non-Latin-1 character would make a whole decoded chunk two-byte).
   */
  function* parseBlock(block: Buffer): Generator<Item> {
    let start = 0;
    for (let newline = block.indexOf(NEWLINE); newline !== -1; newline = block.indexOf(NEWLINE, start)) {
      lineNumber++;
      const line = block.subarray(start, newline);
      start = newline + 1;
      if (line.length > maxLineBytes) {
        rejectOverlong(line.length, line);
        continue;
      }
      const item = parseBytes(line);
      if (item) yield item;
    }
  }

  const iterator = input[Symbol.asyncIterator]();
  const reader = new StoppableReader(iterator, stopSignal);
  let exhausted = false;
  try {
    for (;;) {
      const next = await reader.next();
      if (next === 'stop') break;
      if (next.done) {
        exhausted = true;
        break;
      }
      let chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (pendingBytes > 0 || overlong) {
        const newline = chunk.indexOf(NEWLINE);
        if (newline === -1) {
          holdPiece(chunk);
          continue;
        }
        const item = finishHeldLine(chunk.subarray(0, newline));
        if (item) yield item;
        if (stopSignal.aborted) return;
        chunk = chunk.subarray(newline + 1);
      }
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline !== -1) {
        for (const item of parseBlock(chunk.subarray(0, lastNewline + 1))) {
          yield item;
          if (stopSignal.aborted) return;
        }
      }
      holdPiece(chunk.subarray(lastNewline + 1));
    }
    if (!stopSignal.aborted && (pendingBytes > 0 || overlong)) {
      const item = finishHeldLine(Buffer.alloc(0));
      if (item) yield item;
    }
  } finally {
    reader.dispose();
    // Stopped early (SIGINT, or the consumer went away): release the file or stdin. Not awaited, since
    // a generator-backed iterator queues return() behind a next() that may wait on an idle stdin.
    if (!exhausted) iterator.return?.().catch(() => undefined);
  }
}

/**
 * The first bytes of a line held in pieces, copied: only these are kept for the errors entry, so an
 * over-long line is never joined into one buffer (joining 64 MiB to keep 1 KiB doubled the peak memory).
 */
function headOf(pieces: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let bytes = 0;
  for (const piece of pieces) {
    if (bytes >= OVERLONG_HEAD_BYTES) break;
    const part = piece.subarray(0, OVERLONG_HEAD_BYTES - bytes);
    parts.push(part);
    bytes += part.length;
  }
  return Buffer.concat(parts);
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
  // Stopping (SIGINT) or the items stream going away early (downstream closed) lets go of the file or
  // stdin at once: an idle stdin would otherwise keep the process alive.
  const stopSignal = options.stopSignal ?? options.runtime.stopSignal;
  const release = (): void => {
    if (!bytes.destroyed) bytes.destroy();
  };
  stopSignal.addEventListener('abort', release, { once: true });
  readable.once('close', () => {
    stopSignal.removeEventListener('abort', release);
    release();
  });
  return readable;
}
