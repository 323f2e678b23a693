import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildIndex, StaleIndexError, type ViewIndex } from '../../src/view/index/build-index.js';
import { resolveSource } from '../../src/view/source.js';
import { jsonl, turnRecord } from '../helpers/records.js';
import { runReport, tempDir } from '../helpers/report.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';
import { testSession } from '../helpers/session.js';

async function indexed(path: string, options: { chunkBytes?: number; maxLineBytes?: number; onProgress?: (read: number, total: number) => void | Promise<void> } = {}) {
  const t = testSession({ stage: 'view' });
  const scratchDir = tempDir('td-view-scratch-');
  const built = await buildIndex(resolveSource(path), { runtime: t.runtime, maxLineBytes: options.maxLineBytes ?? 1 << 20, scratchDir, ...options });
  onTestFinished(() => built.close());
  return { index: built, ...t };
}

const ids = (index: ViewIndex): string[] => Array.from({ length: index.turns.size }, (_, i) => index.turns.id(i));
const turn = (i: number, extra: Record<string, unknown> = {}) => turnRecord({ id: `t-${i}`, ...extra });

describe('td view index: offsets', () => {
  it('finds every line by its byte range, whatever the chunk size (CRLF, BOM, unicode, blank lines, no final newline)', async () => {
    const records = [turn(0, { assistant: 'Ünïcödé “🎛️” 数据 λ' }), turn(1), turn(2, { assistant: 'x'.repeat(300) }), turn(3)];
    const text = '\uFEFF' + JSON.stringify(records[0]) + '\r\n\n' + JSON.stringify(records[1]) + '\n   \n' + JSON.stringify(records[2]) + '\r\n' + JSON.stringify(records[3]);
    const path = join(tempDir(), 'turns.jsonl');
    writeFileSync(path, text);
    const bytes = readFileSync(path);
    for (const chunkBytes of [1, 7, 64, 1000, 1 << 20]) {
      const { index, errors } = await index_(path, chunkBytes);
      expect(errors, `chunk ${chunkBytes}`).toEqual([]);
      expect(ids(index)).toEqual(['t-0', 't-1', 't-2', 't-3']);
      for (let i = 0; i < records.length; i++) {
        const where = index.turns.location(i);
        expect(bytes.subarray(where.offset, where.offset + where.bytes).toString('utf8'), `chunk ${chunkBytes}, turn ${i}`).toBe(JSON.stringify(records[i]));
        expect((await index.read(i)).record).toEqual(records[i]);
      }
      expect(Array.from({ length: 4 }, (_, i) => index.turns.location(i).line)).toEqual([1, 3, 5, 6]);
      await index.close();
    }
  });

  it('reads a turn with one positioned read of its own line', async () => {
    const path = join(tempDir(), 'turns.jsonl');
    writeFileSync(path, jsonl(Array.from({ length: 50 }, (_, i) => turn(i))));
    const { index } = await index_(path);
    const opened = await index.read(37);
    expect(opened.record.id).toBe('t-37');
    expect(opened.stage).toBe('turn');
    await index.close();
  });
});

async function index_(path: string, chunkBytes?: number) {
  return indexed(path, chunkBytes === undefined ? {} : { chunkBytes });
}

describe('td view index: bad lines', () => {
  it('reports each bad line as FILE:LINE with its reason, leaves it out, and counts every line', async () => {
    const path = join(tempDir(), 'mixed.jsonl');
    const lines = [
      JSON.stringify(turn(0)),
      '{"id": "broken"',
      'null',
      JSON.stringify({ ...turn(1), messages: [] }),
      JSON.stringify(turn(0)),
      JSON.stringify(turn(2)),
      JSON.stringify({ ...turn(3), pad: 'y'.repeat(5000) }),
    ];
    writeFileSync(path, Buffer.concat([Buffer.from(lines.slice(0, 3).join('\n') + '\n'), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(lines.slice(3).join('\n') + '\n')]));
    const { index, errors, runtime } = await indexed(path, { maxLineBytes: 4096, chunkBytes: 256 });
    expect(ids(index)).toEqual(['t-0', 't-2']);
    expect(errors.map((e) => [e.source, e.line, e.reason, e.kind])).toEqual([
      [path, 2, 'invalid-json', 'invalid'],
      [path, 3, 'not-an-object', 'invalid'],
      [path, 4, 'invalid-utf8', 'invalid'],
      [path, 5, 'schema', 'invalid'],
      [path, 6, 'duplicate-id', 'invalid'],
      [path, 8, 'line-too-long', 'invalid'],
    ]);
    expect(errors[0]!.raw).toBe('{"id": "broken"');
    expect(errors[3]!.error).toBe('messages: expected at least 2 messages (the system prompt and the task), got an array of 0');
    expect(errors[3]!.record).toMatchObject({ id: 't-1' });
    expect(errors[4]!.error).toBe('id "t-0" was already passed on by an earlier record: one record per id');
    expect(errors[5]!.rawBytes).toBe(lines[6]!.length);
    expect(errors[5]!.error).toBe(`the line is ${lines[6]!.length} bytes, over the limit of 4096 bytes (raise it with --max-line-bytes)`);
    expect(runtime.stats.in).toBe(8);
    expect(runtime.stats.out + runtime.stats.failed).toBe(runtime.stats.in);
    await index.close();
  });

  it('checks each record against the contract of the stage it has reached', async () => {
    const path = join(tempDir(), 'stages.jsonl');
    const scored = scoredRecord({ index: 1 });
    writeFileSync(
      path,
      jsonl([
        turn(0),
        { ...turn(1), king: 'THOUGHT: x\n\n```bash\nls\n```' },
        { ...turn(2), challenger: 7 },
        scored,
        { ...scoredRecord({ index: 2 }), judgement: { verdicts: [] } },
      ]),
    );
    const { index, errors } = await indexed(path);
    expect(ids(index)).toEqual(['t-0', 't-1', scored.id]);
    expect([0, 1, 2].map((i) => index.turns.summary(i).stage)).toEqual(['turn', 'king', 'scored']);
    expect(errors.map((e) => [e.line, e.reason, e.error.split(':')[0]])).toEqual([
      [3, 'schema', 'challenger'],
      [5, 'schema', 'judgement.against'],
    ]);
    await index.close();
  });
});

describe('td view index: a file that grows while it is indexed', () => {
  it('reads only to where the file ended when indexing began', async () => {
    const path = join(tempDir(), 'growing.jsonl');
    writeFileSync(path, jsonl(Array.from({ length: 20 }, (_, i) => turn(i))));
    let appended = 0;
    const { index, errors } = await indexed(path, {
      chunkBytes: 512,
      onProgress: () => {
        // After the first chunk, a writer appends whole records and half of one more.
        if (appended++ === 0) appendFileSync(path, jsonl(Array.from({ length: 20 }, (_, i) => turn(100 + i))) + '{"id": "half');
      },
    });
    expect(appended).toBeGreaterThan(1);
    expect(ids(index)).toEqual(Array.from({ length: 20 }, (_, i) => `t-${i}`));
    expect(errors).toEqual([]);
    expect(index.bytes).toBe(jsonl(Array.from({ length: 20 }, (_, i) => turn(i))).length);
    await index.close();
  });

  it('says so when a line no longer holds its turn', async () => {
    const path = join(tempDir(), 'changing.jsonl');
    writeFileSync(path, jsonl([turn(0), turn(1)]));
    const { index } = await indexed(path);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from('{"id":"t-9"'), 0, 11, index.turns.location(1).offset);
    await handle.close();
    await expect(index.read(1)).rejects.toThrow(StaleIndexError);
    await expect(index.read(1)).rejects.toThrow(`${path}:2 no longer holds turn "t-1": the file changed after td view indexed it (restart td view)`);
    expect((await index.read(0)).record.id).toBe('t-0');
    await index.close();
  });
});

describe('td view index: list fields', () => {
  it('reads bucket, score, action, flips, disagreement, leak, tokens and cost', async () => {
    const path = join(tempDir(), 'scored.jsonl');
    const records = [
      scoredRecord({ index: 0, score: 90 }),
      scoredRecord({ index: 1, verdicts: verdictsOf([['a', 'challenger', 'king'], ['b', 'king', 'king']]) }),
      { ...scoredRecord({ index: 2, score: 20, challenger: "THOUGHT: fix\n\n```bash\nsed -i 's/a/b/' src/parser.py\n```" }), leak: { suspect: true, tokens: ['tokenize_line'] } },
      scoredRecord({ index: 3, verdicts: verdictsOf([['a', undefined, undefined]]) }),
      scoredRecord({ index: 4, score: 70, meta: {} }),
    ];
    writeFileSync(path, jsonl(records));
    const { index } = await indexed(path);
    const rows = Array.from({ length: 5 }, (_, i) => index.turns.summary(i));
    expect(rows.map((r) => [r.bucket, r.score, r.action, r.flips, r.disagreement, r.leak])).toEqual([
      ['final', 90, 'read', 0, false, false],
      ['defeat', 25, 'read', 1, true, false],
      ['defeat', 20, 'edit', 0, false, true],
      ['parse-fail', null, 'read', 0, false, false],
      ['refined', 70, 'read', 0, false, false],
    ]);
    expect(rows[0]!.tokens).toBe(1200 + 80 + 1500 + 95 + 3000 + 400);
    expect(rows[0]!.costUsd).toBeCloseTo(0.0012 + 0.0015 + 0.004, 10);
    expect(rows[4]!.tokens).toBe(0);
    expect(rows[4]!.costUsd).toBeUndefined();
    await index.close();
  });

  it('takes the bucket of each turn from the files of a td report directory', async () => {
    const out = join(tempDir(), 'report');
    await runReport([90, 70, 20, null, 85].map((score, index) => scoredRecord({ index, score })), { out });
    const { index } = await indexed(out);
    const source = resolveSource(out);
    expect(source.kind).toBe('report');
    expect(source.gate?.verdict).toMatch(/^(pass|fail)$/);
    expect(Array.from({ length: index.turns.size }, (_, i) => [index.turns.id(i).split(':')[1], index.turns.bucketAt(i)])).toEqual([
      ['0', 'final'],
      ['4', 'final'],
      ['1', 'refined'],
      ['2', 'defeat'],
      ['3', 'parse-fail'],
    ]);
    await index.close();
  });

  it('refuses a directory td report did not write, and a missing path', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    expect(() => resolveSource(join(dir, 'empty'))).toThrow(expect.objectContaining({ exitCode: 66 }));
    expect(() => resolveSource(join(dir, 'nope.jsonl'))).toThrow(expect.objectContaining({ exitCode: 66, message: `cannot read input ${join(dir, 'nope.jsonl')}: no such file or directory` }));
    expect(() => resolveSource('-')).toThrow(expect.objectContaining({ exitCode: 64 }));
  });
});
