import { createReadStream, createWriteStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { throughput, type Throughput } from './baseline.js';
import { timeTd } from './codec.js';
import { benchTurnRecord, prng, writeJsonlOfSize } from './generate.js';
import type { Bench, BenchRow } from './types.js';

// ndjson ships no types; it is a dev dependency, kept only to measure why td's codec replaced it.
const ndjson = createRequire(import.meta.url)('ndjson') as { parse: (options?: object) => Duplex; stringify: () => Duplex };

async function ndjsonCopy(input: string, output: string): Promise<Throughput> {
  const started = process.hrtime.bigint();
  await pipeline(createReadStream(input), ndjson.parse({ strict: false }), ndjson.stringify(), createWriteStream(output));
  return throughput(statSync(input).size, started);
}

/** One JSONL line of about `bytes` bytes: a valid turn record whose last observation is huge. */
function writeHugeLine(path: string, bytes: number): number {
  if (!existsSync(path)) {
    const record = benchTurnRecord(prng(42), 0) as { messages: Array<{ role: string; content: string }> };
    record.messages[record.messages.length - 1]!.content = `Observation: ${'a long build log line\n'.repeat(Math.ceil(bytes / 21))}`;
    writeFileSync(path, JSON.stringify(record) + '\n');
  }
  return statSync(path).size;
}

/**
 * Why td's codec replaced ndjson (the design card's choice): the same file through ndjson's
 * parse | stringify and through `td validate --as ...` (which does more: line numbers, UTF-8 checks,
 * the contract), and one 42 MB line, where split2 under ndjson grows with the square of the length.
 */
export const ndjsonBench: Bench = async ({ scale, workDir, log }) => {
  const bytes = Math.round(200e6 * scale);
  const file = join(workDir, `turns-${bytes}.jsonl`);
  const size = await writeJsonlOfSize(file, bytes);
  const out = join(workDir, 'ndjson-out.jsonl');
  const huge = join(workDir, 'one-42mb-line.jsonl');
  const hugeSize = writeHugeLine(huge, 42e6);

  let nd: Throughput | undefined;
  let td: Throughput | undefined;
  for (let i = 0; i < 2; i++) {
    const a = await ndjsonCopy(file, out);
    const b = await timeTd(['validate', '-i', file, '-o', out, '--quiet'], size);
    if (!nd || a.mbPerSecond > nd.mbPerSecond) nd = a;
    if (!td || b.mbPerSecond > td.mbPerSecond) td = b;
  }
  log(`ndjson ${nd!.mbPerSecond.toFixed(1)} MB/s, td validate ${td!.mbPerSecond.toFixed(1)} MB/s`);
  const ndHuge = await ndjsonCopy(huge, out);
  const tdHuge = await timeTd(['validate', '-i', huge, '-o', out, '--quiet'], hugeSize);
  log(`42 MB line: ndjson ${ndHuge.mbPerSecond.toFixed(2)} MB/s, td ${tdHuge.mbPerSecond.toFixed(1)} MB/s`);
  const rows: BenchRow[] = [
    {
      name: `td validate vs ndjson parse + stringify (${(size / 1e6).toFixed(0)} MB of turn records)`,
      ratio: td!.mbPerSecond / nd!.mbPerSecond,
      target: '>= 1.0',
      pass: td!.mbPerSecond >= nd!.mbPerSecond,
      detail: `${td!.mbPerSecond.toFixed(1)} vs ${nd!.mbPerSecond.toFixed(1)} MB/s`,
    },
    {
      name: 'td codec vs ndjson on one 42 MB line',
      ratio: tdHuge.mbPerSecond / ndHuge.mbPerSecond,
      target: '>= 1.0',
      pass: tdHuge.mbPerSecond >= ndHuge.mbPerSecond,
      detail: `${tdHuge.mbPerSecond.toFixed(1)} vs ${ndHuge.mbPerSecond.toFixed(2)} MB/s`,
    },
  ];
  return rows;
};
