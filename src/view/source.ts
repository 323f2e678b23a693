import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import { TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';
import type { ViewBucket } from './index/turn-fields.js';

/**
 * What `td view PATH` reads: one JSONL file of any stage, or a `td report` output directory, whose
 * bucket files give each turn its bucket and whose duel.json gives the gate. Only these files are
 * ever opened; nothing a request names reaches the file system.
 */

export interface ViewFile {
  path: string;
  /** The bucket every turn of this file is in (the files of a report directory). */
  bucket?: ViewBucket;
}

/** The gate of a report directory, as much of duel.json as the list shows. */
export const GateSummarySchema = z.looseObject({
  verdict: z.enum(['pass', 'fail']),
  reasons: z.array(z.string()),
  turns: z.number(),
  parsed: z.number(),
  mean_preference: z.number().nullable(),
  margin_lower_bound: z.number().nullable(),
});
export type GateSummary = z.infer<typeof GateSummarySchema>;

export interface ViewSource {
  /** PATH as given. */
  path: string;
  kind: 'file' | 'report';
  files: ViewFile[];
  gate?: GateSummary;
  /** Problems worth a warning (a report directory without its duel.json). */
  warnings: string[];
}

/** A report directory's record files, in the order td report lists its buckets. */
const REPORT_BUCKET_FILES: ReadonlyArray<[string, ViewBucket]> = [
  ['final.jsonl', 'final'],
  ['refined.jsonl', 'refined'],
  ['defeat.jsonl', 'defeat'],
  ['parse-fail.jsonl', 'parse-fail'],
  ['rejected.jsonl', 'rejected'],
];

/** Resolves PATH: a file (any stage), or a directory td report wrote. Missing or unreadable: exit 66. */
export function resolveSource(path: string): ViewSource {
  if (path === '-') throw new TdError('PATH: expected a file or a td report directory (standard input cannot be read again when a turn is opened)', EXIT.usage, 'usage');
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw fileError('cannot read input', path, error, EXIT.noInput);
  }
  if (!isDirectory) return { path, kind: 'file', files: [{ path }], warnings: [] };

  const files = REPORT_BUCKET_FILES.filter(([name]) => existsSync(join(path, name))).map(([name, bucket]) => ({ path: join(path, name), bucket }));
  if (files.length === 0) {
    throw new TdError(`cannot read input ${path}: a directory, but not one td report wrote (no final.jsonl, refined.jsonl, defeat.jsonl or parse-fail.jsonl in it)`, EXIT.noInput, 'no-input');
  }
  const warnings: string[] = [];
  const gate = readGate(join(path, 'duel.json'), warnings);
  return { path, kind: 'report', files, ...(gate === undefined ? {} : { gate }), warnings };
}

function readGate(path: string, warnings: string[]): GateSummary | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    warnings.push(`no gate shown: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`);
    return undefined;
  }
  const parsed = GateSummarySchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    warnings.push(`no gate shown: ${path}: ${formatZodError(parsed.error)}`);
    return undefined;
  }
  return parsed.data;
}
