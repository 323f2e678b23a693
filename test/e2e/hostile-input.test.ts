/**
 * Hostile input that parses (issue 12): a record nested thousands of levels deep. Every stage that
 * reads JSONL rejects that line as `too-deep` (exit 65), writes an errors entry for it, and goes on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/core/json-depth.js';
import { runCli } from '../helpers/cli.js';
import { duelRecord } from '../helpers/judge.js';
import { tempDir } from '../helpers/llm.js';
import { turnRecord } from '../helpers/records.js';
import { scoredRecord } from '../helpers/scored.js';

/** `"x": [[[...]]]` making the record `levels` deep. */
const deepField = (levels: number): string => `"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}`;
const withField = (record: object, field: string): string => JSON.stringify(record).replace(/^\{/, `{${field},`);

const STAGES: Array<{ args: string[]; make: (i: number) => object }> = [
  { args: ['validate'], make: (i) => turnRecord({ id: `t${i}` }) },
  { args: ['king', '-m', 'td/replay', '--no-cache'], make: (i) => turnRecord({ id: `t${i}` }) },
  { args: ['judge', '--judges', 'rules'], make: (i) => duelRecord(i) },
  { args: ['report', '--final-min', '0', '--defeat-min', '0'], make: (i) => ({ ...scoredRecord({ index: i }), id: `s${i}` }) },
];

describe('a record nested too deep', () => {
  test.each(STAGES)('td $args.0 rejects it as too-deep, keeps its line in the errors file and goes on', async ({ args, make }) => {
    const dir = tempDir('td-deep-');
    const errors = join(dir, 'errors.jsonl');
    const deep = withField(make(1), deepField(5000));
    const fine = withField(make(2), deepField(MAX_JSON_DEPTH));
    const input = `${JSON.stringify(make(0))}\n${deep}\n${fine}\n${JSON.stringify(make(3))}\n`;
    const out = args[0] === 'report' ? ['--out', join(dir, 'report')] : [];
    const result = await runCli([...args, ...out, '--errors', errors], { input });
    expect(result.code, result.stderr).toBe(65);
    expect(result.stderr).toContain(`<stdin>:2: too-deep: the record nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (td ${args[0]})`);
    const written = args[0] === 'report' ? readFileSync(join(dir, 'report', 'turns.jsonl'), 'utf8') : result.stdout;
    expect(written.trim().split('\n')).toHaveLength(3);
    const entries = readFileSync(errors, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([expect.objectContaining({ stage: args[0], kind: 'invalid', reason: 'too-deep', line: 2, raw: deep })]);
    expect(result.stderr).toMatch(/in 4, out 3, failed 1 \(too-deep 1\)/);
  });
});
