import type { ErrorEntry, ErrorSink } from '../../src/core/errors-sink.js';
import type { Logger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session, type StageRuntime } from '../../src/core/session.js';

export interface TestSession {
  session: Session;
  runtime: StageRuntime;
  /** Every entry the errors sink received, in order (redacted, as the errors file would hold it). */
  errors: ErrorEntry[];
  /** Every line logged (already redacted, as stderr would show it). */
  logs: string[];
  /** Stops reading input (the session's `stopSignal`, as the first Ctrl-C does). */
  stop: AbortController;
  /** Aborts work in flight (the session's `signal`). */
  abort: AbortController;
}

/** A session whose errors and log lines are collected in memory, for in-process stage tests. */
export function testSession(options: { stage?: string; env?: NodeJS.ProcessEnv } = {}): TestSession {
  const errors: ErrorEntry[] = [];
  const logs: string[] = [];
  const redactor = new Redactor();
  const write = (text: string): void => void logs.push(redactor.apply(text));
  const log: Logger = { info: write, warn: (m) => write(`warning: ${m}`), error: (m) => write(`error: ${m}`), line: write };
  const sink: ErrorSink = { report: (entry) => void errors.push(JSON.parse(redactor.apply(JSON.stringify(entry))) as ErrorEntry), close() {} };
  const stop = new AbortController();
  const abort = new AbortController();
  const session = new Session(log, sink, redactor, stop.signal, abort.signal, options.env ?? { CHUTES_API_KEY: 'test-key-123456' });
  return { session, runtime: session.forStage(options.stage ?? 'king'), errors, logs, stop, abort };
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export async function collectAll<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}
