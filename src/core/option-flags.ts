import { z } from 'zod';
import type { FlagSpec } from './stage-spec.js';

/**
 * How one option appears on the command line. Its default is not written here: `--help` shows the
 * default of the schema the flag is bound to, so the flag, its help line and its default are declared
 * once, beside the option's schema.
 */
export interface FlagHelp {
  /** Commander syntax: `-c, --concurrency <n>`, `--reject-leaks`, `--no-cache`. */
  flags: string;
  /** The help line, without its default. */
  help: string;
  /**
   * For an option without a schema default: what leaving it out means, shown as `(default: ...)`
   * (`unlimited`, `the server's`). An option with a schema default cannot have one.
   */
  unset?: string;
  /** How the schema's default is written as a flag value, when the plain rendering is not it (`4MiB`). */
  show?: (value: never) => string;
}

const cliFlags = z.registry<{ flags: readonly FlagHelp[] }>();

/**
 * Binds CLI flags to an option's schema and returns the schema itself, to be placed in an options shape:
 * `concurrency: option(integer(1).default(16), { flags: '-c, --concurrency <n>', help: '...' })`.
 * Several flags may set one key (`--cache <dir>` and `--no-cache`).
 */
export function option<T extends z.ZodType>(schema: T, ...flags: [FlagHelp, ...FlagHelp[]]): T {
  cliFlags.add(schema, { flags });
  return schema;
}

/** What parsing a missing key gives: the schema's default, or undefined when it has none. */
export function schemaDefault(schema: z.ZodType): unknown {
  const parsed = schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

/** A flag that takes no value: `--open`, `--no-cache`. */
function isSwitch(flags: string): boolean {
  return !/[<[]/.test(flags);
}

/** A default as a flag value: `16`, `king`, `final,refined,sft,dpo`. */
function plainText(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((item) => plainText(item, where)).join(',');
  throw new Error(`${where}: give the option a show() for its default ${JSON.stringify(value)}`);
}

function helpLine(key: string, schema: z.ZodType, flag: FlagHelp): string {
  const where = `${key} (${flag.flags})`;
  const fallback = schemaDefault(schema);
  if (fallback !== undefined && flag.unset !== undefined) throw new Error(`${where}: the schema's default is shown; unset text is for options without one`);
  if (isSwitch(flag.flags)) {
    // A switch shows its default by its form: `--x` for an option that is off, `--no-x` for one that is on.
    return fallback === true && !flag.flags.includes('--no-') ? `${flag.help} (default)` : flag.help;
  }
  const shown = fallback !== undefined ? (flag.show ? flag.show(fallback as never) : plainText(fallback, where)) : flag.unset;
  return shown === undefined ? flag.help : `${flag.help} (default: ${shown})`;
}

/**
 * The CLI flags bound (with `option`) to the schemas of `shape`, in the order of `keys` (default: the
 * shape's), each help line ending in the default the schema applies. Keys without flags are skipped.
 */
export function flagsOf<S extends Record<string, z.ZodType>>(shape: S, keys: ReadonlyArray<keyof S & string> = Object.keys(shape)): FlagSpec[] {
  return keys.flatMap((key) => {
    const schema = shape[key]!;
    const bound = cliFlags.get(schema);
    return (bound?.flags ?? []).map((flag): FlagSpec => ({ key, flags: flag.flags, description: helpLine(key, schema, flag) }));
  });
}
