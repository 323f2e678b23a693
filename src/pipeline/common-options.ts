import { z } from 'zod';
import { byteSize, flag, seconds, text } from '../core/option-types.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/jsonl-source.js';
import type { FlagSpec } from '../core/stage-spec.js';

/** `auto`: live bars when stderr is a terminal, plain lines otherwise; `bars`, `lines`, `off` force one. */
export const PROGRESS_MODES = ['auto', 'bars', 'lines', 'off'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/**
 * Options every stage command and `td run` take: where records come from and go, and how the process
 * behaves. Parsed by the CLI (flags) and the pipeline file (`[run]`) alike.
 */
export const CommonOptionsSchema = z.object({
  input: text().optional(),
  output: text().optional(),
  errors: text().optional(),
  maxLineBytes: byteSize().default(DEFAULT_MAX_LINE_BYTES),
  quiet: flag().default(false),
  grace: seconds(0).default(10),
  /** Progress on stderr: live bars on a terminal, plain lines elsewhere (`auto`), or forced. @default auto */
  progress: z.enum(PROGRESS_MODES, { error: `expected one of ${PROGRESS_MODES.join('|')}` }).default('auto'),
  /** Seconds between plain progress lines (off a terminal). @default 10 */
  progressInterval: seconds(0.1).default(10),
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
  { key: 'quiet', flags: '-q, --quiet', description: 'print only warnings, errors and failures on stderr (no progress)' },
  {
    key: 'progress',
    flags: '--progress <mode>',
    description: 'progress on stderr: auto (live bars on a terminal, plain lines otherwise), bars, lines or off',
    defaultText: 'auto',
  },
  {
    key: 'progressInterval',
    flags: '--progress-interval <seconds>',
    description: 'seconds between plain progress lines (when stderr is not a terminal)',
    defaultText: '10',
  },
  {
    key: 'grace',
    flags: '--grace <seconds>',
    description: 'after Ctrl-C, let records in flight finish this long before aborting them',
    defaultText: '10',
  },
];

/** The flags every command shares (input, output, errors file, process behaviour). */
export const COMMON_FLAGS: readonly FlagSpec[] = [...INPUT_FLAGS, ...OUTPUT_FLAGS, ...PROCESS_FLAGS];
