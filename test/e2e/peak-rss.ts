import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, collect, type CliResult } from '../helpers/cli.js';

/** Preloaded into the child: writes its peak RSS (KiB) to the file named by TD_E2E_RSS_FILE at exit. */
const RSS_HOOK =
  "data:text/javascript,import { writeFileSync } from 'node:fs'; " +
  'process.on("exit", () => { if (process.env.TD_E2E_RSS_FILE) writeFileSync(process.env.TD_E2E_RSS_FILE, String(process.resourceUsage().maxRSS)); });';

/** Runs `td ARGS` as a child and returns what it printed plus its own peak resident set size in MB. */
export async function runCliPeakRss(args: readonly string[], dir: string, input?: string | Buffer): Promise<CliResult & { peakRssMb: number }> {
  const file = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const child = spawn(process.execPath, ['--import', RSS_HOOK, CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', TD_E2E_RSS_FILE: file },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = await collect(child, input ?? '');
  const peakRssMb = Number(readFileSync(file, 'utf8')) / 1024;
  rmSync(file, { force: true });
  return { ...result, peakRssMb };
}
