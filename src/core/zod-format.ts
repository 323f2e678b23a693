import type { z } from 'zod';

/**
 * One readable line per problem, "where: expected X, got Y", for every boundary td validates
 * (records, flags, pipeline files, model replies). `label` turns a zod path into the caller's
 * vocabulary: `messages.3.role` for a record, `--concurrency` for a flag, `[judge] models` for a file.
 */
export function formatZodError(
  error: z.ZodError,
  label: (path: ReadonlyArray<PropertyKey>) => string = dottedPath,
  maxIssues = 3,
): string {
  const issues = error.issues;
  const shown = issues.slice(0, maxIssues).map((issue) => formatIssue(issue, label));
  const more = issues.length > maxIssues ? ` (+${issues.length - maxIssues} more)` : '';
  return shown.join('; ') + more;
}

export function formatIssue(issue: z.core.$ZodIssue, label: (path: ReadonlyArray<PropertyKey>) => string = dottedPath): string {
  const where = issue.path.length > 0 ? `${label(issue.path)}: ` : '';
  const input = 'input' in issue ? issue.input : undefined;
  if (input === undefined && issue.code === 'invalid_type') return `${where}missing (${expectation(issue)})`;
  const got = input === undefined ? '' : `, got ${describeValue(input)}`;
  return `${where}${expectation(issue)}${got}`;
}

export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => String(part)).join('.');
}

function expectation(issue: z.core.$ZodIssue): string {
  if (!/^(Invalid|Too small|Too big|Unrecognized)/.test(issue.message)) return issue.message; // a schema's own wording
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
    case 'too_small':
      return `expected ${boundText(issue.origin, issue.inclusive ?? true, issue.minimum, 'at least', 'more than')}`;
    case 'too_big':
      return `expected ${boundText(issue.origin, issue.inclusive ?? true, issue.maximum, 'at most', 'less than')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return issue.message;
  }
}

function boundText(origin: string, inclusive: boolean, bound: number | bigint, inclusiveWord: string, exclusiveWord: string): string {
  const word = inclusive ? inclusiveWord : exclusiveWord;
  switch (origin) {
    case 'array':
    case 'set':
      return `${word} ${bound} item${bound === 1 ? '' : 's'}`;
    case 'string':
      return `${word} ${bound} character${bound === 1 ? '' : 's'}`;
    default:
      return `a number ${word} ${bound}`;
  }
}

/** A short, safe description of a value for an error message (never the whole of a long string). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `${JSON.stringify(shown)} (string)`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${String(value)} (${typeof value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
