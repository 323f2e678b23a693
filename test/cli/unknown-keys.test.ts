import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { withoutVolatile } from '../../src/contract/meta.js';
import { JudgeOptionsSchema } from '../../src/transforms/judge/options.js';
import { formatZodError } from '../../src/core/zod-format.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { turnRecord } from '../helpers/records.js';

/** Keys that an object built by assignment loses (`__proto__`) or could mistake for its own machinery. */
const ODD = '"__proto__":{"evil":1},"constructor":{"c":2},"hasOwnProperty":3';

/** Every object of a parsed JSON value, with the path to it. */
function objects(value: unknown, path = '$'): Array<[string, Record<string, unknown>]> {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => objects(item, `${path}[${i}]`));
  const object = value as Record<string, unknown>;
  return [[path, object], ...Object.keys(object).flatMap((key) => objects(object[key], `${path}.${key}`))];
}

/** The paths of the objects that hold the odd keys, in order, first. */
function oddPlaces(value: unknown): string[] {
  return objects(value)
    .filter(([, object]) => Object.keys(object).slice(0, 3).join() === '__proto__,constructor,hasOwnProperty')
    .map(([path]) => path);
}

describe('unknown keys, __proto__ and constructor included, pass through every stage untouched', () => {
  test('withoutVolatile keeps a meta key named __proto__ as a key', () => {
    const record = JSON.parse(`{"id":"r","meta":{${ODD},"king":{${ODD},"calls":[{${ODD},"cached":true,"latency_ms":5,"model":"m"}]}}}`) as Record<string, unknown>;
    expect(JSON.stringify(withoutVolatile(record))).toBe(`{"id":"r","meta":{${ODD},"king":{${ODD},"calls":[{${ODD},"model":"m"}]}}}`);
  });

  test('validate, king, challenge, judge and report keep them at every level, in order', async () => {
    // Odd keys first in the record, its messages, pr, source, meta, a stage meta and one of its calls.
    let line = JSON.stringify(turnRecord({ id: 'odd-1' }));
    line = line.replace(/^\{/, `{${ODD},`).replace('"pr":{', `"pr":{${ODD},`).replace('"source":{', `"source":{${ODD},`).replaceAll('{"role":', `{${ODD},"role":`);
    const validated = await runCli(['validate'], { input: `${line}\n` });
    expect(validated.stdout).toBe(`${line}\n`);
    const king = await runCli(['king', '-m', 'td/replay', '--no-cache'], { input: validated.stdout });
    const withMeta = king.stdout.replace('"meta":{', `"meta":{${ODD},`).replace('"king":{"model"', `"king":{${ODD},"model"`).replace('"calls":[{', `"calls":[{${ODD},`);
    const challenge = await runCli(['challenge', '-m', 'td/repair', '--no-cache'], { input: withMeta });
    const judge = await runCli(['judge', '--judges', 'rules'], { input: challenge.stdout });
    expect([king.code, challenge.code, judge.code]).toEqual([0, 0, 0]);
    const expected = ['$', '$.messages[0]', '$.messages[1]', '$.messages[2]', '$.messages[3]', '$.pr', '$.source', '$.meta', '$.meta.king', '$.meta.king.calls[0]'];
    for (const out of [withMeta, challenge.stdout, judge.stdout]) expect(oddPlaces(JSON.parse(out))).toEqual(expected);

    const dir = join(tempDir('td-odd-'), 'report');
    const report = await runCli(['report', '--out', dir, '--final-min', '0', '--defeat-min', '0'], { input: judge.stdout });
    expect(report.code, report.stderr).toBe(0);
    const final = JSON.parse(readFileSync(join(dir, 'final.jsonl'), 'utf8')) as Record<string, unknown>;
    expect(oddPlaces(final)).toEqual(expected);
    expect(JSON.stringify(final)).toBe(JSON.stringify(withoutVolatile(JSON.parse(judge.stdout) as Record<string, unknown>)));
  });

  test('td import keeps the seed messages as read', async () => {
    const dir = tempDir('td-odd-seed-');
    mkdirSync(join(dir, 'prompt'));
    mkdirSync(join(dir, 'commit'));
    const messages = `[{${ODD},"content":"rules","role":"system"},{"role":"user","content":"task","extra":1}]`;
    writeFileSync(join(dir, 'prompt', 'prompts_0.json'), `[{"instance_id":"acme__widgets-1","messages":${messages},"assistant":"THOUGHT: x"}]`);
    writeFileSync(join(dir, 'commit', 'acme__widgets-1.json'), JSON.stringify({ problem_statement: 'p', patch: 'diff --git a/x b/x\n' }));
    const result = await runCli(['import', dir, '--as', 'turn']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`"messages":${messages}`);
  });

  test('a judge setting named __proto__ reaches the schema, which names it', () => {
    const checked = JudgeOptionsSchema.safeParse({ judges: 'a@__proto__=1' }, { reportInput: true });
    expect(checked.success).toBe(false);
    expect(formatZodError(checked.error!)).toBe('judges.0: unknown key "__proto__", got an object');
    expect(JudgeOptionsSchema.safeParse({ judges: [JSON.parse('{"model":"a","__proto__":{"max_tokens":5}}')] }).success).toBe(false);
  });
});
