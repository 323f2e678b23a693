import { z } from 'zod';
import { flagsOf, option } from '../core/option-flags.js';
import { byteSize, byteSizeText, flag, integer, text } from '../core/option-types.js';
import type { FlagSpec } from '../core/stage-spec.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/jsonl-source.js';

/** `td view PATH`'s options, as the CLI flags give them. */
const viewOptionShape = {
  /** A JSONL file of any stage, or a directory td report wrote. */
  path: text(),
  /** Port to serve on; unset: a free one. */
  port: option(integer(0, 65535).optional(), { flags: '--port <n>', help: 'port to serve on', unset: 'a free one' }),
  /** Address to bind; anything but loopback is warned about. */
  host: option(text().default('127.0.0.1'), {
    flags: '--host <address>',
    help: 'address to bind (anything but loopback is warned about: the records become reachable from elsewhere)',
  }),
  /** Open the URL in a browser (`$BROWSER`, else the system's opener). */
  open: option(flag().default(false), { flags: '--open', help: 'open the URL in a browser ($BROWSER, else the system opener)' }),
  /** Marks file to load and append to; unset: PATH.marks.jsonl. */
  marks: option(text().optional(), {
    flags: '--marks <file>',
    help: 'marks file: read at start, each accept/reject appended as {id, mark, note, at}',
    unset: 'PATH.marks.jsonl',
  }),
  /** Errors file for the lines left out. */
  errors: option(text().optional(), {
    flags: '--errors <file>',
    help: 'append every line left out of the index to FILE as JSON: {stage, kind, reason, source, line, id, error, raw|record}',
  }),
  /** Longer lines are left out as `line-too-long`. */
  maxLineBytes: option(byteSize().default(DEFAULT_MAX_LINE_BYTES), {
    flags: '--max-line-bytes <size>',
    help: 'leave out longer lines (e.g. 64MiB)',
    show: byteSizeText,
  }),
  /** Only warnings and failures on stderr (the URL line is always printed). */
  quiet: option(flag().default(false), { flags: '-q, --quiet', help: 'print only warnings, failures and the URL on stderr' }),
};

export const ViewOptionsSchema = z.object(viewOptionShape);

/**
 * `td view`'s flags (PATH is its argument). This module is light (the options alone), so building the CLI
 * does not load td view itself (src/cli/view-command.ts is imported when td view runs).
 */
export const VIEW_FLAGS: readonly FlagSpec[] = flagsOf(viewOptionShape);
export type ViewOptions = z.infer<typeof ViewOptionsSchema>;
export type ViewOptionsInput = z.input<typeof ViewOptionsSchema>;

/** The default marks file: beside PATH (outside a report directory, which td report replaces whole). */
export function defaultMarksPath(path: string): string {
  return `${path.replace(/[/\\]+$/, '')}.marks.jsonl`;
}
