import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineCopy, type Throughput } from './baseline.js';
import { TD_CLI } from './child-run.js';
import { writeJsonlOfSize } from './generate.js';
import { benchScoredRecord } from './report.js';
import type { Bench } from './types.js';

const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));
const TURN_SAMPLES = 20;

/**
 * A scored record of about 20 KB (the report bench's record plus one more long observation, and a
 * leak flag on every seventh), so that 2 GB holds about 100,000 of them.
 */
export function benchViewRecord(random: () => number, index: number): Record<string, unknown> {
  const record = benchScoredRecord(random, index) as Record<string, unknown> & { messages: Array<{ role: string; content: string }> };
  const observation = `Observation: ${'    def tokenize_line(self, line):\n        return line.split()\n'.repeat(25 + Math.floor(random() * 20))}`;
  const messages = [
    ...record.messages.slice(0, -1),
    { role: 'assistant', content: 'THOUGHT: read the tokenizer.\n\n```bash\ncat src/parser.py\n```' },
    { role: 'user', content: observation },
    record.messages.at(-1)!,
  ];
  return { ...record, messages, leak: { suspect: index % 7 === 0, tokens: index % 7 === 0 ? ['tokenize_line'] : [] } };
}

/** A td view child that is serving. */
interface Serving {
  url: string;
  /** From spawning td view to its URL line: start-up plus indexing. */
  indexSeconds: number;
  /** Ctrl-C, then its own peak RSS in MB (from `process.resourceUsage().maxRSS`). */
  stop(): Promise<number>;
}

/** What a serving td view answered, and how fast. */
interface PageTimes {
  turns: number;
  firstListMs: number;
  /** Median over turns spread through the file. */
  turnMs: number;
  searchMs: number;
}

function timedGet(url: string): Promise<{ ms: number; status: number; body: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The ids of the first records after `count` evenly spread byte positions of a JSONL file (read by the bench, not td). */
function spreadIds(path: string, count: number): string[] {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 16);
  try {
    return Array.from({ length: count }, (_, i) => {
      const bytes = readSync(fd, buffer, 0, buffer.length, Math.floor((i / count) * size));
      const text = buffer.toString('utf8', 0, bytes);
      const start = i === 0 ? 0 : text.indexOf('\n') + 1;
      return /^\{"id":"([^"]+)"/.exec(text.slice(start))![1]!;
    });
  } finally {
    closeSync(fd);
  }
}

/** Starts `td view FILE` in a child process (under the peak-RSS wrapper) and waits for its URL. */
async function serve(input: string, workDir: string, name: string): Promise<Serving> {
  const rssFile = join(workDir, `rss-view-${name}-${process.pid}.txt`);
  const marks = join(workDir, `bench-view-${name}.marks.jsonl`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [PEAK_RSS, rssFile, TD_CLI, 'view', input, '--quiet', '--marks', marks], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /td view: (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`td view exited ${code}: ${stderr}`)));
  });
  const indexSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    url,
    indexSeconds,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 130) throw new Error(`td view exited ${code} after Ctrl-C: ${stderr}`);
      const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
      rmSync(rssFile, { force: true });
      rmSync(marks, { force: true });
      return peakRssMb;
    },
  };
}

async function ok(url: string): Promise<{ ms: number; body: string }> {
  const page = await timedGet(url);
  if (page.status !== 200) throw new Error(`${url.replace(/t=[0-9a-f]+/, 't=…')}: HTTP ${page.status}`);
  return page;
}

/**
 * The pages of two serving td views, their requests alternated so that both see the same load (the
 * machine is shared): the first list page, a turn page at each of TURN_SAMPLES spread positions, a search.
 */
async function pageTimes(views: ReadonlyArray<{ serving: Serving; input: string }>): Promise<PageTimes[]> {
  const lists: Array<{ ms: number; body: string }> = [];
  for (const { serving } of views) lists.push(await ok(serving.url));
  const ids = views.map(({ input }) => spreadIds(input, TURN_SAMPLES));
  const times: number[][] = views.map(() => []);
  for (let i = 0; i < TURN_SAMPLES; i++) {
    for (const [v, { serving }] of views.entries()) {
      times[v]!.push((await ok(`${serving.url.replace('/?', '/turn?')}&id=${encodeURIComponent(ids[v]![i]!)}`)).ms);
    }
  }
  const searches: Array<{ ms: number; body: string }> = [];
  for (const { serving } of views) searches.push(await ok(`${serving.url}&q=needle-that-is-nowhere`));
  return views.map((_, v) => ({
    turns: Number(/<strong id="matching">([\d,]+)<\/strong>/.exec(lists[v]!.body)![1]!.replace(/,/g, '')),
    firstListMs: lists[v]!.ms,
    turnMs: median(times[v]!),
    searchMs: searches[v]!.ms,
  }));
}

/**
 * td view over 2 GB of generated scored records (about 100,000): how fast it indexes against the
 * plain-Node loop on the same file (best of two interleaved rounds each), its peak RSS there and on a
 * file ten times smaller, and how long the first list page, a turn page and a search take once it
 * serves, against the same pages of the small file's view.
 */
export const viewBench: Bench = async ({ scale, workDir, log }) => {
  const bigBytes = Math.round(2e9 * scale);
  const smallBytes = Math.round(2e8 * scale);
  const big = join(workDir, `view-scored-${Math.round(bigBytes / 1e6)}MB.jsonl`);
  const small = join(workDir, `view-scored-${Math.round(smallBytes / 1e6)}MB.jsonl`);
  log(`view: generating ${big} and ${small}`);
  await writeJsonlOfSize(big, bigBytes, benchViewRecord, 11);
  await writeJsonlOfSize(small, smallBytes, benchViewRecord, 12);
  const size = statSync(big).size;
  const smallSize = statSync(small).size;

  // Round 1: td view on the big file, then the loop. Round 2: the small file's view waits, idle, while
  // the big one indexes again; their pages are then timed side by side; then the loop again.
  let baseline: Throughput | undefined;
  const loop = async (): Promise<void> => {
    // To /dev/null: the loop's own output would cost it a 2 GB write that td view does not make.
    const plain = await baselineCopy(big, '/dev/null');
    if (!baseline || plain.mbPerSecond > baseline.mbPerSecond) baseline = plain;
  };
  log('view: round 1: td view');
  const first = await serve(big, workDir, 'big-1');
  const firstRss = await first.stop();
  log('view: round 1: the plain-Node loop');
  await loop();
  log('view: round 2: td view on both files, pages side by side');
  const smallServing = await serve(small, workDir, 'small');
  const second = await serve(big, workDir, 'big-2');
  const [bigPages, smallPages] = await pageTimes([
    { serving: second, input: big },
    { serving: smallServing, input: small },
  ]);
  const bigRss = Math.max(firstRss, await second.stop());
  const smallRss = await smallServing.stop();
  log('view: round 2: the plain-Node loop');
  await loop();
  const indexSeconds = Math.min(first.indexSeconds, second.indexSeconds);
  const viewMbPerSecond = size / 1e6 / indexSeconds;
  const speed = viewMbPerSecond / baseline!.mbPerSecond;
  const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`);
  const pages = (times: PageTimes): string =>
    `first list page ${times.firstListMs.toFixed(0)} ms, turn page ${times.turnMs.toFixed(1)} ms (median of ${TURN_SAMPLES}), search ${times.searchMs.toFixed(0)} ms`;
  const b = { ...bigPages!, peakRssMb: bigRss, indexSeconds };
  const smallRun = { ...smallPages!, peakRssMb: smallRss };
  return [
    {
      name: `td view indexing vs plain-Node loop (${mb(size)}, ${b.turns.toLocaleString('en-US')} scored records)`,
      ratio: speed,
      target: '>= 0.8',
      pass: speed >= 0.8,
      detail: `${viewMbPerSecond.toFixed(1)} MB/s (URL printed ${first.indexSeconds.toFixed(1)} s and ${second.indexSeconds.toFixed(1)} s after start) vs ${baseline!.mbPerSecond.toFixed(1)} MB/s (best of 2)`,
    },
    {
      name: `td view peak RSS on ${mb(size)} (the larger of two runs) vs the 300 MB target`,
      ratio: b.peakRssMb / 300,
      target: '<= 1.0',
      pass: b.peakRssMb <= 300,
      detail: `${b.peakRssMb.toFixed(0)} MB`,
    },
    {
      name: `td view peak RSS, ${mb(size)} / ${mb(smallSize)} input`,
      ratio: b.peakRssMb / smallRun.peakRssMb,
      target: '<= 1.5',
      pass: b.peakRssMb / smallRun.peakRssMb <= 1.5,
      detail: `${b.peakRssMb.toFixed(0)} MB vs ${smallRun.peakRssMb.toFixed(0)} MB (${smallRun.turns.toLocaleString('en-US')} records)`,
    },
    {
      name: `td view turn page time, ${mb(size)} / ${mb(smallSize)} file (both serving, requests alternated)`,
      ratio: b.turnMs / smallRun.turnMs,
      target: '<= 2',
      pass: b.turnMs / smallRun.turnMs <= 2,
      detail: `${mb(size)}: ${pages(b)}; ${mb(smallSize)}: ${pages(smallRun)}`,
    },
  ];
};
