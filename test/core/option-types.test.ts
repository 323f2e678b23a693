import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_SECONDS, seconds } from '../../src/core/option-types.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/llm.js';

const RULE = (min: number) => `expected a number of seconds from ${min} to 2147483 (the longest a timer can wait)`;

describe('seconds: a time td waits with a timer', () => {
  test('accepts up to 2,147,483 s, the longest a Node timer waits, and rejects more (it would wait 1 ms)', () => {
    expect(MAX_TIMER_SECONDS).toBe(2_147_483);
    // Node's own limit: a longer delay overflows to 1 ms.
    expect(MAX_TIMER_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect((MAX_TIMER_SECONDS + 1) * 1000).toBeGreaterThan(2 ** 31 - 1);
    const schema = seconds(0.001);
    expect(schema.safeParse('2147483').data).toBe(2_147_483);
    expect(schema.safeParse(2_147_483).success).toBe(true);
    for (const value of ['2147484', 3_000_000, '1e12', 0]) {
      const result = schema.safeParse(value);
      expect(result.success, String(value)).toBe(false);
      expect(result.error!.issues[0]!.message).toBe(RULE(0.001));
    }
  });

  test.each([
    ['--timeout', 'king', RULE(0.001)],
    ['--max-retry-wait', 'king', RULE(0)],
    ['--grace', 'validate', RULE(0)],
    ['--progress-interval', 'validate', RULE(0.1)],
  ])('%s 3000000 is a usage error (64) naming the limit, before anything is read', async (flag, stage, rule) => {
    const result = await runCli([stage, ...(stage === 'king' ? ['-m', 'td/replay'] : []), flag, '3000000'], { input: '' });
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`td ${stage}: ${flag}: ${rule}, got 3000000 (number)\n`);
  });

  test('in a pipeline file it is a configuration error (78) naming the file, line and limit', async () => {
    const file = join(tempDir('td-seconds-'), 'slow.toml');
    writeFileSync(file, ['[llm]', 'timeout = 3000000', '', '[king]', 'model = "td/replay"', '', '[run]', 'grace = 2147484'].join('\n'));
    const result = await runCli(['run', file], { input: '' });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(`td run: ${file}:2: [llm] timeout: ${RULE(0.001)}, got 3000000 (number)\n${file}:8: [run] grace: ${RULE(0)}, got 2147484 (number)\n`);
  });
});
