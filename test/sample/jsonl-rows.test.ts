import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countJsonlRows, readJsonlRows, readJsonlSpans, scanJsonlRows, type JsonlRow } from '../../src/sources/sample/jsonl-rows.js';

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'td-rows-')), 'rows.jsonl');
  writeFileSync(path, content);
  return path;
}

async function rows(path: string, maxLineBytes?: number): Promise<JsonlRow[]> {
  const found: JsonlRow[] = [];
  for await (const row of scanJsonlRows(path, maxLineBytes)) found.push(row);
  return found;
}

describe('JSONL rows of td sample', () => {
  it('numbers rows and physical lines, skips blank lines, drops CR and a byte-order mark, and reads a last line without a newline', async () => {
    const path = file('\uFEFF{"a":1}\r\n\n  \n{"b":"é"}\n{"c":3}');
    const found = await rows(path);
    expect(found.map(({ row, line, text }) => [row, line, text])).toEqual([
      [0, 1, '{"a":1}'],
      [1, 4, '{"b":"é"}'],
      [2, 5, '{"c":3}'],
    ]);
    expect(await countJsonlRows(path)).toBe(3);
    expect([...(await readJsonlRows(path, new Set([2, 0])))].map(([row, entry]) => [row, entry.line])).toEqual([
      [0, 1],
      [2, 5],
    ]);
    // Offsets and lengths are bytes: reading them back gives each row's text exactly.
    expect(await readJsonlSpans(path, found)).toEqual(found.map((row) => row.text));
  });

  it('never holds a line over the limit: it is a row marked tooLong, with its head and its length', async () => {
    const long = `{"x":"${'y'.repeat(5000)}"}`;
    const path = file(`{"a":1}\n${long}\n{"b":2}\n`);
    const found = await rows(path, 100);
    expect(found.map(({ row, line, tooLong }) => [row, line, tooLong ?? false])).toEqual([
      [0, 1, false],
      [1, 2, true],
      [2, 3, false],
    ]);
    expect(found[1]!.bytes).toBe(Buffer.byteLength(long));
    expect(found[1]!.text).toBe(long.slice(0, 1024));
    expect(await readJsonlSpans(path, [found[2]!])).toEqual(['{"b":2}']);
  });

  it('finds lines across read chunks (1 MiB) with exact offsets', async () => {
    const big = `{"x":"${'z'.repeat((1 << 20) + 10)}"}`;
    const path = file(`{"a":1}\n${big}\n{"b":2}\n`);
    const found = await rows(path);
    expect(found.map((row) => row.bytes)).toEqual([7, Buffer.byteLength(big), 7]);
    expect(await readJsonlSpans(path, [found[2]!, found[1]!])).toEqual(['{"b":2}', big]);
  });
});
