import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bench } from './types.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const RUNS = 10;

function medianSeconds(args: readonly string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { input: '', stdio: ['pipe', 'ignore', 'ignore'] });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

/**
 * Start-up of a td command on empty input against a bare `node -e ""` in the same run: a unix pipe
 * starts five td processes, and every command imports the whole registry, so heavy libraries must
 * load only when used.
 */
export const startupBench: Bench = async ({ log }) => {
  const bare = medianSeconds(['-e', '']);
  const td = medianSeconds([CLI, 'validate', '-q']);
  log(`start-up: td validate ${td.toFixed(3)} s, bare node ${bare.toFixed(3)} s (median of ${RUNS})`);
  const ratio = td / bare;
  return [
    {
      name: `td validate start-up on empty input vs bare node (median of ${RUNS})`,
      ratio,
      target: '<= 5',
      pass: ratio <= 5,
      detail: `${td.toFixed(3)} s vs ${bare.toFixed(3)} s`,
    },
  ];
};
