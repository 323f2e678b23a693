import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stageInput } from '../../src/core/source-stream.js';
import { decodeJsonl } from '../../src/sources/jsonl-source.js';
import { collectAll, testSession } from '../helpers/session.js';

/**
 * Feeds `text` to the decoder in chunks of `chunkSize` bytes, so line handling across chunks is
 * exercised; its failures go to the stage that reads the records (as in a chain), here `td validate`.
 */
async function decode(input: Buffer | string, options: { chunkSize?: number; maxLineBytes?: number } = {}) {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const size = options.chunkSize ?? 1 << 16;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const test = testSession({ stage: 'validate' });
  const decoded = decodeJsonl(Readable.from(chunks), { name: '<stdin>', stopSignal: test.runtime.stopSignal, ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}) });
  const items = await collectAll(stageInput(decoded, test.runtime));
  return { items, errors: test.errors, stats: test.runtime.stats };
}

describe('decodeJsonl', () => {
  it('reports each bad line as FILE:LINE with its reason and goes on with the next', async () => {
    const { items, errors } = await decode('{"a":1}\n{"a":\nnull\n[1,2]\n42\n{"a":2}\n');
    expect(items.map((i) => [i.line, i.record])).toEqual([
      [1, { a: 1 }],
      [6, { a: 2 }],
    ]);
    expect(errors.map((e) => `${e.source}:${e.line}: ${e.reason}`)).toEqual([
      '<stdin>:2: invalid-json',
      '<stdin>:3: not-an-object',
      '<stdin>:4: not-an-object',
      '<stdin>:5: not-an-object',
    ]);
    expect(errors.map((e) => e.error)).toEqual([
      expect.stringMatching(/^invalid JSON: /),
      'expected a JSON object, got null',
      'expected a JSON object, got an array',
      'expected a JSON object, got a number',
    ]);
    expect(errors[0]).toMatchObject({ stage: 'validate', kind: 'invalid', raw: '{"a":' });
  });

  it('skips blank lines but still counts them', async () => {
    const { items, errors } = await decode('\n{"a":1}\n   \n\t\n{"a":2}\n\n');
    expect(items.map((i) => i.line)).toEqual([2, 5]);
    expect(errors).toEqual([]);
  });

  it('skips only lines of JSON whitespace: other Unicode spaces make an invalid-json line with its number', async () => {
    const odd = ['\uFEFF', '\u00A0', '\u2028', '\u3000', ' \u00A0\t'];
    const { items, errors } = await decode(`{"a":1}\n \t\r\n${odd.join('\n')}\n{"a":2}\n`);
    expect(items.map((i) => i.line)).toEqual([1, 8]);
    expect(errors.map((e) => [e.line, e.reason, e.raw])).toEqual(odd.map((text, i) => [i + 3, 'invalid-json', text]));
  });

  it('accepts CRLF line ends and a UTF-8 byte-order mark', async () => {
    const { items, errors } = await decode('\uFEFF{"a":"é"}\r\n{"a":2}\r\nnope\r\n');
    expect(items.map((i) => [i.line, i.record])).toEqual([
      [1, { a: 'é' }],
      [2, { a: 2 }],
    ]);
    expect(errors.map((e) => [e.line, e.raw])).toEqual([[3, 'nope']]);
  });

  it('parses a last line without a newline, and reports a truncated one', async () => {
    expect((await decode('{"a":1}\n{"a":2}')).items.map((i) => i.line)).toEqual([1, 2]);
    const truncated = await decode('{"a":1}\n{"a":"unfinished');
    expect(truncated.items.map((i) => i.line)).toEqual([1]);
    expect(truncated.errors.map((e) => [e.line, e.reason])).toEqual([[2, 'invalid-json']]);
  });

  it('gives the same items and line numbers whatever the chunking', async () => {
    const text = '{"a":"ü"}\r\n\n{"b":[1,2,{"c":"数据"}]}\nbad\n{"d":null}';
    const whole = await decode(text);
    for (const chunkSize of [1, 2, 3, 7]) {
      const chunked = await decode(text, { chunkSize });
      expect(chunked.items).toEqual(whole.items);
      expect(chunked.errors).toEqual(whole.errors);
    }
  });

  it('rejects a line over the limit without holding it, and goes on', async () => {
    const long = `{"x":"${'y'.repeat(5000)}"}`;
    for (const chunkSize of [64, 100_000]) {
      const { items, errors } = await decode(`{"a":1}\n${long}\n{"a":2}\n${long}`, { chunkSize, maxLineBytes: 1000 });
      expect(items.map((i) => i.line)).toEqual([1, 3]);
      expect(errors.map((e) => [e.line, e.reason, e.error, e.rawBytes ?? e.raw?.length])).toEqual([
        [2, 'line-too-long', 'the line is 5008 bytes, over the limit of 1000 bytes (raise it with --max-line-bytes)', 5008],
        [4, 'line-too-long', 'the line is 5008 bytes, over the limit of 1000 bytes (raise it with --max-line-bytes)', 5008],
      ]);
      expect(errors[0]!.raw!.length).toBeLessThanOrEqual(1024);
    }
  });

  it('keeps exactly the first 1 KiB of an over-long line for its errors entry, however it was chunked', async () => {
    const long = (n: number): string => `{"x":"${Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('')}"}`;
    for (const line of [long(1994), long(5000)]) {
      for (const chunkSize of [64, 300, 999, 100_000]) {
        const { errors } = await decode(`${line}\n{"a":2}\n`, { chunkSize, maxLineBytes: 2000 });
        expect(errors.map((e) => [e.reason, e.rawBytes]), `${line.length} bytes in chunks of ${chunkSize}`).toEqual([['line-too-long', line.length]]);
        expect(errors[0]!.raw).toBe(line.slice(0, 1024));
      }
    }
  });

  it('reports invalid UTF-8 on its own line', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"a":3}\n')]);
    const { items, errors } = await decode(bytes);
    expect(items.map((i) => i.line)).toEqual([1, 3]);
    expect(errors.map((e) => [e.line, e.reason, e.error])).toEqual([[2, 'invalid-utf8', 'the line is not valid UTF-8']]);
  });

  it('counts rejected lines as input', async () => {
    const { stats } = await decode('{"a":1}\nnull\nx\n');
    expect(stats.in).toBe(2); // good lines are counted by the stage that consumes them
    expect(stats.failed).toBe(2);
  });

  it('stops at the next line when the stop signal fires', async () => {
    const test = testSession({ stage: 'test' });
    const lines = Array.from({ length: 100 }, (_, n) => `{"n":${n}}\n`).join('');
    const seen: number[] = [];
    for await (const item of stageInput(decodeJsonl(Readable.from([Buffer.from(lines)]), { name: 'f', stopSignal: test.runtime.stopSignal }), test.runtime)) {
      seen.push(item.record.n as number);
      if (seen.length === 3) test.stop.abort();
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it('lets go of its input when stopped early without an unhandled rejection if releasing it fails', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const test = testSession({ stage: 'test' });
      let released = 0;
      const input: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ value: Buffer.from('{"n":1}\n'), done: false }),
          return: () => {
            released++;
            return Promise.reject(new Error('cannot release the input'));
          },
        }),
      };
      const seen: unknown[] = [];
      for await (const item of stageInput(decodeJsonl(input, { name: 'f', stopSignal: test.runtime.stopSignal }), test.runtime)) {
        seen.push(item.record.n);
        test.stop.abort();
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect([seen, released, unhandled]).toEqual([[1], 1, []]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
