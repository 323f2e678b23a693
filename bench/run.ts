import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchRow } from './types.js';
import { codecBench } from './codec.js';
import { ndjsonBench } from './ndjson.js';
import { startupBench } from './startup.js';
import { sampleBench } from './sample.js';
import { llmBench } from './llm.js';
import { runPipelineBench } from './run-pipeline.js';
import { reportBench } from './report.js';
import { viewBench } from './view.js';
import { panelBench } from './panel.js';

/**
 * `npm run bench`: every benchmark, each a ratio against a baseline measured in the same run, printed
 * as one table. `BENCH_SCALE=0.1 npm run bench` runs on a tenth of the data for a quick look;
 * `BENCH_ONLY=codec` runs one module.
 */
const BENCHES: Record<string, Bench> = {
  codec: codecBench,
  ndjson: ndjsonBench,
  startup: startupBench,
  sample: sampleBench,
  llm: llmBench,
  report: reportBench,
  run: runPipelineBench,
  view: viewBench,
  panel: panelBench,
};

const scale = Number(process.env.BENCH_SCALE ?? '1');
const only = process.env.BENCH_ONLY?.split(',');
const workDir = join(fileURLToPath(new URL('../..', import.meta.url)), 'bench', '.data');
mkdirSync(workDir, { recursive: true });
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

const rows: BenchRow[] = [];
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  log(`running ${name} (scale ${scale})`);
  rows.push(...(await bench({ scale, workDir, log })));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `td bench, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const table = [
  '| benchmark | ratio | target | ok | numbers |',
  '|---|---:|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.ratio.toFixed(3)} | ${r.target} | ${r.pass ? 'yes' : 'NO'} | ${r.detail} |`),
].join('\n');
process.stdout.write(`${header}\n\n${table}\n`);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
