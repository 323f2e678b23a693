import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BlockWriter } from '../../src/core/block-writer.js';

/** A destination that keeps every buffer it is handed, unwritten, as a slow disk would. */
function holdingDestination() {
  const held: Buffer[] = [];
  const destination = new Writable({ highWaterMark: 1 << 30, write: (chunk: Buffer, _encoding, callback) => void (held.push(chunk), callback()) });
  return { destination, text: () => Buffer.concat(held).toString('utf8') };
}

describe('BlockWriter', () => {
  it('hands part of a block over and keeps filling the rest of it without touching what was handed over', async () => {
    const { destination, text } = holdingDestination();
    const writer = new BlockWriter(destination);
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const line = `${i}:${'é'.repeat(i % 700)}\n`;
      expected.push(line);
      writer.add(line);
      // A producer that pauses now and then: what the block holds so far goes out at once.
      if (i % 7 === 0) writer.write(true);
      else writer.write();
    }
    writer.write(true);
    expect(text()).toBe(expected.join(''));
    expect(writer.pendingBytes).toBe(0);
  });

  it('writes only full blocks unless asked for the rest', () => {
    const { destination, text } = holdingDestination();
    const writer = new BlockWriter(destination);
    const line = 'x'.repeat(1000) + '\n';
    for (let i = 0; i < 1100; i++) writer.add(line);
    expect(writer.hasFullBlock).toBe(true);
    writer.write();
    expect(Buffer.byteLength(text())).toBe(Math.floor(BLOCK_BYTES / 1001) * 1001);
    writer.write(true);
    expect(text()).toBe(line.repeat(1100));
  });
});
