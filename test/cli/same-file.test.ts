import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';
import { jsonl, turnRecord } from '../helpers/records.js';
import { scoredRecord } from '../helpers/scored.js';

const content = jsonl([turnRecord({ id: 'a' }), turnRecord({ id: 'b' })]);

function inputFile(): { dir: string; input: string } {
  const dir = tempDir('td-same-');
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, content);
  return { dir, input };
}

/** Runs `td ARGS` through sh, for redirections. */
function shell(script: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, TD: CLI, NODE: process.execPath } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('an output that is the input file is refused before anything is written (exit 64)', () => {
  test('-o naming the input, as itself, ./itself, a hard link or a symbolic link', async () => {
    const { dir, input } = inputFile();
    linkSync(input, join(dir, 'hard.jsonl'));
    symlinkSync(input, join(dir, 'soft.jsonl'));
    for (const output of [input, './in.jsonl', join(dir, 'hard.jsonl'), 'soft.jsonl']) {
      const result = await runCli(['validate', '-i', 'in.jsonl', '-o', output], { cwd: dir });
      expect(result.code, result.stderr).toBe(64);
      expect(result.stderr).toBe(`td validate: --output ${output} is the input in.jsonl: td will not write to the file it reads (it would be destroyed before it is read); write elsewhere\n`);
      expect(readFileSync(input, 'utf8')).toBe(content);
    }
  });

  test('--errors naming the input, and a stage reading the file on stdin that writes it', async () => {
    const { dir, input } = inputFile();
    const errors = await runCli(['validate', '-i', input, '--errors', join(dir, 'new.jsonl'), '-o', join(dir, 'out.jsonl')], { cwd: dir });
    expect(errors.code).toBe(0); // a new errors file: not the input
    linkSync(input, join(dir, 'hard.jsonl'));
    const same = await runCli(['validate', '-i', input, '--errors', join(dir, 'hard.jsonl'), '-o', join(dir, 'out2.jsonl')], { cwd: dir });
    expect(same.code).toBe(64);
    expect(same.stderr).toContain(`--errors ${join(dir, 'hard.jsonl')} is the input ${input}:`);
    const stdin = shell('"$NODE" "$TD" validate -o in.jsonl < in.jsonl', dir);
    expect(stdin.status).toBe(64);
    expect(stdin.stderr).toContain('--output in.jsonl is standard input:');
    const appended = shell('"$NODE" "$TD" validate -i in.jsonl >> in.jsonl', dir);
    expect(appended.status).toBe(64);
    expect(appended.stderr).toContain('standard output is the input in.jsonl:');
    expect(readFileSync(input, 'utf8')).toBe(content);
    // Devices are not files: reading and writing /dev/null is fine.
    expect(shell('"$NODE" "$TD" validate -i /dev/null -o /dev/null --errors /dev/null', dir).status).toBe(0);
  });

  test('td run: a pipeline file whose [run] output is its input', async () => {
    const { dir, input } = inputFile();
    const file = join(dir, 'p.toml');
    writeFileSync(file, `[run]\ninput = "${input}"\noutput = "${input}"\n\n[validate]\n`);
    const result = await runCli(['run', file], { cwd: dir });
    expect(result.code, result.stderr).toBe(64);
    expect(result.stderr).toContain(`td run: --output ${input} is the input ${input}:`);
    expect(readFileSync(input, 'utf8')).toBe(content);
  });

  test('td report: an --out DIR that holds the input', async () => {
    const dir = tempDir('td-same-');
    const out = join(dir, 'report');
    const records = jsonl([{ ...scoredRecord({ index: 1 }), id: 's1' }]);
    const first = await runCli(['report', '--out', out, '--final-min', '0', '--defeat-min', '0'], { input: records });
    expect(first.code, first.stderr).toBe(0);
    const final = readFileSync(join(out, 'final.jsonl'), 'utf8');
    mkdirSync(join(out, 'sub'));
    for (const input of [join(out, 'final.jsonl'), join(dir, 'report', '.', 'final.jsonl')]) {
      const again = await runCli(['report', '--out', out, '-i', input]);
      expect(again.code, again.stderr).toBe(64);
      expect(again.stderr).toBe(`td report: --out ${out} holds the input ${input}: td replaces that directory as a whole, which would delete the input; write elsewhere\n`);
    }
    expect(readFileSync(join(out, 'final.jsonl'), 'utf8')).toBe(final);
  });
});
