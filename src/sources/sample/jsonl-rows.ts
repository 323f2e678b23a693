import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_MAX_LINE_BYTES } from '../jsonl-source.js';

/**
 * Row access to JSONL data files, read by td itself (not DuckDB) so that line numbers in messages are
 * exact. A row is a non-blank line; `row` is its 0-based index among those, `line` its 1-based line.
 * JSONL has no footer to count from: counting reads the file once. Use parquet for large sets.
 *
 * Lines are split on `\n` (a `\r` before it is dropped) and never held beyond `maxLineBytes`: a longer
 * line is still a row, marked `tooLong`, with only its head kept, so one huge line cannot exhaust memory.
 */

export interface JsonlRow {
  row: number;
  line: number;
  /** The line without its line end (and without a byte-order mark on line 1); only the first KiB when `tooLong`. */
  text: string;
  /** Where the line's text starts in the file, and its length, in bytes. */
  offset: number;
  bytes: number;
  /** The line is longer than the limit: `text` is its head, and the row cannot be read. */
  tooLong?: true;
}

/** Bytes of an over-long line kept for messages and the errors file. */
const HEAD_BYTES = 1024;
const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Why an over-long row is not read. */
export function tooLongMessage(row: JsonlRow, maxLineBytes = DEFAULT_MAX_LINE_BYTES): string {
  return `the line is ${row.bytes} bytes, over the limit of ${maxLineBytes} bytes`;
}

/** One JSONL line as a JSON object, or why it is not one (the wording of td's JSONL decoder). */
export function parseJsonObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `invalid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

async function* rowsOf(path: string, maxLineBytes: number): AsyncGenerator<JsonlRow> {
  let line = 0;
  let row = 0;
  /** File offset of the current chunk's first byte, and of the current line's. */
  let position = 0;
  let lineStart = 0;
  /** The current line so far, while it is within the limit. */
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** Once the current line is over the limit: its length so far and its head. */
  let over: { bytes: number; head: Buffer } | undefined;

  const finishLine = (): JsonlRow | undefined => {
    line++;
    if (over) {
      const { bytes, head } = over;
      over = undefined;
      const skip = line === 1 && head.subarray(0, 3).equals(BOM) ? 3 : 0;
      return { row: row++, line, text: head.toString('utf8', skip), offset: lineStart + skip, bytes: bytes - skip, tooLong: true };
    }
    const buffer = held.length === 1 ? held[0]! : Buffer.concat(held);
    held = [];
    heldBytes = 0;
    const start = line === 1 && buffer.subarray(0, 3).equals(BOM) ? 3 : 0;
    const end = buffer.length > start && buffer[buffer.length - 1] === CR ? buffer.length - 1 : buffer.length;
    const text = buffer.toString('utf8', start, end);
    if (text.trim() === '') return undefined;
    return { row: row++, line, text, offset: lineStart + start, bytes: end - start };
  };

  const hold = (piece: Buffer, copy: boolean): void => {
    if (over) {
      over.bytes += piece.length;
    } else if (heldBytes + piece.length > maxLineBytes) {
      over = { bytes: heldBytes + piece.length, head: Buffer.concat([...held, piece.subarray(0, HEAD_BYTES)]).subarray(0, HEAD_BYTES) };
      held = [];
      heldBytes = 0;
    } else if (piece.length > 0) {
      // A piece that outlives its chunk is copied: read streams may reuse their buffers.
      held.push(copy ? Buffer.from(piece) : piece);
      heldBytes += piece.length;
    }
  };

  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
        hold(chunk.subarray(start, newline), false);
        const done = finishLine();
        start = newline + 1;
        lineStart = position + start;
        if (done) yield done;
      }
      hold(chunk.subarray(start), true);
      position += chunk.length;
    }
    if (heldBytes > 0 || over) {
      const done = finishLine();
      if (done) yield done;
    }
  } finally {
    stream.destroy();
  }
}

export async function countJsonlRows(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<number> {
  let count = 0;
  for await (const _ of rowsOf(path, maxLineBytes)) count++;
  return count;
}

/** The rows of `path` whose numbers are in `wanted`, in one pass that stops after the last of them. */
export async function readJsonlRows(path: string, wanted: ReadonlySet<number>, maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<Map<number, JsonlRow>> {
  const found = new Map<number, JsonlRow>();
  if (wanted.size === 0) return found;
  let last = -1;
  for (const row of wanted) if (row > last) last = row;
  for await (const entry of rowsOf(path, maxLineBytes)) {
    if (wanted.has(entry.row)) found.set(entry.row, entry);
    if (entry.row >= last) break;
  }
  return found;
}

/** Every row of `path`, in order. */
export function scanJsonlRows(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<JsonlRow> {
  return rowsOf(path, maxLineBytes);
}

/** The text of rows found by an earlier scan, read by offset (each span read whole, in the order given). */
export async function readJsonlSpans(path: string, spans: ReadonlyArray<{ offset: number; bytes: number }>): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const texts: string[] = [];
    for (const { offset, bytes } of spans) {
      const buffer = Buffer.allocUnsafe(bytes);
      let read = 0;
      while (read < bytes) {
        const { bytesRead } = await handle.read(buffer, read, bytes - read, offset + read);
        if (bytesRead === 0) throw new Error(`${path} changed while it was read (${bytes} bytes expected at offset ${offset})`);
        read += bytesRead;
      }
      texts.push(buffer.toString('utf8'));
    }
    return texts;
  } finally {
    await handle.close();
  }
}
