import { z } from 'zod';
import { byteSize, byteSizeText, flag, seconds, text } from '../core/option-types.js';
import { flagsOf, option } from '../core/option-flags.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/jsonl-source.js';
import type { FlagSpec } from '../core/stage-spec.js';

/** `auto`: live bars when stderr is a terminal, plain lines otherwise; `bars`, `lines`, `off` force one. */
export const PROGRESS_MODES = ['auto', 'bars', 'lines', 'off'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/**
 * Options every stage command and `td run` take: where records come from and go, and how the process
 * behaves. Parsed by the CLI (flags) and the pipeline file (`[run]`) alike.
 */
const commonOptionShape = {
  input: option(text().optional(), { flags: '-i, --input <file>', help: 'read JSONL records from FILE instead of standard input' }),
  output: option(text().optional(), { flags: '-o, --output <file>', help: 'write JSONL records to FILE instead of standard output' }),
  errors: option(text().optional(), {
    flags: '--errors <file>',
    help: 'append every rejected input to FILE as JSON: {stage, kind, reason, source, line, id, error, raw|record}',
  }),
  maxLineBytes: option(byteSize().default(DEFAULT_MAX_LINE_BYTES), {
    flags: '--max-line-bytes <size>',
    help: 'reject longer input lines (e.g. 64MiB)',
    show: byteSizeText,
  }),
  quiet: option(flag().default(false), { flags: '-q, --quiet', help: 'print only warnings, errors and failures on stderr (no progress)' }),
  grace: option(seconds(0).default(10), {
    flags: '--grace <seconds>',
    help: 'after Ctrl-C, let records in flight finish this long before aborting them',
  }),
  /** Progress on stderr: live bars on a terminal, plain lines elsewhere (`auto`), or forced. */
  progress: option(z.enum(PROGRESS_MODES, { error: `expected one of ${PROGRESS_MODES.join('|')}` }).default('auto'), {
    flags: '--progress <mode>',
    help: 'progress on stderr: auto (live bars on a terminal, plain lines otherwise), bars, lines or off',
  }),
  /** Seconds between plain progress lines (off a terminal). */
  progressInterval: option(seconds(0.1).default(10), {
    flags: '--progress-interval <seconds>',
    help: 'seconds between plain progress lines (when stderr is not a terminal)',
  }),
};

export const CommonOptionsSchema = z.object(commonOptionShape);
export type CommonOptions = z.infer<typeof CommonOptionsSchema>;

export const INPUT_FLAGS: readonly FlagSpec[] = flagsOf(commonOptionShape, ['input', 'maxLineBytes']);

export const OUTPUT_FLAGS: readonly FlagSpec[] = flagsOf(commonOptionShape, ['output']);

export const PROCESS_FLAGS: readonly FlagSpec[] = flagsOf(commonOptionShape, ['errors', 'quiet', 'progress', 'progressInterval', 'grace']);

/** The flags every command shares (input, output, errors file, process behaviour). */
export const COMMON_FLAGS: readonly FlagSpec[] = [...INPUT_FLAGS, ...OUTPUT_FLAGS, ...PROCESS_FLAGS];
