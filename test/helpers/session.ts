import type { ErrorEntry, ErrorSink } from '../../src/core/errors-sink.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session, type StageRuntime } from '../../src/core/session.js';

export interface TestSession {
  session: Session;
  runtime: StageRuntime;
  /** Everything rejected so far, in order. */
  errors: ErrorEntry[];
  stop: AbortController;
  abort: AbortController;
}

/** A session whose errors sink records entries in memory, for asserting what was rejected and why. */
export function testSession(stage = 'test'): TestSession {
  const errors: ErrorEntry[] = [];
  const sink: ErrorSink = { report: (entry) => void errors.push(entry), close() {} };
  const stop = new AbortController();
  const abort = new AbortController();
  const session = new Session(silentLogger, sink, new Redactor(), stop.signal, abort.signal);
  return { session, runtime: session.forStage(stage), errors, stop, abort };
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export async function collectAll<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}
