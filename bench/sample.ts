import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeBenchSet, type BenchSet } from '../scripts/bench-dataset.js';
import { silentLogger } from '../src/core/logger.js';
import { Redactor } from '../src/core/redact.js';
import { Session } from '../src/core/session.js';
import { runSource } from '../src/core/source-stream.js';
import { SampleOptionsSchema } from '../src/sources/sample/options.js';
import { createSampleSource } from '../src/sources/sample/sample-source.js';
import type { Bench, BenchRow } from './types.js';

const ROWS_PER_FILE = 10_000;
const REPEATS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `td sample` in-process, as the CLI runs it minus process start-up; returns milliseconds and records. */
async function timeSample(set: BenchSet, count: number, trajectories = set.trajectories, window = 10): Promise<{ ms: number; records: number; windows: number }> {
  const sink = { report() {}, close() {} };
  const session = new Session(silentLogger, sink, new Redactor(), new AbortController().signal, new AbortController().signal, {});
  const runtime = session.forStage('sample');
  const options = SampleOptionsSchema.parse({ trajectories, prs: set.prs, count, window, installExtensions: false });
  const started = performance.now();
  let records = 0;
  for await (const item of runSource(await createSampleSource(options, runtime), runtime)) {
    JSON.stringify(item.record);
    records++;
  }
  const ms = performance.now() - started;
  await session.close();
  return { ms, records, windows: runtime.stats.get('windows') };
}

/** One full scan of the columns td sample reads (what sampling without row-group pruning costs), in a fresh DuckDB. */
async function timeScan(files: readonly string[], sql: (list: string) => string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const list = `[${files.map((file) => `'${file}'`).join(', ')}]`;
  const started = performance.now();
  await connection.runAndReadAll(sql(list));
  const ms = performance.now() - started;
  connection.closeSync();
  instance.closeSync();
  return ms;
}

const fullScan = (list: string) =>
  `SELECT count(*), sum(length(instance_id) + length(repo) + length(exit_status) + list_sum(list_transform(messages, m -> length(m.content)))) FROM read_parquet(${list})`;
const idScan = (list: string) => `SELECT count(*) FROM read_parquet(${list}) WHERE instance_id LIKE '%zzz%'`;

/**
 * `td sample -n 2000` against one full scan of the same files, measured in the same run (median of 5,
 * page cache warm for both), and how sampling time moves with N and with the size of the set.
 */
export const sampleBench: Bench = async ({ scale, workDir, log }) => {
  const files = Math.max(10, Math.round(100 * scale));
  log(`sample: generating ${files * ROWS_PER_FILE} trajectories in ${files} files (reused when present)`);
  const set = await writeBenchSet(join(workDir, 'sample'), { files, rowsPerFile: ROWS_PER_FILE });
  const half = set.files.slice(0, files / 2);
  const halfGlob = join(workDir, 'sample', 'trajectories', `train-000[0-${Math.ceil(files / 2 / 10) - 1}]?-of-*.parquet`);

  await timeScan(set.files, fullScan); // warm the page cache: both sides then read from memory
  const scans: number[] = [];
  const idScans: number[] = [];
  const halfScans: number[] = [];
  const n2000: number[] = [];
  const n500: number[] = [];
  const halfN2000: number[] = [];
  const wide: number[] = [];
  let windows = 0;
  let records = 0;
  for (let i = 0; i < REPEATS; i++) {
    scans.push(await timeScan(set.files, fullScan));
    idScans.push(await timeScan(set.files, idScan));
    halfScans.push(await timeScan(half, fullScan));
    const run = await timeSample(set, 2000);
    n2000.push(run.ms);
    windows = run.windows;
    records = run.records;
    n500.push((await timeSample(set, 500)).ms);
    halfN2000.push((await timeSample(set, 2000, halfGlob)).ms);
    wide.push((await timeSample(set, 2000, set.trajectories, 50)).ms);
  }
  const [scan, ids, halfScan, s2000, s500, sHalf, sWide] = [scans, idScans, halfScans, n2000, n500, halfN2000, wide].map(median) as [number, number, number, number, number, number, number];
  const rows = set.rows.toLocaleString('en-US');
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const result: BenchRow[] = [
    {
      name: `td sample -n 2000 vs one full scan (${rows} trajectories, ${files} files, 1000-row groups)`,
      ratio: s2000 / scan,
      target: '<= 0.10',
      pass: s2000 / scan <= 0.1,
      detail: `sample ${ms(s2000)} (${records} records, ${windows} windows of 10) vs scan of the sampled columns ${ms(scan)}; instance_id-only LIKE scan ${ms(ids)}`,
    },
    {
      name: 'td sample -n 2000 --window 50 vs the same full scan (fewer, wider windows)',
      ratio: sWide / scan,
      target: '<= 0.10',
      pass: sWide / scan <= 0.1,
      detail: `sample ${ms(sWide)} vs scan ${ms(scan)}; projected for 12,290,800 rows at --window 10: ${((s2000 / scan) * (set.rows / 12_290_800)).toFixed(3)}`,
    },
    {
      name: 'td sample time, N=2000 / N=500 (grows with N)',
      ratio: s2000 / s500,
      target: '>= 2',
      pass: s2000 / s500 >= 2,
      detail: `${ms(s2000)} vs ${ms(s500)}`,
    },
    {
      name: 'td sample -n 2000 time, whole set / half set (flat in set size)',
      ratio: s2000 / sHalf,
      target: '<= 1.5',
      pass: s2000 / sHalf <= 1.5,
      detail: `${ms(s2000)} on ${rows} rows vs ${ms(sHalf)} on half; full scan ${ms(scan)} vs ${ms(halfScan)}`,
    },
  ];
  return result;
};
