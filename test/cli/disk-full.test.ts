import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CLI, collect, runCli } from '../helpers/cli.js';
import { jsonl, turnRecord } from '../helpers/records.js';

/** Enough records that the output is written, and one bad line so the errors file is written too. */
const input = `${jsonl(Array.from({ length: 20 }, (_, i) => turnRecord({ id: `r${i}` })))}not json\n`;

describe.runIf(existsSync('/dev/full'))('a full disk is an I/O error (exit 74) naming the file, not a bug', () => {
  test('-o /dev/full', async () => {
    const result = await runCli(['validate', '-o', '/dev/full'], { input });
    expect(result.code).toBe(74);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('td validate: cannot write output /dev/full: no space left on device');
    expect(result.stderr).not.toContain('internal error');
  });

  test('standard output on /dev/full', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [CLI, 'validate'], { stdio: ['pipe', full, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      const result = await collect(child, input);
      expect(result.code).toBe(74);
      expect(result.stderr.trim().split('\n').at(-1)).toBe('td validate: cannot write output <stdout>: no space left on device');
    } finally {
      closeSync(full);
    }
  });

  test('--errors /dev/full', async () => {
    const result = await runCli(['validate', '--errors', '/dev/full', '-o', '/dev/null'], { input });
    expect(result.code).toBe(74);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('td validate: cannot write errors file /dev/full: no space left on device');
    expect(result.stderr).not.toContain('internal error');
  });
});
