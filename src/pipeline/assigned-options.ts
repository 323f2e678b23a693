import type { z } from 'zod';
import { formatIssue } from '../core/zod-format.js';
import { kebabKey } from './option-keys.js';

/** Where an option value came from, so a problem with it can be pointed at. */
export type Origin =
  /** A key in a pipeline file, as written there. */
  | { kind: 'file'; file: string; line: number; table: string; key: string }
  /** A `--set table.key=value` argument, as given. */
  | { kind: 'set'; text: string }
  /** A command-line flag such as `--errors`. */
  | { kind: 'flag'; flag: string };

export interface Assigned {
  value: unknown;
  origin: Origin;
}

/** A problem with a setting, as one line: `pipelines/x.toml:12: [judge] min-parsed: expected ..., got 2 (number)`. */
export interface SettingProblem {
  /** Whether the problem is in the file (a configuration error) or on the command line (a usage error). */
  inFile: boolean;
  /** The file line it points at (problems are listed in file order, then the command line's). */
  at?: number;
  line: string;
}

/** `FILE:LINE: [table] key`, `--set table.key=value`, `--flag`: where a message starts. */
export function originLabel(origin: Origin): string {
  switch (origin.kind) {
    case 'file':
      return `${origin.file}:${origin.line}: [${origin.table}] ${origin.key}`;
    case 'set':
      return `--set ${origin.text}`;
    case 'flag':
      return origin.flag;
  }
}

/**
 * Parses a table of settings (option key -> value and origin) with a stage's own options schema, the
 * one its CLI flags go through. Each problem names where the offending value came from; a missing key,
 * or a rule over several keys, is pointed at `fallback` (the table's header).
 */
export function parseAssigned<O>(
  schema: z.ZodType<O>,
  assigned: ReadonlyMap<string, Assigned>,
  fallback: { file: string; line: number; table: string },
): { ok: true; options: O } | { ok: false; problems: SettingProblem[] } {
  // Defined, not assigned: a key named `__proto__` must reach the schema (which names it), not become a prototype.
  const values = Object.fromEntries([...assigned].map(([key, { value }]) => [key, value]));
  const parsed = schema.safeParse(values, { reportInput: true });
  if (parsed.success) return { ok: true, options: parsed.data };
  const problems = parsed.error.issues.map((issue): SettingProblem => {
    const key = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    const given = key === undefined ? undefined : assigned.get(key);
    const origin: Origin = given?.origin ?? { kind: 'file', ...fallback, key: key === undefined ? '' : kebabKey(key) };
    const rest = issue.path.slice(1).map(String);
    const label = origin.kind === 'file' && origin.key === '' ? `${origin.file}:${origin.line}: [${origin.table}]` : [originLabel(origin), ...rest].join('.');
    return { inFile: origin.kind === 'file', ...(origin.kind === 'file' ? { at: origin.line } : {}), line: formatIssue({ ...issue, path: ['x'] }, () => label) };
  });
  return { ok: false, problems };
}
