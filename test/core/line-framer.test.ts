import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { frameLines, LINE_HEAD_BYTES, type LineFrame } from '../../src/core/line-framer.js';
import { collectAll } from '../helpers/session.js';

/** Frames `input` fed in chunks of `chunkSize` bytes; each frame as plain data (its bytes as text). */
async function frames(input: Buffer | string, chunkSize: number, maxLineBytes?: number) {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const framed = await collectAll(frameLines(Readable.from(chunks), maxLineBytes === undefined ? {} : { maxLineBytes }));
  return framed.map((frame: LineFrame) => ({ ...frame, bytes: frame.bytes.toString('latin1'), text: frame.bytes.toString('utf8', frame.start, frame.end) }));
}

describe('the line framer', () => {
  it('gives every line its number, byte offset and length, whatever the chunking', async () => {
    const text = '\uFEFF{"a":"é"}\r\n\n{"b":2}\nlast';
    const whole = await frames(text, 1 << 16);
    expect(whole.map((f) => [f.line, f.offset, f.length, f.text])).toEqual([
      [1, 0, 14, '{"a":"é"}'],
      [2, 15, 0, ''],
      [3, 16, 7, '{"b":2}'],
      [4, 24, 4, 'last'],
    ]);
    for (const chunkSize of [1, 2, 3, 5, 13]) expect(await frames(text, chunkSize)).toEqual(whole);
  });

  it('keeps a line by its offset and length: reading that span of the file gives the line back', async () => {
    const lines = ['{"x":1}', '', '{"y":"数据"}', '  ', '{"z":[1,2,3]}'];
    const path = join(mkdtempSync(join(tmpdir(), 'td-framer-')), 'f.jsonl');
    writeFileSync(path, lines.map((line) => line + '\r\n').join(''));
    const file = readFileSync(path);
    for (const frame of await frames(file, 4)) {
      expect(file.subarray(frame.offset, frame.offset + frame.length).toString('utf8')).toBe(lines[frame.line - 1] + '\r');
    }
  });

  it('frames a line over the limit with its length and head only, and goes on', async () => {
    const long = 'x'.repeat(5000);
    for (const chunkSize of [7, 100, 1 << 16]) {
      const framed = await frames(`a\n${long}\r\nb`, chunkSize, 2000);
      expect(framed.map((f) => [f.line, f.offset, f.length, f.tooLong, f.bytes.length])).toEqual([
        [1, 0, 1, false, 1],
        [2, 2, 5001, true, LINE_HEAD_BYTES],
        [3, 5004, 1, false, 1],
      ]);
    }
  });

  it('counts the byte-order mark and the CR in a line length, and only strips a BOM on line 1', async () => {
    const framed = await frames('\uFEFFa\r\n\uFEFFb\n', 3);
    expect(framed.map((f) => [f.start, f.end, f.length, f.text])).toEqual([
      [3, 4, 5, 'a'],
      [0, 4, 4, '\uFEFFb'],
    ]);
  });
});
