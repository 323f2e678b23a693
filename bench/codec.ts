import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineCopy, best, throughput, type Throughput } from './baseline.js';
import { writeJsonlOfSize } from './generate.js';
import type { Bench, BenchRow } from './types.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface ChildRun extends Throughput {
  peakRssMb: number;
}

/** Runs `td ARGS` in a child process and reports its time and peak RSS (from `/usr/bin/time`-free `process.resourceUsage`). */
export async function timeTd(args: readonly string[], inputBytes: number): Promise<ChildRun> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--expose-gc', join(fileURLToPath(new URL('.', import.meta.url)), 'rss-wrapper.js'), CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code: number = await new Promise((resolve) => child.on('close', resolve));
  const result = throughput(inputBytes, started);
  const rss = /peak-rss-kb=(\d+)/.exec(stderr);
  if (code !== 0 || !rss) throw new Error(`td ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`);
  return { ...result, peakRssMb: Number(rss[1]) / 1024 };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/**
 * `td validate` file to file against the plain-Node loop on the same ~200 MB of turn records, and peak
 * RSS at 200 MB and 20 MB: the codec must stay near the loop's speed and flat in memory.
 */
export const codecBench: Bench = async ({ scale, workDir, log }) => {
  const bigBytes = Math.round(200e6 * scale);
  const smallBytes = Math.round(20e6 * scale);
  const big = join(workDir, `turns-${bigBytes}.jsonl`);
  const small = join(workDir, `turns-${smallBytes}.jsonl`);
  log(`generating ${(bigBytes / 1e6).toFixed(0)} MB and ${(smallBytes / 1e6).toFixed(0)} MB of turn records`);
  const bigSize = await writeJsonlOfSize(big, bigBytes);
  const smallSize = await writeJsonlOfSize(small, smallBytes);
  const out = join(workDir, 'codec-out.jsonl');

  const baseline = await best(3, () => baselineCopy(big, out));
  log(`baseline loop: ${baseline.mbPerSecond.toFixed(1)} MB/s`);
  const bigRuns: ChildRun[] = [];
  const smallRuns: ChildRun[] = [];
  for (let i = 0; i < 3; i++) {
    bigRuns.push(await timeTd(['validate', '-i', big, '-o', out, '--quiet'], bigSize));
    smallRuns.push(await timeTd(['validate', '-i', small, '-o', out, '--quiet'], smallSize));
  }
  const td = bigRuns.reduce((a, b) => (b.mbPerSecond > a.mbPerSecond ? b : a));
  // Peak RSS varies from run to run with when V8 collects (seen 134-205 MB on the same 200 MB file on two
  // busy cores): compare medians of three runs at each size, not one lucky or unlucky run.
  const bigRss = median(bigRuns.map((run) => run.peakRssMb));
  const smallRss = median(smallRuns.map((run) => run.peakRssMb));
  log(`td validate: ${td.mbPerSecond.toFixed(1)} MB/s, peak RSS ${bigRuns.map((r) => r.peakRssMb.toFixed(0)).join('/')} MB at 200 MB, ${smallRuns.map((r) => r.peakRssMb.toFixed(0)).join('/')} MB at 20 MB`);

  const ratio = td.mbPerSecond / baseline.mbPerSecond;
  const rssRatio = bigRss / smallRss;
  const rows: BenchRow[] = [
    {
      name: `td validate vs plain-Node loop (${(bigSize / 1e6).toFixed(0)} MB, file to file)`,
      ratio,
      target: '>= 0.8',
      pass: ratio >= 0.8,
      detail: `${td.mbPerSecond.toFixed(1)} vs ${baseline.mbPerSecond.toFixed(1)} MB/s`,
    },
    {
      name: `td validate peak RSS (median of 3), ${(bigSize / 1e6).toFixed(0)} MB vs ${(smallSize / 1e6).toFixed(0)} MB input`,
      ratio: rssRatio,
      target: '<= 1.5',
      pass: rssRatio <= 1.5,
      detail: `${bigRss.toFixed(0)} vs ${smallRss.toFixed(0)} MB`,
    },
  ];
  return rows;
};
