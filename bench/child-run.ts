import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI (the bench builds first). */
export const TD_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

export interface ChildRun {
  seconds: number;
  /** Peak resident set size of the child, in MB (from its own `process.resourceUsage().maxRSS`). */
  peakRssMb: number;
  code: number | null;
  stderr: string;
}

/**
 * Runs `node dist/cli.js ARGS` in a child process, the way a user runs td, and measures its wall time
 * and its peak RSS (a separate process, so the bench's own heap does not blur the number).
 */
export async function runTdChild(args: readonly string[], workDir: string): Promise<ChildRun> {
  const rssFile = join(workDir, `rss-${process.pid}-${Date.now()}.txt`);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [PEAK_RSS, rssFile, TD_CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  rmSync(rssFile, { force: true });
  return { seconds, peakRssMb, code, stderr };
}
