import type { Redactor } from '../core/redact.js';
import { COMMON_FLAGS } from '../pipeline/common-options.js';
import { composeStages } from '../pipeline/compose.js';
import { loadPipeline } from '../pipeline/pipeline-file.js';
import { STAGES } from '../pipeline/registry.js';
import { runProcess } from './run-process.js';

/** `td run`'s own flag besides the common ones. */
export const SET_FLAG = { flags: '--set <table.key=value>', description: 'override a setting of the pipeline file (repeatable), e.g. --set sample.count=50' };
/** `td run --max-cost USD`: the process's one cost budget, shared by its LLM stages (`--set llm.max-cost=USD`). */
export const MAX_COST_FLAG = { flags: '--max-cost <usd>', description: 'stop starting model calls once the LLM stages together have spent this much (priced by the prices table; same as --set llm.max-cost=USD)' };

/**
 * `td run FILE`: the stages a pipeline file names, composed in one process (see docs/run.md). The
 * common flags (`--errors`, `--quiet`, `--grace`, ...) override the file's `[run]` table.
 */
export async function runPipelineCommand(file: string, values: Record<string, unknown>, redactor?: Redactor): Promise<number> {
  const { set, maxCost, ...flags } = values;
  const sets = [...((set as string[] | undefined) ?? []), ...(maxCost === undefined ? [] : [`llm.max-cost=${String(maxCost)}`])];
  const flagNames = Object.fromEntries(COMMON_FLAGS.map((flag) => [flag.key, /--[a-z0-9-]+/.exec(flag.flags)![0]]));
  const pipeline = loadPipeline(file, STAGES, { sets, flags, flagNames });
  const { common } = pipeline;
  return runProcess({
    name: 'td run',
    common,
    ...(redactor === undefined ? {} : { redactor }),
    build: (session, stageLog) => composeStages(pipeline, session, stageLog),
  });
}
