/**
 * Every command's `--help` against its options schemas: each flag names an option key, and each default
 * the help shows is the one the schema applies (read back through the flag's own schema), so a help line
 * and its schema cannot disagree. The expectations come from the schemas, not from the flag lists.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommonOptionsSchema } from '../../src/pipeline/common-options.js';
import { camelKey } from '../../src/pipeline/option-keys.js';
import { STAGES } from '../../src/pipeline/registry.js';
import { PushOptionsSchema } from '../../src/push/options.js';
import { ViewOptionsSchema } from '../../src/view/options.js';
import { runCli } from '../helpers/cli.js';

type Shape = Record<string, z.ZodType>;

function shapeOf(schema: z.ZodType): Shape {
  if (schema instanceof z.ZodObject) return schema.shape as Shape;
  throw new Error('expected an object schema');
}

/** What a missing key parses to: the schema's default, else undefined. */
function defaultOf(schema: z.ZodType): unknown {
  const parsed = schema.safeParse(undefined);
  return parsed.success ? parsed.data : undefined;
}

interface HelpEntry {
  flags: string;
  description: string;
}

/** The option entries of a command's help, each description unwrapped onto one line. */
function helpEntries(help: string): HelpEntry[] {
  const lines = help.slice(help.indexOf('\nOptions:\n') + '\nOptions:\n'.length).split('\n');
  const entries: HelpEntry[] = [];
  for (const line of lines) {
    if (line.trim() === '') break;
    const entry = /^ {2}(-\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (entry) entries.push({ flags: entry[1]!, description: entry[2] ?? '' });
    else entries.at(-1)!.description += ` ${line.trim()}`;
  }
  return entries;
}

interface Command {
  name: string;
  /** The command's own options: every default among them must be shown. */
  own: z.ZodType;
  /** Options the command shares (the process options). */
  shared?: z.ZodType;
  /** Flags that set no option key. */
  extra?: string[];
}

const COMMANDS: Command[] = [
  ...STAGES.map((spec): Command => ({ name: spec.name, own: spec.options, shared: CommonOptionsSchema })),
  // --set and --max-cost pass settings on to the pipeline file's tables (--max-cost is --set llm.max-cost).
  { name: 'run', own: CommonOptionsSchema, extra: ['set', 'max-cost'] },
  { name: 'view', own: ViewOptionsSchema },
  { name: 'push', own: PushOptionsSchema },
];

describe('td <command> --help', () => {
  it('covers every command the CLI has', async () => {
    const { stdout } = await runCli(['--help']);
    const listed = [...stdout.slice(stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]).filter((name) => name !== 'help');
    expect(listed.sort()).toEqual(COMMANDS.map((command) => command.name).sort());
  });

  for (const command of COMMANDS) {
    it(`td ${command.name}: every flag is an option key, and every default shown is the schema's`, async () => {
      const result = await runCli([command.name, '--help']);
      expect(result.code).toBe(0);
      const own = shapeOf(command.own);
      const shapes = [own, ...(command.shared ? [shapeOf(command.shared)] : [])];
      const shown = new Set<string>();
      for (const { flags, description } of helpEntries(result.stdout)) {
        const long = /--([a-z0-9-]+)/.exec(flags)![1]!;
        if (long === 'help' || command.extra?.includes(long)) continue;
        const negated = long.startsWith('no-');
        const key = camelKey(negated ? long.slice(3) : long);
        const schema = shapes.find((shape) => key in shape)?.[key];
        expect(schema, `--${long} sets no option of td ${command.name}`).toBeDefined();
        const fallback = defaultOf(schema!);
        const where = `td ${command.name} --${long}: ${description}`;
        if (!/[<[]/.test(flags)) {
          // A switch shows its default by its form: --x for an option that is off, --no-x (or --x "(default)") for one that is on.
          if (negated) expect(fallback === true || fallback === undefined, where).toBe(true);
          else expect(description.endsWith(' (default)'), where).toBe(fallback === true);
          if (fallback !== undefined) shown.add(key);
          continue;
        }
        const written = /\(default: (.*)\)$/.exec(description)?.[1];
        if (fallback === undefined) continue; // may say what leaving it out means; there is no value to compare
        expect(written, `${where}: expected the default ${JSON.stringify(fallback)}`).toBeDefined();
        expect(schema!.parse(written), where).toEqual(fallback);
        shown.add(key);
      }
      const defaulted = Object.keys(own).filter((key) => defaultOf(own[key]!) !== undefined);
      expect(defaulted.filter((key) => !shown.has(key)), `td ${command.name}: options whose default --help does not show`).toEqual([]);
    });
  }
});
