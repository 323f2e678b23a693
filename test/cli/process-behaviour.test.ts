import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, parseJsonl, runCli, spawnCli, untilLines, interruptAfterOutput } from '../helpers/cli.js';
import { jsonl, turnRecord } from '../helpers/records.js';

const tmp = mkdtempSync(join(tmpdir(), 'td-cli-'));

describe('td process behaviour', () => {
  it('passes valid records through unchanged and exits 0 with a one-line summary', async () => {
    const records = [turnRecord({ id: 'a' }), turnRecord({ id: 'b', extra: { kept: true } })];
    const result = await runCli(['validate'], { input: jsonl(records) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(jsonl(records));
    expect(result.stderr).toMatch(/^td validate: in 2, out 2, failed 0, \d+\.\ds\n$/);
  });

  it('exits 65 on bad input lines, naming FILE:LINE, and keeps the good records', async () => {
    const path = join(tmp, 'mixed.jsonl');
    writeFileSync(path, `${JSON.stringify(turnRecord({ id: 'a' }))}\nnot json\n${JSON.stringify({ ...turnRecord({ id: 'c' }), messages: [] })}\n`);
    const errors = join(tmp, 'mixed-errors.jsonl');
    const result = await runCli(['validate', '-i', path, '--errors', errors]);
    expect(result.code).toBe(65);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['a']);
    expect(result.stderr).toContain(`${path}:2: invalid-json: invalid JSON:`);
    expect(result.stderr).toContain(`${path}:3: schema: messages: expected at least 2 messages (the system prompt and the task), got an array of 0 (td validate)`);
    expect(result.stderr).toContain(`in 3, out 1, failed 2 (invalid-json 1, schema 1)`);
    const entries = parseJsonl(readFileSync(errors, 'utf8'));
    expect(entries.map((e) => [e.stage, e.kind, e.reason, e.source, e.line])).toEqual([
      ['validate', 'invalid', 'invalid-json', path, 2],
      ['validate', 'invalid', 'schema', path, 3],
    ]);
    expect(entries[0]!.raw).toBe('not json');
    expect((entries[1]!.record as { id: string }).id).toBe('c');
  });

  it('appends to an existing errors file', async () => {
    const errors = join(tmp, 'append-errors.jsonl');
    writeFileSync(errors, '{"earlier":true}\n');
    await runCli(['validate', '--errors', errors], { input: 'null\n' });
    expect(parseJsonl(readFileSync(errors, 'utf8')).map((e) => e.earlier ?? e.reason)).toEqual([true, 'not-an-object']);
  });

  it('rejects a bad flag value with the flag, the rule and the value, before reading input (exit 64)', async () => {
    const result = await runCli(['validate', '--max-line-bytes', 'lots'], { input: '' });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe('td validate: --max-line-bytes: expected a byte size of at least 1 (e.g. 1048576, 512KiB, 64MiB), got "lots" (string)\n');
  });

  it('exits 66 with one line when the input file is missing', async () => {
    const result = await runCli(['validate', '-i', join(tmp, 'absent.jsonl')]);
    expect(result.code).toBe(66);
    expect(result.stderr).toBe(`td validate: cannot read input ${join(tmp, 'absent.jsonl')}: no such file or directory\n`);
  });

  it('exits 66 with one line when the input is a directory, before reading anything', async () => {
    const result = await runCli(['validate', '-i', tmp]);
    expect(result.code).toBe(66);
    expect(result.stderr).toBe(`td validate: cannot read input ${tmp}: is a directory\n`);
  });

  it('exits 73 with one line when the output file cannot be created', async () => {
    const output = join(tmp, 'no-such-dir', 'out.jsonl');
    const result = await runCli(['validate', '-o', output], { input: jsonl([turnRecord()]) });
    expect(result.code).toBe(73);
    expect(result.stderr).toBe(`td validate: cannot write output ${output}: no such file or directory\n`);
    const intoDirectory = await runCli(['validate', '-o', tmp], { input: '' });
    expect([intoDirectory.code, intoDirectory.stderr]).toEqual([73, `td validate: cannot write output ${tmp}: is a directory\n`]);
  });

  it('masks a key named by --api-key-env or read from ./.env in a fatal error line', async () => {
    const secret = 'not-in-the-environment-4242';
    const output = join(tmp, 'no-such-dir', secret, 'out.jsonl');
    const input = join(tmp, 'one.jsonl');
    writeFileSync(input, jsonl([turnRecord()]));
    const named = await runCli(['king', '--api-key-env', 'TD_TEST_KEY', '--no-cache', '-i', input, '-o', output], { env: { TD_TEST_KEY: secret } });
    expect([named.code, named.stderr]).toEqual([73, `td king: cannot write output ${output.replace(secret, '[REDACTED]')}: no such file or directory\n`]);
    const cwd = mkdtempSync(join(tmpdir(), 'td-dotenv-'));
    writeFileSync(join(cwd, '.env'), `CHUTES_API_KEY=${secret}\n`);
    const fromFile = await runCli(['king', '--no-cache', '-i', input, '-o', output], { cwd, env: { CHUTES_API_KEY: undefined } });
    expect([fromFile.code, fromFile.stderr]).toEqual([73, `td king: cannot write output ${output.replace(secret, '[REDACTED]')}: no such file or directory\n`]);
  });

  it('exits 73 with one line when the errors file cannot be created', async () => {
    const errors = join(tmp, 'no-such-dir', 'errors.jsonl');
    const result = await runCli(['validate', '--errors', errors], { input: 'null\n' });
    expect(result.code).toBe(73);
    expect(result.stderr).toBe(`td validate: cannot write errors file ${errors}: no such file or directory\n`);
  });

  it('exits 0 without a word when the reader goes away (td ... | head -1)', async () => {
    const big = jsonl(Array.from({ length: 3000 }, (_, n) => turnRecord({ id: `r${n}` })));
    const child = spawnCli(['validate']);
    const done = collect(child);
    child.stdin!.end(big);
    const [line] = await untilLines(child.stdout!, 1);
    expect(JSON.parse(line!).id).toBe('r0');
    child.stdout!.destroy(); // like head exiting after one line
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('on SIGINT stops reading, flushes what is done and exits 130', async () => {
    const result = await interruptAfterOutput(['validate'], jsonl([turnRecord({ id: 'first' }), turnRecord({ id: 'second' })]), 2);
    expect(result.code).toBe(130);
    expect(parseJsonl(result.stdout).map((r) => r.id)).toEqual(['first', 'second']);
    expect(result.stderr).toContain('td: interrupted: no new input is read');
    expect(result.stderr).toMatch(/td validate: in 2, out 2, failed 0/);
  });

  it('keeps stdout for data only: logs and the summary go to stderr', async () => {
    const result = await runCli(['validate'], { input: `${JSON.stringify(turnRecord())}\nnull\n` });
    expect(parseJsonl(result.stdout)).toHaveLength(1);
    expect(result.stderr).toContain('<stdin>:2: not-an-object');
  });
});
