import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/core/session.js';
import { createJsonlWriter } from '../../src/sinks/jsonl-sink.js';
import { delay } from '../helpers/session.js';

function items(count: number, size = 10): Item[] {
  return Array.from({ length: count }, (_, n) => ({ record: { n, text: 'x'.repeat(size), nl: 'a\nb' }, source: 's', line: n + 1 }));
}

/** A source that yields `count` items and then fails, like td sample when the Hub goes away mid-run. */
async function* failingAfter(count: number): AsyncGenerator<Item> {
  yield* items(count);
  throw new Error('hub down');
}

/** A destination that accepts little at a time, to exercise backpressure. */
function slowDestination(highWaterMark: number) {
  const chunks: string[] = [];
  let maxBuffered = 0;
  const destination = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      setTimeout(callback, 1);
    },
  });
  destination.on('drain', () => undefined);
  const watch = setInterval(() => (maxBuffered = Math.max(maxBuffered, destination.writableLength)), 1);
  return { destination, chunks, stop: () => clearInterval(watch), maxBuffered: () => maxBuffered };
}

describe('createJsonlWriter', () => {
  it('writes one newline-terminated JSON line per record, escaping newlines inside strings', async () => {
    const { destination, chunks, stop } = slowDestination(1 << 20);
    await pipeline(Readable.from(items(3)), createJsonlWriter(destination));
    stop();
    const text = chunks.join('');
    expect(text.split('\n')).toHaveLength(4);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').slice(0, 3).map((line) => JSON.parse(line).n)).toEqual([0, 1, 2]);
  });

  it('gathers many records into few writes', async () => {
    const { destination, chunks, stop } = slowDestination(1 << 24);
    await pipeline(Readable.from(items(2000)), createJsonlWriter(destination));
    stop();
    expect(chunks.join('').split('\n')).toHaveLength(2001);
    expect(chunks.length).toBeLessThan(50);
  });

  it('waits for the destination to drain instead of buffering without bound', async () => {
    const { destination, chunks, stop, maxBuffered } = slowDestination(4096);
    await pipeline(Readable.from(items(3000, 2000)), createJsonlWriter(destination));
    stop();
    expect(chunks.join('').split('\n')).toHaveLength(3001);
    // About one gathered batch (~1 MiB) may sit in the destination's buffer, never the whole 6 MB output.
    expect(maxBuffered()).toBeGreaterThan(0);
    expect(maxBuffered()).toBeLessThan(1.5 * 2 ** 20);
  });

  it('still writes the records it accepted when its source fails mid-run (to a file, which is then closed)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'td-sink-')), 'out.jsonl');
    const destination = createWriteStream(path);
    const closed = once(destination, 'close');
    await expect(pipeline(Readable.from(failingAfter(5)), createJsonlWriter(destination))).rejects.toThrow('hub down');
    await closed;
    expect(readFileSync(path, 'utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line).n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends with the destination error (e.g. EPIPE) instead of throwing it at the process', async () => {
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        callback(error);
      },
    });
    const writer = createJsonlWriter(destination);
    await expect(pipeline(Readable.from(items(10)), writer)).rejects.toMatchObject({ code: 'EPIPE' });
    await delay(5);
  });
});
