import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Row access to JSONL data files, read by td itself (not DuckDB) so that line numbers in messages are
 * exact. A row is a non-blank line; `row` is its 0-based index among those, `line` its 1-based line.
 * JSONL has no footer to count from: counting reads the file once. Use parquet for large sets.
 */

export interface JsonlRow {
  row: number;
  line: number;
  text: string;
}

async function* rowsOf(path: string): AsyncGenerator<JsonlRow> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  let row = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      // A UTF-8 byte-order mark on the first line is not part of the JSON.
      yield { row: row++, line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
    }
  } finally {
    lines.close();
  }
}

export async function countJsonlRows(path: string): Promise<number> {
  let count = 0;
  for await (const _ of rowsOf(path)) count++;
  return count;
}

/** The rows of `path` whose numbers are in `wanted`, in one pass that stops after the last of them. */
export async function readJsonlRows(path: string, wanted: ReadonlySet<number>): Promise<Map<number, JsonlRow>> {
  const found = new Map<number, JsonlRow>();
  if (wanted.size === 0) return found;
  let last = -1;
  for (const row of wanted) if (row > last) last = row;
  for await (const entry of rowsOf(path)) {
    if (wanted.has(entry.row)) found.set(entry.row, entry);
    if (entry.row >= last) break;
  }
  return found;
}

/** Every row of `path` (the PR table in JSONL is scanned whole). */
export function scanJsonlRows(path: string): AsyncGenerator<JsonlRow> {
  return rowsOf(path);
}
