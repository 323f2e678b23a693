/**
 * Records a stage passes on unchanged keep the bytes they were read as (issue 12, item 17): JSON.parse
 * and JSON.stringify would move integer-like keys first, collapse duplicate keys, turn -0 into 0, round
 * big integers, turn 1e400 into null and drop spacing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { turnRecord } from '../helpers/records.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';

/** Members JSON.parse + JSON.stringify would not give back as written. */
const ODD = '"10":1,"1":2,"dup":1,"dup":2,"neg":-0,"huge":1e400,"big":12345678901234567890123,"exp":1.50E+2,"spaced" : [ 1 , {"b":1,"a":"\\u00e9\\/"} ],"esc":"\\u0041"';
const oddLine = (record: object): string => JSON.stringify(record).replace(/^\{/, `{${ODD},`);

describe('records passed on unchanged keep their bytes', () => {
  test('td validate writes each valid record as the line it read (BOM and CRLF line ends aside)', async () => {
    const lines = [oddLine(turnRecord({ id: 'v1' })), JSON.stringify(turnRecord({ id: 'v2' })), oddLine(turnRecord({ id: 'v3', turn: 7 }))];
    const result = await runCli(['validate'], { input: `\uFEFF${lines[0]}\r\n${lines[1]}\n${lines[2]}` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(lines.map((line) => `${line}\n`).join(''));
  });

  test('td report writes the bucket files as read, only the volatile call fields cut out', async () => {
    const records = [
      { ...scoredRecord({ index: 1 }), id: 's-final' },
      { ...scoredRecord({ index: 2, verdicts: verdictsOf([['judge-a', 'king', 'king']]) }), id: 's-defeat' },
      { ...scoredRecord({ index: 3, score: null, verdicts: verdictsOf([['judge-a', undefined, undefined]]) }), id: 's-parse-fail' },
    ];
    const dir = join(tempDir('td-bytes-'), 'report');
    const result = await runCli(['report', '--out', dir], { input: records.map((record) => `${oddLine(record)}\n`).join('') });
    expect(result.code, result.stderr).toBe(0);
    const expected = records.map((record) => JSON.stringify(withoutVolatile(record)).replace(/^\{/, `{${ODD},`) + '\n');
    expect(expected[0]).not.toContain('latency_ms');
    expect(readFileSync(join(dir, 'final.jsonl'), 'utf8')).toBe(expected[0]);
    expect(readFileSync(join(dir, 'defeat.jsonl'), 'utf8')).toBe(expected[1]);
    expect(readFileSync(join(dir, 'parse-fail.jsonl'), 'utf8')).toBe(expected[2]);
  });

  test('volatile fields written with escapes or spacing are cut out too', async () => {
    const record = { ...scoredRecord({ index: 1 }), id: 's-final' };
    const line = JSON.stringify(record).replace('"cached":false', '"cach\\u0065d" :  false').replace('"latency_ms":1234', ' "latency_ms" : 1234 ');
    expect(line).not.toBe(JSON.stringify(record));
    const dir = join(tempDir('td-bytes-'), 'report');
    const result = await runCli(['report', '--out', dir], { input: `${line}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'final.jsonl'), 'utf8')).toBe(JSON.stringify(withoutVolatile(record)) + '\n');
  });
});
