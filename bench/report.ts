import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { judgementOf, stageMeta, verdict } from '../test/helpers/scored.js';
import { baselineCopy, throughput, type Throughput } from './baseline.js';
import { runTdChild, type ChildRun } from './child-run.js';
import { benchTurnRecord, writeJsonlOfSize } from './generate.js';
import type { Bench } from './types.js';

type Side = 'challenger' | 'king' | 'tie' | undefined;

function side(random: () => number): Side {
  const r = random();
  return r < 0.03 ? undefined : r < 0.6 ? 'challenger' : r < 0.85 ? 'king' : 'tie';
}

/** A realistic `td judge` output line: a bench turn record plus king, challenger, two judges in both orders, meta. */
export function benchScoredRecord(random: () => number, index: number): Record<string, unknown> {
  const turn = benchTurnRecord(random, index);
  const verdicts = ['judge-a', 'judge-b'].flatMap((judge) =>
    (['king-first', 'challenger-first'] as const).map((order) => verdict({ judge, order, winner: side(random) })),
  );
  const judgement = judgementOf(verdicts);
  const commands = ['grep -rn "tokenize_line" src/', "sed -i 's/tokens\\[:-1\\]/tokens/' src/parser.py", 'cat src/parser.py', 'python -m pytest -q tests'];
  const reply = (who: string): string =>
    `THOUGHT: ${who} thinks the parser drops the last token; ${'the fix follows from reading tokenize_line. '.repeat(4 + Math.floor(random() * 6))}\n\n\`\`\`bash\n${commands[Math.floor(random() * commands.length)]}\n\`\`\`\n`;
  return {
    ...turn,
    king: reply('The king'),
    challenger: reply('The challenger'),
    score: judgement.parsed < 2 ? null : judgement.preference! * 100,
    judgement,
    meta: {
      king: stageMeta('moonshotai/Kimi-K2.6-TEE', 9000, 300, 0.004),
      challenger: stageMeta('moonshotai/Kimi-K2.6-TEE', 11000, 320, 0.005),
      judge: stageMeta('judge-model', 24000, 1600, 0.012),
    },
  };
}

async function tdReport(input: string, out: string, workDir: string): Promise<ChildRun> {
  const run = await runTdChild(['report', '--input', input, '--out', out, '--quiet'], workDir);
  if (run.code !== 0) throw new Error(`td report exited ${run.code}: ${run.stderr}`);
  return run;
}

/**
 * `td report` over a generated scored file against the plain-Node baseline loop on the same file, and
 * its peak RSS on a file ten times smaller (memory must not grow with the input).
 */
export const reportBench: Bench = async ({ scale, workDir, log }) => {
  const bigBytes = Math.round(500e6 * scale);
  const smallBytes = Math.round(50e6 * scale);
  const big = join(workDir, `report-scored-${Math.round(bigBytes / 1e6)}MB.jsonl`);
  const small = join(workDir, `report-scored-${Math.round(smallBytes / 1e6)}MB.jsonl`);
  log(`report: generating ${big} and ${small}`);
  await writeJsonlOfSize(big, bigBytes, benchScoredRecord, 6);
  await writeJsonlOfSize(small, smallBytes, benchScoredRecord, 7);
  const size = statSync(big).size;
  const out = join(workDir, 'report-out');
  const baselineOut = join(workDir, 'report-baseline.jsonl');

  // Interleaved rounds, best of each: on a shared machine the load drifts, and both sides should see the same drift.
  let bigRun: ChildRun | undefined;
  let td: Throughput | undefined;
  let baseline: Throughput | undefined;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    const run = await tdReport(big, out, workDir);
    const measured = throughput(size, started);
    if (!td || measured.mbPerSecond > td.mbPerSecond) [td, bigRun] = [measured, run];
    const plain = await baselineCopy(big, baselineOut);
    if (!baseline || plain.mbPerSecond > baseline.mbPerSecond) baseline = plain;
  }
  const smallRun = await tdReport(small, join(workDir, 'report-out-small'), workDir);
  rmSync(baselineOut, { force: true });
  const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;
  const speed = td!.mbPerSecond / baseline!.mbPerSecond;
  const rss = bigRun!.peakRssMb / smallRun.peakRssMb;
  return [
    {
      name: `td report vs plain-Node loop (${mb(size)})`,
      ratio: speed,
      target: '>= 0.8',
      pass: speed >= 0.8,
      detail: `${td!.mbPerSecond.toFixed(1)} MB/s vs ${baseline!.mbPerSecond.toFixed(1)} MB/s`,
    },
    {
      name: `td report peak RSS, ${mb(size)} / ${mb(statSync(small).size)} input`,
      ratio: rss,
      target: '<= 1.5',
      pass: rss <= 1.5,
      detail: `${bigRun!.peakRssMb.toFixed(0)} MB vs ${smallRun.peakRssMb.toFixed(0)} MB`,
    },
  ];
};
