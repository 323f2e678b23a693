import { isUtf8 } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { boundedRaw } from '../../core/errors-sink.js';
import type { Failure } from '../../core/outcome.js';
import type { JsonObject, StageRuntime } from '../../core/session.js';

/**
 * td view's JSONL framing with byte offsets: the one file to swap for td's shared line framer
 * (src/core) once it exists. Its interface is `readJsonlLines(handle, options)`: the JSON objects of
 * bytes [0, end) of a file, each with the byte range of its JSON text, and every bad line rejected
 * through `runtime.reject` with the reasons and words of td's decoder (src/sources/jsonl-source.ts).
 */

export interface JsonlLine {
  record: JsonObject;
  /** Byte offset of the line's JSON text in the file (after a byte-order mark). */
  offset: number;
  /** Byte length of the JSON text (without `\r\n`). */
  bytes: number;
  /** 1-based line number. */
  line: number;
}

export interface ReadJsonlLinesOptions {
  /** The file's name in messages. */
  name: string;
  runtime: StageRuntime;
  /** Read bytes [0, end): the file's size when indexing began, so lines appended meanwhile are not read. */
  end: number;
  maxLineBytes: number;
  /** Bytes per read. @default 1 MiB */
  chunkBytes?: number;
  /** Stops reading at the next chunk. */
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far (progress). */
  onChunk?: (position: number) => void | Promise<void>;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const OVERLONG_HEAD_BYTES = 1024;

/** The JSON objects of bytes [0, end) of `handle`; blank lines are skipped, bad ones rejected and left out. */
export async function* readJsonlLines(handle: FileHandle, options: ReadJsonlLinesOptions): AsyncGenerator<JsonlLine> {
  const { name, runtime, end, maxLineBytes } = options;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  let lineNumber = 0;
  /** Pieces of the line in progress (chunks are fresh buffers, so pieces are views, not copies). */
  let pieces: Buffer[] = [];
  let heldBytes = 0;
  let heldStart = 0;
  let overlong: { bytes: number; head: Buffer } | undefined;

  const reject = (failure: Omit<Failure, 'kind'>, payload: { raw?: string; rawBytes?: number }): void => {
    runtime.stats.in++;
    runtime.reject({ kind: 'invalid', ...failure }, { source: name, line: lineNumber }, payload);
  };

  const rejectOverlong = (bytes: number, head: Buffer): void => {
    reject(
      { reason: 'line-too-long', message: `the line is ${bytes} bytes, over the limit of ${maxLineBytes} bytes (raise it with --max-line-bytes)` },
      { raw: head.subarray(0, OVERLONG_HEAD_BYTES).toString('utf8'), rawBytes: bytes },
    );
  };

  /** One complete line (without its `\n`) starting at byte `start` of the file. */
  const parse = (line: Buffer, start: number): JsonlLine | undefined => {
    let from = 0;
    let to = line.length;
    if (to > from && line[to - 1] === CR) to--;
    if (lineNumber === 1 && to - from >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) from = 3;
    if (to === from) return undefined;
    const text = line.subarray(from, to);
    if (!isUtf8(text)) {
      reject({ reason: 'invalid-utf8', message: 'the line is not valid UTF-8' }, boundedRaw(line.toString('utf8'), line.length));
      return undefined;
    }
    const json = text.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      if (json.trim() === '') return undefined;
      reject({ reason: 'invalid-json', message: `invalid JSON: ${(error as Error).message}` }, boundedRaw(json, text.length));
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      reject({ reason: 'not-an-object', message: `expected a JSON object, got ${got}` }, boundedRaw(json, text.length));
      return undefined;
    }
    return { record: value as JsonObject, offset: start + from, bytes: to - from, line: lineNumber };
  };

  /** Adds a piece of the line in progress, only counting once the line is over the limit. */
  const hold = (piece: Buffer, start: number): void => {
    if (piece.length === 0) return;
    if (heldBytes === 0 && !overlong) heldStart = start;
    if (overlong) {
      overlong.bytes += piece.length;
    } else if (heldBytes + piece.length > maxLineBytes) {
      overlong = { bytes: heldBytes + piece.length, head: Buffer.concat([...pieces, piece]).subarray(0, OVERLONG_HEAD_BYTES) };
      pieces = [];
      heldBytes = 0;
    } else {
      pieces.push(piece);
      heldBytes += piece.length;
    }
  };

  /** Ends the held line with `tail` (the bytes before its newline). */
  const finishHeld = (tail: Buffer): JsonlLine | undefined => {
    lineNumber++;
    if (overlong) {
      const { bytes, head } = overlong;
      overlong = undefined;
      rejectOverlong(bytes + tail.length, head);
      return undefined;
    }
    const total = heldBytes + tail.length;
    const line = Buffer.concat([...pieces, tail]);
    pieces = [];
    heldBytes = 0;
    if (total > maxLineBytes) {
      rejectOverlong(total, line);
      return undefined;
    }
    return parse(line, heldStart);
  };

  let position = 0;
  while (position < end && !options.signal?.aborted) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, end - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break; // the file shrank while it was read
    const block = chunk.subarray(0, bytesRead);
    const blockStart = position;
    position += bytesRead;
    let start = 0;
    for (let newline = block.indexOf(NEWLINE); newline !== -1; newline = block.indexOf(NEWLINE, start)) {
      let item: JsonlLine | undefined;
      if (heldBytes > 0 || overlong) {
        item = finishHeld(block.subarray(start, newline));
      } else {
        lineNumber++;
        const line = block.subarray(start, newline);
        if (line.length > maxLineBytes) rejectOverlong(line.length, line);
        else item = parse(line, blockStart + start);
      }
      start = newline + 1;
      if (item) yield item;
    }
    hold(block.subarray(start), blockStart + start);
    await options.onChunk?.(position);
  }
  // A last line without a newline is a line (as td's decoder reads it), unless reading was stopped.
  if (!options.signal?.aborted && (heldBytes > 0 || overlong)) {
    const item = finishHeld(Buffer.alloc(0));
    if (item) yield item;
  }
}
