import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TD_CLI } from './child-run.js';
import { writeJsonlOfSize } from './generate.js';
import type { Bench } from './types.js';

interface Timed {
  wall: number;
  /** User + system CPU seconds of every process of the command. */
  cpu: number;
}

/** Runs a shell command under bash's `time`, which sums the CPU of every process it starts. */
async function timed(command: string): Promise<Timed> {
  const child = spawn('bash', ['-o', 'pipefail', '-c', `TIMEFORMAT='%R %U %S'; time ( ${command} )`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr.slice(-500)}`);
  const [wall, user, sys] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { wall, cpu: user + sys };
}

const best = (runs: readonly Timed[], key: keyof Timed): number => Math.min(...runs.map((run) => run[key]));

/**
 * `td run` against the unix pipe it replaces, on the same JSONL: king (td/replay) | challenge
 * (td/repair) | validate. The offline providers make the stages' own work small, so what differs is
 * what the pipe adds: every record JSON-encoded, written, read and decoded once more per stage boundary.
 * CPU is summed over all processes (bash's `time`); wall time is shown beside it, since the pipe spreads
 * its processes over the machine's cores while td run works on one. Best of three.
 */
export const runPipelineBench: Bench = async ({ scale, workDir, log }) => {
  const bytes = Math.round(200e6 * scale);
  const input = join(workDir, `run-pipeline-${bytes}.jsonl`);
  await writeJsonlOfSize(input, bytes);
  const records = readFileSync(input, 'utf8').split('\n').filter((line) => line !== '').length;
  const file = join(workDir, 'run-pipeline.toml');
  writeFileSync(file, ['[king]', 'model = "td/replay"', '[challenge]', 'model = "td/repair"', '[validate]'].join('\n'));
  const td = `"${process.execPath}" "${TD_CLI}"`;
  const out = join(workDir, 'run-pipeline-out.jsonl');
  const inProcess = `${td} run "${file}" -i "${input}" --quiet > "${out}"`;
  const pipe = `${td} king --model td/replay -i "${input}" --quiet | ${td} challenge --model td/repair --quiet | ${td} validate --quiet > "${out}"`;
  const runs: { run: Timed[]; pipe: Timed[] } = { run: [], pipe: [] };
  for (let round = 0; round < 3; round++) {
    runs.run.push(await timed(inProcess));
    runs.pipe.push(await timed(pipe));
    log(`run-pipeline round ${round + 1}: td run ${runs.run.at(-1)!.wall.toFixed(2)} s wall / ${runs.run.at(-1)!.cpu.toFixed(2)} s CPU; pipe ${runs.pipe.at(-1)!.wall.toFixed(2)} s / ${runs.pipe.at(-1)!.cpu.toFixed(2)} s`);
  }
  rmSync(out, { force: true });
  const size = `${records} records, ${(bytes / 1e6).toFixed(0)} MB`;
  const [runCpu, pipeCpu, runWall, pipeWall] = [best(runs.run, 'cpu'), best(runs.pipe, 'cpu'), best(runs.run, 'wall'), best(runs.pipe, 'wall')];
  return [
    {
      name: `td run (king, challenge, validate) CPU vs the same unix pipe (${size}, offline providers)`,
      ratio: runCpu / pipeCpu,
      target: '<= 0.75',
      pass: runCpu / pipeCpu <= 0.75,
      detail: `td run ${runCpu.toFixed(2)} s CPU vs pipe ${pipeCpu.toFixed(2)} s CPU (3 processes)`,
    },
    {
      name: `td run wall time vs the unix pipe on 2 cores (${size})`,
      ratio: runWall / pipeWall,
      target: '<= 1.0',
      pass: runWall / pipeWall <= 1.0,
      detail: `td run ${runWall.toFixed(2)} s vs pipe ${pipeWall.toFixed(2)} s (the pipe's stages run in parallel)`,
    },
  ];
};
