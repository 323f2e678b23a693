import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { DEFAULT_MAX_LINE_BYTES, frameLines } from '../../core/line-framer.js';

export { parseJsonObject } from '../../core/json-line.js';

/**
 * Row access to JSONL data files, read by td itself (not DuckDB) so that line numbers in messages are
 * exact. A row is a non-blank line; `row` is its 0-based index among those, `line` its 1-based line.
 * JSONL has no footer to count from: counting reads the file once. Use parquet for large sets.
 *
 * Lines are cut by the line framer (a `\r` before the `\n` and a byte-order mark are dropped) and never
 * held beyond `maxLineBytes`: a longer line is still a row, marked `tooLong`, with only its head kept,
 * so one huge line cannot exhaust memory.
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

/** Why an over-long row is not read. */
export function tooLongMessage(row: JsonlRow, maxLineBytes = DEFAULT_MAX_LINE_BYTES): string {
  return `the line is ${row.bytes} bytes, over the limit of ${maxLineBytes} bytes`;
}

/** The rows of a file: its non-blank lines as the line framer cuts them. */
async function* rowsOf(path: string, maxLineBytes: number): AsyncGenerator<JsonlRow> {
  let row = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const frame of frameLines(stream, { maxLineBytes })) {
      const text = frame.bytes.toString('utf8', frame.start, frame.end);
      const offset = frame.offset + frame.start;
      if (frame.tooLong) {
        yield { row: row++, line: frame.line, text, offset, bytes: frame.length - frame.start, tooLong: true };
      } else if (text.trim() !== '') {
        yield { row: row++, line: frame.line, text, offset, bytes: frame.end - frame.start };
      }
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
