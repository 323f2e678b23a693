import type { ErrorEntry, ErrorSink } from '../../src/core/errors-sink.js';
import type { Logger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session, type StageRuntime } from '../../src/core/session.js';

export interface TestSession {
  session: Session;
  runtime: StageRuntime;
  /** Every entry the errors sink received. */
  errors: ErrorEntry[];
  /** Every line logged (already redacted, as stderr would show it). */
  logs: string[];
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
  const abort = new AbortController();
  const session = new Session(log, sink, redactor, new AbortController().signal, abort.signal, options.env ?? { CHUTES_API_KEY: 'test-key-123456' });
  return { session, runtime: session.forStage(options.stage ?? 'king'), errors, logs, abort };
}
