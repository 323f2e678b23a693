import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import { errorMessage, TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';
import { MARKER_FILE } from '../sinks/report/output-dir.js';
import { SUMMARY_FILE } from '../sinks/report/summary.js';
import type { PushExport } from './options.js';
import { SummarySchema, type Summary } from './summary-schema.js';

/** A `td report` directory as td push reads it: the summary, and where each report file is. */
export interface ReportDir {
  dir: string;
  summary: Summary;
  /** The JSONL file of a report export. */
  file(name: PushExport): string;
}

/**
 * Checks that DIR is what `td report --out` wrote (66 when it is missing or not a report, 65 when its
 * summary.json does not hold what the card needs) and reads its summary.
 */
export function readReportDir(dir: string, include: readonly PushExport[]): ReportDir {
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
  } catch (error) {
    throw fileError('cannot read report directory', dir, error, EXIT.noInput);
  }
  if (!existsSync(join(dir, MARKER_FILE))) {
    throw new TdError(`${dir} is not a td report directory (no ${MARKER_FILE}): push what td report --out wrote`, EXIT.noInput, 'no-input');
  }
  const summaryPath = join(dir, SUMMARY_FILE);
  let text: string;
  try {
    text = readFileSync(summaryPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TdError(`${dir} has no ${SUMMARY_FILE} (td report writes it since td 0.1.0): rerun td report to write it`, EXIT.noInput, 'no-input');
    }
    throw fileError('cannot read', summaryPath, error, EXIT.noInput);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TdError(`${summaryPath}: not JSON (${errorMessage(error)})`, EXIT.dataError, 'invalid');
  }
  const parsed = SummarySchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new TdError(`${summaryPath}: ${formatZodError(parsed.error)}`, EXIT.dataError, 'invalid');
  const file = (name: PushExport): string => join(dir, `${name}.jsonl`);
  for (const name of include) {
    try {
      if (!statSync(file(name)).isFile()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    } catch (error) {
      throw fileError('cannot read', file(name), error, EXIT.noInput);
    }
  }
  return { dir, summary: parsed.data, file };
}
