import type { Duplex, Readable, Writable } from 'node:stream';
import { EXIT } from '../core/exit-codes.js';
import type { Logger } from '../core/logger.js';
import type { Session, StageRuntime } from '../core/session.js';
import type { StageSpec } from '../core/stage-spec.js';
import { transformStream } from '../core/transform-stream.js';
import { TdError } from '../core/td-error.js';
import { sinkStream } from '../core/sink-stream.js';
import { sourceStream } from '../core/source-stream.js';
import type { CommonOptions } from './common-options.js';
import { assertReadable, jsonlInput, jsonlOutput } from './jsonl-io.js';
import { assertInputOutside, assertOutputsAreNotInput } from './same-file.js';

/** One stage of a chain, with its options parsed by its own schema. */
export interface ChainStage {
  spec: StageSpec;
  options: unknown;
}

/** What to compose: the stages in order (a source, if any, first; a sink, if any, last) and the process options. */
export interface ChainPlan {
  stages: readonly ChainStage[];
  common: CommonOptions;
  /** The pipeline file the stages come from, for messages; undefined for a single-stage command. */
  file?: string;
}

/** The streams of one process, built once the session exists, and the stages they run. */
export interface StageChain {
  /** Source first, sink last, for `stream.pipeline`. */
  streams: Array<Readable | Duplex | Writable>;
  /** Every stage in pipeline order; `source` marks the one that produces records (for progress ETA). */
  stages: Array<{ runtime: StageRuntime; source: boolean }>;
}

/**
 * The one composer: builds the chain of object streams for `td <stage>` (a chain of one) and `td run` (a
 * chain of many). Records pass from stage to stage as objects (no JSON in between), and every stage
 * shares the session (one limiter per endpoint, one request cache, one errors file). A chain that does
 * not start with a source reads JSONL from `--input` or stdin (its bad lines are the first stage's
 * failures); one that does not end with a sink writes JSONL to `--output` or stdout.
 *
 * Every stage is created before any input is opened, so a configuration problem in any of them (a
 * missing API key, an unreadable exclude list) stops the run before a record is read. Transforms come
 * first (their configuration is checked before the source goes to the network), the sink last (it
 * starts writing its output directory when created), the output before the input.
 */
export async function composeStages(plan: ChainPlan, session: Session, stageLog: (stage: string) => Logger): Promise<StageChain> {
  const { stages, common } = plan;
  const first = stages[0];
  const last = stages.at(-1);
  if (first === undefined || last === undefined) throw new TypeError('composeStages: no stages');
  checkIo();
  if (first.spec.kind !== 'source') assertReadable(common.input);

  const runtimes: StageRuntime[] = stages.map(({ spec }) => session.forStage(spec.name, stageLog(spec.name)));
  const middle = new Map<number, Duplex>();
  for (const [index, { spec, options }] of stages.entries()) {
    if (spec.kind === 'transform') middle.set(index, transformStream(await spec.create(options, runtimes[index]!), runtimes[index]!));
  }
  const items = first.spec.kind === 'source' ? await first.spec.create(first.options, runtimes[0]!) : undefined;
  const tail: Writable = last.spec.kind === 'sink' ? sinkStream(await last.spec.create(last.options, runtimes.at(-1)!), runtimes.at(-1)!) : jsonlOutput(common, () => (session.readerGone = true));
  const head: Readable = items === undefined ? jsonlInput(common, runtimes[0]!) : sourceStream(items, runtimes[0]!);
  return {
    streams: [head, ...middle.values(), tail],
    stages: stages.map(({ spec }, index) => ({ runtime: runtimes[index]!, source: spec.kind === 'source' })),
  };

  function checkIo(): void {
    const where = plan.file ?? 'the chain';
    if (first!.spec.kind === 'source' && common.input !== undefined) {
      throw new TdError(`--input: ${where} starts with [${first!.spec.name}], which reads no JSONL; drop --input (or input in [run])`, EXIT.usage, 'usage');
    }
    if (last!.spec.kind === 'sink' && common.output !== undefined) {
      throw new TdError(`--output: ${where} ends with [${last!.spec.name}], which writes its own files; drop --output (or output in [run])`, EXIT.usage, 'usage');
    }
    // Before any output is opened for writing (the errors file is open, for appending, and still empty).
    if (first!.spec.kind === 'source') return;
    assertOutputsAreNotInput({ input: common.input, output: common.output, errors: common.errors, writesStdout: last!.spec.kind !== 'sink' });
    const dir = last!.spec.kind === 'sink' ? last!.spec.outputDir?.(last!.options) : undefined;
    if (dir !== undefined) assertInputOutside(common.input, dir.path, dir.flag);
  }
}
