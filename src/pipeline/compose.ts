import type { Duplex, Readable, Writable } from 'node:stream';
import { assertReadable, jsonlInput, jsonlOutput, sourceStream } from '../cli/run-stage.js';
import type { StageChain } from '../cli/run-process.js';
import { EXIT } from '../core/exit-codes.js';
import type { Logger } from '../core/logger.js';
import type { Session, StageRuntime } from '../core/session.js';
import { createStageStream } from '../core/stage-stream.js';
import { TdError } from '../core/td-error.js';
import type { Pipeline } from './pipeline-file.js';

/**
 * The stages of a pipeline as one chain of object streams in one process: records pass from stage to
 * stage as objects (no JSON in between), and every stage shares the session (one limiter per endpoint,
 * one request cache, one errors file). A pipeline that does not start with a source reads JSONL from
 * `--input` or stdin; one that does not end with a sink writes JSONL to `--output` or stdout.
 *
 * Every stage is created before any input is opened, so a configuration problem in any of them (a
 * missing API key, an unreadable exclude list) stops the run before a record is read.
 */
export async function composePipeline(pipeline: Pipeline, session: Session, stageLog: (stage: string) => Logger): Promise<StageChain> {
  const { stages, common } = pipeline;
  const first = stages[0]!;
  const last = stages.at(-1)!;
  checkIo();
  if (first.spec.kind !== 'source') assertReadable(common.input);

  const runtimes: StageRuntime[] = stages.map(({ spec }) => session.forStage(spec.name, stageLog(spec.name)));
  // Transforms first: their configuration (API keys, exclude lists) is checked before the source goes to
  // the network; the sink last, since it starts writing its output directory when created.
  const middle = new Map<number, Duplex>();
  for (const [index, { spec, options }] of stages.entries()) {
    if (spec.kind === 'transform') middle.set(index, createStageStream(await spec.create(options, runtimes[index]!), runtimes[index]!));
  }
  const items = first.spec.kind === 'source' ? await first.spec.create(first.options, runtimes[0]!) : undefined;
  const tail: Writable = last.spec.kind === 'sink' ? await last.spec.create(last.options, runtimes.at(-1)!) : jsonlOutput(common);
  // Input is opened last. Bad lines of JSONL input are the first stage's, as they are when it runs alone.
  const head: Readable = items === undefined ? jsonlInput(common, runtimes[0]!) : sourceStream(items, runtimes[0]!);
  return {
    streams: [head, ...middle.values(), tail],
    stages: stages.map(({ spec }, index) => ({ runtime: runtimes[index]!, source: spec.kind === 'source' })),
  };

  function checkIo(): void {
    if (first.spec.kind === 'source' && common.input !== undefined) {
      throw new TdError(`--input: ${pipeline.file} starts with [${first.spec.name}], which reads no JSONL; drop --input (or input in [run])`, EXIT.usage, 'usage');
    }
    if (last.spec.kind === 'sink' && common.output !== undefined) {
      throw new TdError(`--output: ${pipeline.file} ends with [${last.spec.name}], which writes its own files; drop --output (or output in [run])`, EXIT.usage, 'usage');
    }
  }
}
