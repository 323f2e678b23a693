import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { boundedRaw } from '../core/errors-sink.js';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../core/json-depth.js';
import { parseJsonObject } from '../core/json-line.js';
import { DEFAULT_MAX_LINE_BYTES, LineFramer, type LineFrame } from '../core/line-framer.js';
import { NextOrStop } from '../core/next-or-stop.js';
import type { JsonObject, StageRuntime } from '../core/session.js';
import { stageInput } from '../core/source-stream.js';
import type { Sourced } from '../core/stage.js';

export { DEFAULT_MAX_LINE_BYTES };
/** A line of JSON whitespace only (its `\n` already cut): skipped, but counted. */
const JSON_BLANK = /^[ \t\r]*$/;
/** Name used for standard input in messages. */
export const STDIN_NAME = '<stdin>';

export interface JsonlDecodeOptions {
  /** Name for messages: a path or `<stdin>`. */
  name: string;
  /** A longer line is a failure (`line-too-long`), never held in memory. @default 64 MiB */
  maxLineBytes?: number;
  /** Stop reading at the next line (lines already read are passed on). */
  stopSignal?: AbortSignal;
}

/**
 * Decodes JSONL from a byte stream, a chunk at a time, through the line framer (which counts lines:
 * no library reports them). Yields each record, and each bad line as a failure (kind invalid) with
 * its raw text, both with `FILE:LINE`; decoding goes on after a bad line. Blank lines (JSON whitespace
 * only: space, tab, CR) are skipped; CRLF
 * and a UTF-8 byte-order mark are accepted; a last line without a newline is parsed; `null` and
 * non-object values are bad lines.
 */
export async function* decodeJsonl(input: AsyncIterable<Buffer | string>, options: JsonlDecodeOptions): AsyncGenerator<Sourced<JsonObject>, void, undefined> {
  const { name, stopSignal } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const framer = new LineFramer({ maxLineBytes });
  const decode = (frame: LineFrame): Sourced<JsonObject> | undefined => decodeFrame(frame, name, maxLineBytes);

  const iterator = input[Symbol.asyncIterator]();
  const reader = stopSignal === undefined ? undefined : new NextOrStop(iterator, stopSignal);
  let exhausted = false;
  try {
    for (;;) {
      const next = reader ? await reader.next() : await iterator.next();
      if (next === 'stop') break;
      if (next.done) {
        exhausted = true;
        break;
      }
      for (const frame of framer.push(typeof next.value === 'string' ? Buffer.from(next.value) : next.value)) {
        const decoded = decode(frame);
        if (decoded === undefined) continue;
        yield decoded;
        if (stopSignal?.aborted) return;
      }
    }
    const last = stopSignal?.aborted ? undefined : framer.end();
    const decoded = last && decode(last);
    if (decoded) yield decoded;
  } finally {
    reader?.dispose();
    // Stopped early (SIGINT, or the consumer went away): release the file or stdin. Not awaited, since
    // a generator-backed iterator queues return() behind a next() that may wait on an idle stdin.
    if (!exhausted) iterator.return?.().catch(() => undefined);
  }
}

/**
 * One framed line as a record or a failure (kind invalid, with its raw text for the errors file);
 * undefined for a blank line. The one reading of a JSONL line: the decoder and td view's index use it.
 */
export function decodeFrame(frame: LineFrame, name: string, maxLineBytes: number): Sourced<JsonObject> | undefined {
  const { bytes, line } = frame;
  if (frame.tooLong) {
    const message = `the line is ${frame.length} bytes, over the limit of ${maxLineBytes} bytes (raise it with --max-line-bytes)`;
    return { ok: false, failure: { kind: 'invalid', reason: 'line-too-long', message }, source: name, line, replay: { raw: bytes.toString('utf8'), rawBytes: frame.length } };
  }
  // Each line is checked and decoded on its own: measured here, that beats decoding the whole chunk
  // and cutting the string (V8 parses a line that is one-byte text faster, and one non-Latin-1
  // character would make a whole decoded chunk two-byte).
  if (!isUtf8(bytes)) {
    const failure = { kind: 'invalid' as const, reason: 'invalid-utf8', message: 'the line is not valid UTF-8' };
    return { ok: false, failure, source: name, line, replay: boundedRaw(bytes.toString('utf8'), frame.length) };
  }
  const text = bytes.toString('utf8', frame.start, frame.end);
  if (text === '') return undefined;
  const parsed = parseJsonObject(text);
  // JSON.parse takes any depth, but writing such a record (JSONL, the errors file, td report) would
  // overflow the stack. Its errors entry keeps the raw line instead, which is flat text.
  if (parsed.ok && valueNestsDeeperThan(parsed.value)) {
    const message = `the record nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;
    return { ok: false, failure: { kind: 'invalid', reason: 'too-deep', message }, source: name, line, replay: boundedRaw(text, frame.length) };
  }
  if (parsed.ok) return { ok: true, record: parsed.value, source: name, line, raw: text };
  // Only JSON's own whitespace makes a blank line: String.prototype.trim would also drop U+00A0, U+2028,
  // U+3000 or a byte-order mark past line 1, which JSON does not allow, silently.
  if (parsed.reason === 'invalid-json' && JSON_BLANK.test(text)) return undefined;
  return { ok: false, failure: { kind: 'invalid', reason: parsed.reason, message: parsed.message }, source: name, line, replay: boundedRaw(text, frame.length) };
}

export interface JsonlSourceOptions extends Omit<JsonlDecodeOptions, 'name' | 'stopSignal'> {
  /** A file path; omitted or `-`: standard input. */
  path?: string;
  /** The stage that reads the records: bad lines are its failures (counted in, and in its errors). */
  runtime: StageRuntime;
  /** @default runtime.stopSignal */
  stopSignal?: AbortSignal;
}

/** Opens a JSONL file (or stdin) as an object-mode Readable of items for `runtime`'s stage. */
export function createJsonlSource(options: JsonlSourceOptions): Readable {
  const fromStdin = options.path === undefined || options.path === '-';
  const bytes: Readable = fromStdin ? process.stdin : createReadStream(options.path!, { highWaterMark: 1 << 20 });
  const name = fromStdin ? STDIN_NAME : options.path!;
  const stopSignal = options.stopSignal ?? options.runtime.stopSignal;
  const decoded = decodeJsonl(bytes, { name, stopSignal, ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }) });
  const readable = Readable.from(stageInput(decoded, options.runtime), { objectMode: true, highWaterMark: 64 });
  // Stopping (SIGINT) or the items stream going away early (downstream closed) lets go of the file or
  // stdin at once: an idle stdin would otherwise keep the process alive.
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
