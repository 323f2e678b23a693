import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';

export interface Throughput {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
}

/**
 * The plain-Node baseline every codec-bound bench compares against: read the file a chunk at a time,
 * split lines, JSON.parse, JSON.stringify, and write a chunk at a time. No validation, no streams of
 * objects, no error handling: the fastest honest loop doing the same essential work.
 */
export async function baselineCopy(inputPath: string, outputPath: string): Promise<Throughput> {
  const started = process.hrtime.bigint();
  const output = createWriteStream(outputPath, { highWaterMark: 1 << 20 });
  let rest = '';
  for await (const chunk of createReadStream(inputPath, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    let out = '';
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      out += JSON.stringify(JSON.parse(text.slice(start, newline))) + '\n';
      start = newline + 1;
    }
    rest = text.slice(start);
    if (!output.write(out)) await once(output, 'drain');
  }
  if (rest.trim() !== '') output.write(JSON.stringify(JSON.parse(rest)) + '\n');
  output.end();
  await once(output, 'finish');
  return throughput(statSync(inputPath).size, started);
}

export function throughput(bytes: number, started: bigint): Throughput {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { bytes, seconds, mbPerSecond: bytes / 1e6 / seconds };
}

/** The better of `runs` measurements (least disturbed by the rest of the machine). */
export async function best(runs: number, measure: () => Promise<Throughput>): Promise<Throughput> {
  let top: Throughput | undefined;
  for (let i = 0; i < runs; i++) {
    const result = await measure();
    if (!top || result.mbPerSecond > top.mbPerSecond) top = result;
  }
  return top!;
}
