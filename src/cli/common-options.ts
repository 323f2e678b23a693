import { z } from 'zod';
import { byteSize, decimal, flag, text } from '../core/option-types.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/jsonl-source.js';
import type { FlagSpec } from './stage-spec.js';

/** Options every stage command takes: where records come from and go, and how the process behaves. */
export const CommonOptionsSchema = z.object({
  input: text().optional(),
  output: text().optional(),
  errors: text().optional(),
  maxLineBytes: byteSize().default(DEFAULT_MAX_LINE_BYTES),
  quiet: flag().default(false),
  grace: decimal(0).default(10),
});
export type CommonOptions = z.infer<typeof CommonOptionsSchema>;

export const INPUT_FLAGS: readonly FlagSpec[] = [
  { key: 'input', flags: '-i, --input <file>', description: 'read JSONL records from FILE instead of standard input' },
  {
    key: 'maxLineBytes',
    flags: '--max-line-bytes <size>',
    description: 'reject longer input lines (e.g. 64MiB)',
    defaultText: '64MiB',
  },
];

export const OUTPUT_FLAGS: readonly FlagSpec[] = [
  { key: 'output', flags: '-o, --output <file>', description: 'write JSONL records to FILE instead of standard output' },
];

export const PROCESS_FLAGS: readonly FlagSpec[] = [
  {
    key: 'errors',
    flags: '--errors <file>',
    description: 'append every rejected input to FILE as JSON: {stage, kind, reason, source, line, id, error, raw|record}',
  },
  { key: 'quiet', flags: '-q, --quiet', description: 'print only warnings, errors and failures on stderr' },
  {
    key: 'grace',
    flags: '--grace <seconds>',
    description: 'after Ctrl-C, let records in flight finish this long before aborting them',
    defaultText: '10',
  },
];
