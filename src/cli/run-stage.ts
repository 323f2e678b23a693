import type { z } from 'zod';
import { EXIT } from '../core/exit-codes.js';
import type { Redactor } from '../core/redact.js';
import type { FlagSpec, StageSpec } from '../core/stage-spec.js';
import { TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';
import { COMMON_FLAGS, CommonOptionsSchema, type CommonOptions } from '../pipeline/common-options.js';
import { composeStages } from '../pipeline/compose.js';
import { runProcess } from './run-process.js';

/** Parses flag values with a schema; an error names the flag: `--concurrency: expected an integer from 1 and up, got "0" (string)`. */
export function parseFlags<O>(schema: z.ZodType<O>, values: Record<string, unknown>, flags: readonly FlagSpec[]): O {
  const parsed = schema.safeParse(values, { reportInput: true });
  if (parsed.success) return parsed.data;
  const label = (path: ReadonlyArray<PropertyKey>): string => {
    const key = String(path[0]);
    const flag = flags.find((f) => f.key === key);
    const long = flag ? /--[a-z0-9-]+/.exec(flag.flags)?.[0] : undefined;
    return [long ?? key, ...path.slice(1).map(String)].join('.');
  };
  throw new TdError(formatZodError(parsed.error, label), EXIT.usage, 'usage');
}

/**
 * Runs one stage as a command: a chain of one (JSONL or the stage's own source in, JSONL or the stage's
 * own sink out), with the process behaviour every command shares (`runProcess`). Returns the exit code.
 */
export async function runStageCommand(spec: StageSpec, values: Record<string, unknown>, redactor?: Redactor): Promise<number> {
  const common: CommonOptions = parseFlags(CommonOptionsSchema, values, [...spec.flags, ...COMMON_FLAGS]);
  const options = parseFlags(spec.options, values, spec.flags);
  return runProcess({
    name: `td ${spec.name}`,
    common,
    ...(redactor === undefined ? {} : { redactor }),
    build: (session, stageLog) => composeStages({ stages: [{ spec, options }], common }, session, stageLog),
  });
}
