import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TurnRecordSchema } from '../../src/contract/turn.js';
import { parseJsonl, runCli } from '../helpers/cli.js';
import { FIXTURES } from './helpers.js';

const LOCAL = ['--trajectories', `${FIXTURES}/trajectories`, '--prs', `${FIXTURES}/prs/*.parquet`];

describe('td sample (command line)', () => {
  it('writes valid turn records, puts skips in the errors file and sums up on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-sample-cli-'));
    const errors = join(dir, 'errors.jsonl');
    const result = await runCli(['sample', ...LOCAL, '-n', '58', '--seed', '2', '--errors', errors]);
    expect(result.code).toBe(0);
    const records = parseJsonl(result.stdout);
    // 58 trajectories, 5 skipped, one turn from each of the others: the set runs out before 58 turns.
    expect(records).toHaveLength(53);
    for (const record of records) expect(TurnRecordSchema.safeParse(record).success).toBe(true);
    const skipped = parseJsonl(readFileSync(errors, 'utf8'));
    expect(skipped.map((entry) => entry.reason).sort()).toEqual(['no-pr', 'no-pr', 'no-pr', 'no-pr', 'no-turn']);
    expect(result.stderr).toMatch(/td sample: in 58, out 53, failed 5 \(no-pr 4, no-turn 1\), [\d.]+s \(see .*errors\.jsonl\)\n$/);
    expect(result.stderr).toContain('td sample: warning: the data holds only 53 turns that pass the filters; asked for 58');
    expect(result.stderr).toContain('td sample: sampling 58 turns from 58 trajectories in 2 files, seed 2, window 10');
  });

  it('rejects a malformed flag with exit 64 and one line naming it', async () => {
    const result = await runCli(['sample', ...LOCAL, '--shard', '3/2']);
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('td sample: --shard: expected I/N with 1 <= I <= N (e.g. 2/8), got "3/2" (string)\n');
  });

  it('exits 66 with one line when the trajectories are not there', async () => {
    const result = await runCli(['sample', '--trajectories', 'nowhere/*.parquet', '--prs', `${FIXTURES}/prs`]);
    expect(result.code).toBe(66);
    expect(result.stderr).toBe('td sample: --trajectories: no such directory nowhere (from nowhere/*.parquet)\n');
  });
});
