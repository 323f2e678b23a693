import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (npm test builds first), run the way a user runs it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `td ARGS` with INPUT on stdin and collects everything it printed. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child, options.input);
}

export function spawnCli(args: readonly string[], options: Omit<CliOptions, 'input'> = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess, input?: string | Buffer): Promise<CliResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  // td may exit before reading all its input (| head, SIGINT): that is not the test's failure.
  child.stdin?.on('error', () => undefined);
  if (input !== undefined) child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
  });
}

/** Parses JSONL output into objects (throws on a bad line: td's own output must always parse). */
export function parseJsonl(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Resolves once `stream` has delivered at least `count` complete lines (listening alongside `collect`). */
export function untilLines(stream: NodeJS.ReadableStream, count: number): Promise<string[]> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const lines = text.split('\n');
      if (lines.length > count) {
        stream.off('data', onData);
        resolve(lines.slice(0, count));
      }
    };
    stream.on('data', onData);
  });
}

/**
 * Starts `td ARGS`, writes `records` without closing stdin, waits until `records.length` lines came out,
 * then sends SIGINT: the Ctrl-C case where td must not wait for input that never comes.
 */
export async function interruptAfterOutput(args: readonly string[], input: string, lines: number): Promise<CliResult> {
  const child = spawnCli(args);
  const done = collect(child);
  child.stdin!.write(input);
  await untilLines(child.stdout!, lines);
  child.kill('SIGINT');
  return done;
}
