import { fileURLToPath } from 'node:url';
import type { ErrorEntry, ErrorSink } from '../../src/core/errors-sink.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session, type Item } from '../../src/core/session.js';
import { runSource } from '../../src/core/source-stream.js';
import { SampleOptionsSchema, type SampleOptionsInput } from '../../src/sources/sample/options.js';
import { createSampleSource, type SampleDeps } from '../../src/sources/sample/sample-source.js';

/** The committed fixtures (written by `npm run fixtures`). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
export const FIXTURE_TRAJECTORIES = `${FIXTURES}/trajectories/*.parquet`;
export const FIXTURE_PRS = `${FIXTURES}/prs/*.parquet`;

export interface SampleRun {
  items: Item[];
  errors: ErrorEntry[];
  logs: string[];
  session: Session;
  stats: { in: number; out: number; failed: number; byReason: Record<string, number>; counters: Record<string, number> };
}

/** Runs `td sample` in-process over the fixtures (by default) and collects records, errors and logs. */
export async function runSample(
  input: SampleOptionsInput = {},
  deps: SampleDeps & { onItem?: (item: Item, session: Session) => void; stop?: AbortController } = {},
): Promise<SampleRun> {
  const errors: ErrorEntry[] = [];
  const logs: string[] = [];
  const sink: ErrorSink = { report: (entry) => void errors.push(entry), close() {} };
  const log: Logger = { ...silentLogger, info: (m) => void logs.push(m), warn: (m) => void logs.push(`warning: ${m}`) };
  const stop = deps.stop ?? new AbortController();
  const session = new Session(log, sink, new Redactor(), stop.signal, new AbortController().signal, deps.env ?? {});
  const runtime = session.forStage('sample');
  const options = SampleOptionsSchema.parse({ trajectories: FIXTURE_TRAJECTORIES, prs: FIXTURE_PRS, installExtensions: false, ...input });
  const items: Item[] = [];
  try {
    for await (const item of runSource(await createSampleSource(options, runtime, deps), runtime)) {
      items.push(item);
      deps.onItem?.(item, session);
    }
  } finally {
    await session.close();
  }
  const stats = runtime.stats;
  return {
    items,
    errors,
    logs,
    session,
    stats: {
      in: stats.in,
      out: stats.out,
      failed: stats.failed,
      byReason: Object.fromEntries(stats.failedByReason),
      counters: Object.fromEntries(stats.counters),
    },
  };
}

export function serialise(items: readonly Item[]): string {
  return items.map((item) => JSON.stringify(item.record) + '\n').join('');
}
