import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ErrorEntry } from '../../src/core/errors-sink.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { Session, type StageRuntime } from '../../src/core/session.js';
import { runSink } from '../../src/core/sink-stream.js';
import { ReportOptionsSchema, type ReportOptionsInput } from '../../src/sinks/report/options.js';
import { createReportSink, type ReportResult } from '../../src/sinks/report/report-sink.js';
import { parseJsonl } from './cli.js';

/** A fresh directory under the system temp dir, removed when the current test finishes. */
export function tempDir(prefix = 'td-report-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface InProcessRun {
  result: ReportResult;
  runtime: StageRuntime;
  errors: ErrorEntry[];
}

/** Runs the report sink in-process over records (as items from `<test>`, line = position + 1). */
export async function runReport(records: readonly unknown[], options: ReportOptionsInput, redactor = new Redactor()): Promise<InProcessRun> {
  const errors: ErrorEntry[] = [];
  const never = new AbortController().signal;
  const session = new Session(silentLogger, { report: (entry) => errors.push(entry), close() {} }, redactor, never, never);
  const runtime = session.forStage('report');
  const sink = createReportSink(ReportOptionsSchema.parse(options), runtime);
  const items = records.map((record, i) => ({ record: record as Record<string, unknown>, source: '<test>', line: i + 1 }));
  const result = await runSink(items, sink, runtime);
  return { result: result!, runtime, errors };
}

export function readLines(dir: string, file: string): Array<Record<string, unknown>> {
  return parseJsonl(readFileSync(join(dir, file), 'utf8'));
}
