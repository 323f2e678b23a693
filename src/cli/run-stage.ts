import { accessSync, constants } from 'node:fs';
import { Readable, type Duplex, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { createErrorSink } from '../core/errors-sink.js';
import { EXIT, exitCodeFor } from '../core/exit-codes.js';
import { createLogger } from '../core/logger.js';
import { Redactor } from '../core/redact.js';
import { Session, type Item, type StageRuntime } from '../core/session.js';
import { createStageStream } from '../core/stage-stream.js';
import { TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';
import { createJsonlSink } from '../sinks/jsonl-sink.js';
import { createJsonlSource } from '../sources/jsonl-source.js';
import { CommonOptionsSchema, type CommonOptions } from './common-options.js';
import { exitCodeForSignal, guardProcess } from './process-guard.js';
import type { FlagSpec, StageSpec } from './stage-spec.js';

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

/** Whether an error means the reader of our output went away (`td ... | head`): not a failure. */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

function assertReadable(path: string | undefined): void {
  if (path === undefined || path === '-') return;
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new TdError(`cannot read input ${path}: ${why}`, EXIT.noInput, 'no-input');
  }
}

/**
 * Runs one stage as a command: JSONL (or the stage's own source) in, JSONL (or the stage's own sink)
 * out, with the process behaviour every stage shares. Returns the exit code; never calls process.exit,
 * so piped stdout is flushed before the process ends.
 */
export async function runStageCommand(spec: StageSpec, values: Record<string, unknown>): Promise<number> {
  const common: CommonOptions = parseFlags(CommonOptionsSchema, values, [...spec.flags, ...commonFlagKeys]);
  const options = parseFlags(spec.options, values, spec.flags);
  const redactor = Redactor.fromEnv();
  const log = createLogger({ redactor, quiet: common.quiet, prefix: `td ${spec.name}` });
  const guard = guardProcess(log, common.grace);
  const errors = createErrorSink({ log, redactor, ...(common.errors === undefined ? {} : { path: common.errors }) });
  const session = new Session(log, errors, redactor, guard.stop.signal, guard.abort.signal);
  const runtime = session.forStage(spec.name);
  let brokenPipe = false;
  try {
    if (spec.kind !== 'source') assertReadable(common.input);
    const streams = await buildStreams(spec, options, common, runtime);
    await pipeline(streams);
  } catch (error) {
    if (isBrokenPipe(error)) brokenPipe = true;
    else throw error;
  } finally {
    guard.dispose();
    await session.close();
  }
  const interrupted = guard.interruptedBy();
  // The reader going away is no failure (td ... | head), unless Ctrl-C took the reader and us down together.
  if (brokenPipe) return interrupted ? exitCodeForSignal(interrupted) : EXIT.ok;
  if (!common.quiet || runtime.stats.failed > 0) {
    const where = runtime.stats.failed > 0 && common.errors ? ` (see ${common.errors})` : '';
    log.line(`td ${spec.name}: ${runtime.stats.summary()}${where}`);
  }
  if (interrupted) return exitCodeForSignal(interrupted);
  const code = exitCodeFor(runtime.stats.failedKinds);
  return code === EXIT.ok ? (runtime.exitCode ?? EXIT.ok) : code;
}

const commonFlagKeys: readonly FlagSpec[] = [
  { key: 'input', flags: '--input', description: '' },
  { key: 'output', flags: '--output', description: '' },
  { key: 'errors', flags: '--errors', description: '' },
  { key: 'maxLineBytes', flags: '--max-line-bytes', description: '' },
  { key: 'quiet', flags: '--quiet', description: '' },
  { key: 'grace', flags: '--grace', description: '' },
];

async function buildStreams(
  spec: StageSpec,
  options: unknown,
  common: CommonOptions,
  runtime: StageRuntime,
): Promise<Array<Readable | Duplex | Writable>> {
  const jsonlIn = (): Readable =>
    createJsonlSource({ runtime, maxLineBytes: common.maxLineBytes, ...(common.input === undefined ? {} : { path: common.input }) });
  const jsonlOut = (): Writable => createJsonlSink(common.output === undefined ? {} : { path: common.output });
  switch (spec.kind) {
    case 'transform': {
      const stage = await spec.create(options, runtime);
      return [jsonlIn(), createStageStream(stage, runtime), jsonlOut()];
    }
    case 'source': {
      const items = await spec.create(options, runtime);
      return [Readable.from(countOut(items, runtime), { objectMode: true }), jsonlOut()];
    }
    case 'sink': {
      const sink = await spec.create(options, runtime);
      return [jsonlIn(), sink];
    }
  }
}

/** A source's records are its output: count them as they go. */
async function* countOut(items: AsyncIterable<Item>, runtime: StageRuntime): AsyncGenerator<Item> {
  for await (const item of items) {
    runtime.stats.out++;
    yield item;
  }
}
