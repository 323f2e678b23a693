import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli } from '../helpers/cli.js';
import { jsonl } from '../helpers/records.js';
import { readLines, tempDir } from '../helpers/report.js';
import { scoredRecord, verdictsOf } from '../helpers/scored.js';

type Winner = 'challenger' | 'king' | 'tie';
const many = (count: number, offset = 0): string =>
  jsonl(
    Array.from({ length: count }, (_, i) => {
      const winner = (['challenger', 'king', 'tie'] as const)[(i + offset) % 3] as Winner;
      return scoredRecord({ index: i + offset, verdicts: verdictsOf([['judge-a', winner, 'challenger']]) });
    }),
  );

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 15_000; waited += 20) {
    if (condition()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Feeds `input` to a running report and resolves once the child has read nearly all of it (a pipe
 * holds 64 KiB, so the write completes only when the rest was consumed) and its temp dir exists.
 */
async function feedMidway(child: ChildProcess, input: string, parent: string): Promise<void> {
  expect(input.length).toBeGreaterThan(1 << 20);
  child.stdin!.on('error', () => {}); // EPIPE once the child is gone
  await new Promise<void>((resolve) => child.stdin!.write(input, () => resolve()));
  await waitFor(() => existsSync(join(parent, `.out.td-tmp-${child.pid}`)), 'the temp dir of the run');
}

describe('td report (process)', () => {
  it('leaves the previous outputs whole when killed mid-report, and the next run cleans up', async () => {
    const parent = tempDir();
    const out = join(parent, 'out');
    const first = await runCli(['report', '--out', out], { input: many(30) });
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(out);

    const child = spawnCli(['report', '--out', out]);
    const done = collect(child);
    await feedMidway(child, many(800, 1000), parent);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(snapshot(out)).toEqual(before);
    expect(existsSync(join(parent, `.out.td-tmp-${child.pid}`))).toBe(true);

    const third = await runCli(['report', '--out', out], { input: many(5, 2000) });
    expect(third.code, third.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readLines(out, 'turns.jsonl').map((row) => row.id)).toEqual(Array.from({ length: 5 }, (_, i) => `data/train-00000.parquet:${2000 + i}:t4`));
  });

  it('keeps the previous outputs and exits 130 when interrupted', async () => {
    const parent = tempDir();
    const out = join(parent, 'out');
    expect((await runCli(['report', '--out', out], { input: many(10) })).code).toBe(0);
    const before = snapshot(out);
    const child = spawnCli(['report', '--out', out]);
    const done = collect(child);
    await feedMidway(child, many(800, 500), parent);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`interrupted: ${out} left as it was`);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('refuses to replace a non-empty directory it did not write', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const result = await runCli(['report', '--out', out], { input: many(2) });
    expect(result.code).toBe(64);
    expect(result.stderr).toBe(`td report: --out ${out}: refusing to replace a non-empty directory that td report did not write (no .td-report); choose a new or empty directory\n`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('exits 0 on a failed gate, and 1 with --fail-on-gate; duel.json says why', async () => {
    const ties = jsonl(Array.from({ length: 6 }, (_, index) => scoredRecord({ index, verdicts: verdictsOf([['judge-a', 'tie', 'tie']]) })));
    const out = join(tempDir(), 'out');
    const lenient = await runCli(['report', '--out', out], { input: ties });
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toBe('');
    const duel = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8')) as Record<string, unknown>;
    expect(duel).toMatchObject({ verdict: 'fail', mean_preference: 0.5, margin: 0, margin_lower_bound: 0, parsed_fraction: 1, resamples: 2000 });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Gate: FAIL');
    const strict = await runCli(['report', '--out', out, '--fail-on-gate'], { input: ties });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('gate fail (margin lower bound +0.000 is not above --min-margin 0);');
  });

  it('names the actual reason of a failed gate in the summary line, as duel.json does', async () => {
    // Wins by a wide margin, but only 3 of 6 turns parsed: the parsed fraction fails the gate, not the margin.
    const won = (index: number) => scoredRecord({ index, verdicts: verdictsOf([['judge-a', 'challenger', 'challenger']]) });
    const failed = (index: number) => scoredRecord({ index, verdicts: verdictsOf([['judge-a', undefined, undefined]]), score: null });
    const input = jsonl([won(0), won(1), won(2), failed(3), failed(4), failed(5)]);
    const out = join(tempDir(), 'out');
    const result = await runCli(['report', '--out', out, '--min-parsed-fraction', '0.8'], { input });
    expect(result.code, result.stderr).toBe(0);
    const duel = JSON.parse(readFileSync(join(out, 'duel.json'), 'utf8')) as { verdict: string; reasons: string[]; margin_lower_bound: number };
    expect(duel).toMatchObject({ verdict: 'fail', reasons: ['parsed fraction 0.500 is below --min-parsed-fraction 0.8'], margin_lower_bound: 0.5 });
    expect(result.stderr).toContain('; gate fail (parsed fraction 0.500 is below --min-parsed-fraction 0.8); wrote ');
    expect(result.stderr).not.toContain('margin lower bound');
    const both = await runCli(['report', '--out', out, '--min-parsed-fraction', '0.8', '--min-margin', '0.5'], { input });
    expect(both.stderr).toContain('; gate fail (margin lower bound +0.500 is not above --min-margin 0.5; parsed fraction 0.500 is below --min-parsed-fraction 0.8); wrote ');
    const none = await runCli(['report', '--out', out], { input: jsonl([failed(0)]) });
    expect(none.stderr).toContain('; gate fail (no parsed turns; parsed fraction 0.000 is below --min-parsed-fraction 0.8); wrote ');
  });

  it('checks its flags before reading input', async () => {
    const bad = await runCli(['report', '--out', join(tempDir(), 'o'), '--final-min', '60', '--defeat-min', '70'], { input: '' });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe('td report: --final-min: expected a score of at least --defeat-min (70), got 60 (number)\n');
    const missing = await runCli(['report'], { input: '' });
    expect(missing.stderr).toBe('td report: --out: missing (expected a non-empty string)\n');
  });

  it('writes parquet exports with the same rows as the JSONL ones', async () => {
    const out = join(tempDir(), 'out');
    const result = await runCli(['report', '--out', out, '--parquet'], { input: many(9) });
    expect(result.code, result.stderr).toBe(0);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      for (const name of ['sft', 'dpo']) {
        const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${join(out, `${name}.parquet`)}')`)).getRowObjectsJson();
        expect(rows.length, name).toBeGreaterThan(0);
        expect(rows, name).toEqual(readLines(out, `${name}.jsonl`));
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    expect(readdirSync(out)).not.toContain('.duckdb-tmp');
  });

  it('writes into a new directory under a parent that does not exist yet', async () => {
    const out = join(tempDir(), 'a', 'b', 'out');
    mkdirSync(join(out, '..'), { recursive: true });
    const result = await runCli(['report', '--out', out], { input: many(3) });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      ['.td-report', 'defeat.jsonl', 'dpo.jsonl', 'duel.json', 'final.jsonl', 'parse-fail.jsonl', 'refined.jsonl', 'report.html', 'report.md', 'sft.jsonl', 'summary.json', 'turns.jsonl'].sort(),
    );
  });
});
