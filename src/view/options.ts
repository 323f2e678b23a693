import { z } from 'zod';
import { byteSize, flag, integer, text } from '../core/option-types.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/jsonl-source.js';

/** `td view PATH`'s options, as the CLI flags give them. */
export const ViewOptionsSchema = z.object({
  /** A JSONL file of any stage, or a directory td report wrote. */
  path: text(),
  /** Port to serve on. @default 0 (a free one) */
  port: integer(0, 65535).default(0),
  /** Address to bind; anything but loopback is warned about. @default 127.0.0.1 */
  host: text().default('127.0.0.1'),
  /** Open the URL in a browser (`$BROWSER`, else the system's opener). @default false */
  open: flag().default(false),
  /** Marks file to load and append to. @default PATH.marks.jsonl */
  marks: text().optional(),
  /** Errors file for the lines left out. */
  errors: text().optional(),
  /** Longer lines are left out as `line-too-long`. @default 64 MiB */
  maxLineBytes: byteSize().default(DEFAULT_MAX_LINE_BYTES),
  /** Only warnings and failures on stderr (the URL line is always printed). @default false */
  quiet: flag().default(false),
});
export type ViewOptions = z.infer<typeof ViewOptionsSchema>;
export type ViewOptionsInput = z.input<typeof ViewOptionsSchema>;

/** The default marks file: beside PATH (outside a report directory, which td report replaces whole). */
export function defaultMarksPath(path: string): string {
  return `${path.replace(/[/\\]+$/, '')}.marks.jsonl`;
}
