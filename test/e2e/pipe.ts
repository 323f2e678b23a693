/**
 * Running td the way a user does, for the end-to-end suite: the built CLI in child processes joined by
 * real OS pipes (`bash -c` with `set -o pipefail`), each stage's stderr and exit code kept apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { CLI } from '../helpers/cli.js';

/** The committed fixtures (58 trajectories of 10 PRs; see docs/sample.md). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

/** A fresh directory, removed when the current test finishes. */
export function workDir(prefix = 'td-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** One `td NAME ARGS` of a pipe (or, with `command`, another program such as `tee`); its stderr goes to DIR/NAME.stderr. */
export interface PipeStage {
  name: string;
  args: readonly string[];
  /** A program other than td: `['tee', FILE]`; `args` is then ignored. */
  command?: readonly string[];
}

export interface PipeResult {
  /** Exit code of each stage, by name (from bash's PIPESTATUS); empty when the pipe was killed. */
  codes: Record<string, number>;
  /** Each stage's stderr, by name. */
  stderr: Record<string, string>;
  signal: NodeJS.Signals | null;
}

export interface RunningPipe {
  child: ChildProcess;
  done: Promise<PipeResult>;
  /** kill -9 of every process of the pipe (bash and each td), by process group. */
  kill(): void;
}

/**
 * Starts `td A | td B | ...` under bash in its own process group. `stdout` is where the last stage's
 * output goes (a file), when it writes any. Stage names must be distinct.
 */
export function startPipe(stages: readonly PipeStage[], options: { dir: string; env?: NodeJS.ProcessEnv; stdout?: string; stdin?: string }): RunningPipe {
  const node = shellQuote(process.execPath);
  const commands = stages.map((stage, i) => {
    const program = stage.command === undefined ? [node, shellQuote(CLI), stage.name, ...stage.args.map(shellQuote)] : stage.command.map(shellQuote);
    const words = [...program, '2>', shellQuote(join(options.dir, `${stage.name}.stderr`))];
    if (i === 0 && options.stdin !== undefined) words.push('<', shellQuote(options.stdin));
    if (i === stages.length - 1 && options.stdout !== undefined) words.push('>', shellQuote(options.stdout));
    return words.join(' ');
  });
  const status = join(options.dir, 'pipestatus');
  rmSync(status, { force: true });
  const script = [
    'set -o pipefail',
    commands.join(' | '),
    `codes=("\${PIPESTATUS[@]}")`,
    `echo "\${codes[*]}" > ${shellQuote(status)}`,
  ].join('\n');
  const child = spawn('bash', ['-c', script], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let bashErr = '';
  child.stderr!.on('data', (chunk: Buffer) => (bashErr += chunk.toString()));
  const done = new Promise<PipeResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      const stderr: Record<string, string> = {};
      for (const stage of stages) {
        const file = join(options.dir, `${stage.name}.stderr`);
        stderr[stage.name] = existsSync(file) ? readFileSync(file, 'utf8') : '';
      }
      const codes: Record<string, number> = {};
      if (existsSync(status)) {
        const values = readFileSync(status, 'utf8').trim().split(' ').map(Number);
        stages.forEach((stage, i) => (codes[stage.name] = values[i]!));
      }
      if (bashErr !== '') stderr.bash = bashErr;
      resolve({ codes, stderr, signal });
    });
  });
  return {
    child,
    done,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function runPipe(stages: readonly PipeStage[], options: Parameters<typeof startPipe>[1]): Promise<PipeResult> {
  return startPipe(stages, options).done;
}

/** Every regular file under `dir`, recursively (dot files included), as paths relative to it. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(dir, relative))) {
      const path = relative === '' ? entry : join(relative, entry);
      const stats = statSync(join(dir, path));
      if (stats.isDirectory()) walk(path);
      else if (stats.isFile()) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

/** JSON lines of a file (td's own output must always parse); [] when the file does not exist. */
export function readJsonl(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Where one run of the duel pipe keeps its files. */
export interface DuelFiles {
  errors: string;
  cache: string;
  report: string;
  /** `td sample`'s output, kept by `tee`. */
  sampled: string;
  /** `td judge`'s output, kept by `tee`. */
  scored: string;
}

export function duelFiles(dir: string): DuelFiles {
  return {
    errors: join(dir, 'errors.jsonl'),
    cache: join(dir, 'cache'),
    report: join(dir, 'report'),
    sampled: join(dir, 'sampled.jsonl'),
    scored: join(dir, 'scored.jsonl'),
  };
}

export interface DuelPipeOptions {
  url: string;
  files: DuelFiles;
  /** Turns to sample from the fixtures. @default 20 */
  count?: number;
  /** `td sample --seed`. @default 0 */
  seed?: number;
  /** Extra flags for the LLM stages (king, challenge, judge). */
  llm?: readonly string[];
  /** Extra flags for td judge alone (e.g. `--panel full`). */
  judge?: readonly string[];
  /** Run the LLM stages with `--no-cache` (every run asks everything). @default false */
  noCache?: boolean;
}

/** The two judges of the test panel (the server answers as any model). */
export const TEST_JUDGES = 'judge-a,judge-b';

/**
 * `td sample | tee | td king | td challenge | td judge | tee | td report --out DIR` over the fixtures,
 * every stage appending to one errors file, the LLM stages sharing one request cache, and waits
 * before retries kept short.
 */
export function duelPipe(options: DuelPipeOptions): PipeStage[] {
  const { files } = options;
  const errors = ['--errors', files.errors];
  const cache = options.noCache ? ['--no-cache'] : ['--cache', files.cache];
  const llm = ['--base-url', options.url, ...cache, '--max-retry-wait', '0.05', '--concurrency', '4', ...errors, ...(options.llm ?? [])];
  return [
    {
      name: 'sample',
      args: ['--trajectories', join(FIXTURES, 'trajectories'), '--prs', join(FIXTURES, 'prs'), '-n', String(options.count ?? 20), '--seed', String(options.seed ?? 0), ...errors],
    },
    { name: 'tee-sampled', args: [], command: ['tee', files.sampled] },
    { name: 'king', args: llm },
    { name: 'challenge', args: llm },
    { name: 'judge', args: ['--judges', TEST_JUDGES, ...llm, ...(options.judge ?? [])] },
    { name: 'tee-scored', args: [], command: ['tee', files.scored] },
    { name: 'report', args: ['--out', files.report, ...errors] },
  ];
}
