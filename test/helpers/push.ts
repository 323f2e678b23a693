import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { onTestFinished } from 'vitest';
import { collect, spawnCli, type CliResult } from './cli.js';
import { startHubServer, type HubServer, type HubServerOptions } from './hub-server.js';
import { runReport, tempDir } from './report.js';
import { scoredRecord, verdictsOf } from './scored.js';

/** A token in the Hub's shape; tests check it never leaves the Authorization header. */
export const TOKEN = 'hf_TdPushTestToken0123456789abcdefXYZ';

/**
 * Scored records for a small report: `count` turns cycling through a decisive win (final, sft and dpo), a
 * split verdict (75: refined), and a loss (defeat). `noise` adds that many random bytes (as hex) to each
 * challenger reply, so files are larger and their chunks never repeat.
 */
export function reportRecords(count = 6, noise = 0): unknown[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = index % 3;
    const verdicts =
      kind === 0
        ? verdictsOf([['judge-a', 'challenger', 'challenger'], ['judge-b', 'challenger', 'challenger']])
        : kind === 1
          ? verdictsOf([['judge-a', 'challenger', 'challenger'], ['judge-b', 'tie', 'tie']])
          : verdictsOf([['judge-a', 'king', 'king'], ['judge-b', 'king', 'tie']]);
    const challenger = `THOUGHT: Read the parser (${index}).\n\n\`\`\`bash\nsed -n '1,40p' src/parser.py\n\`\`\`\n${noise > 0 ? `# ${randomBytes(noise).toString('hex')}\n` : ''}`;
    return scoredRecord({ index, verdicts, challenger });
  });
}

/** A td report directory written in-process from `records`. */
export async function makeReport(records: unknown[] = reportRecords(6, 3000)): Promise<string> {
  const out = join(tempDir('td-push-report-'), 'report');
  await runReport(records, { out });
  return out;
}

/** A Hub stand-in closed when the test finishes. */
export async function hubServer(options: Partial<HubServerOptions> = {}): Promise<HubServer> {
  const server = await startHubServer({ token: TOKEN, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** The environment of a td push child: no Hub variables from the machine, then `env`. */
export function pushEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = { ...process.env };
  for (const name of ['HF_TOKEN', 'HUGGINGFACE_API_KEY', 'HUGGING_FACE_HUB_TOKEN', 'TD_PUSH_TOKEN']) delete clean[name];
  return { ...clean, NO_COLOR: '1', ...env };
}

/** Runs `td push ARGS` in a fresh working directory (so no stray .env is read), with HF_TOKEN set unless `env` says otherwise. */
export function runPush(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const cwd = options.cwd ?? tempDir('td-push-cwd-');
  const child = spawnCli(['push', ...args], { cwd, env: pushEnv(options.env ?? { HF_TOKEN: TOKEN }) });
  return collect(child);
}

/** Every file under `dir`, by its `/`-separated relative path. */
export function treeOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    if (statSync(full).isFile()) files.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
  }
  return files;
}

/** The card's YAML front matter text. */
export function frontMatterOf(card: string): string {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  if (!match) throw new Error('the card has no front matter');
  return match[1]!;
}
