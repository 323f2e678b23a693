import { accessSync, constants, statSync } from 'node:fs';
import { Readable, type Duplex, type Writable } from 'node:stream';
import { z } from 'zod';
import { EXIT } from '../core/exit-codes.js';
import { fileError } from '../core/file-error.js';
import type { Redactor } from '../core/redact.js';
import type { Item, StageRuntime } from '../core/session.js';
import { createStageStream } from '../core/stage-stream.js';
import { TdError } from '../core/td-error.js';
import { formatZodError } from '../core/zod-format.js';
import { createJsonlSink } from '../sinks/jsonl-sink.js';
import { createJsonlSource } from '../sources/jsonl-source.js';
import { CommonOptionsSchema, INPUT_FLAGS, OUTPUT_FLAGS, PROCESS_FLAGS, type CommonOptions } from './common-options.js';
import { runProcess } from './run-process.js';
import type { FlagSpec, StageSpec } from './stage-spec.js';

export { isBrokenPipe } from './run-process.js';

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

/** The flags every command shares (input, output, errors file, process behaviour). */
export const COMMON_FLAGS: readonly FlagSpec[] = [...INPUT_FLAGS, ...OUTPUT_FLAGS, ...PROCESS_FLAGS];

/** Fails with exit 66 before anything runs when an input file cannot be read. */
export function assertReadable(path: string | undefined): void {
  if (path === undefined || path === '-') return;
  try {
    accessSync(path, constants.R_OK);
    // A directory passes the access check and fails only at the first read. Not `isFile()`: a pipe
    // (`-i <(zcat x.gz)`) or a device is a fine input.
    if (statSync(path).isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
  } catch (error) {
    throw fileError('cannot read input', path, error, EXIT.noInput);
  }
}

/** JSONL records from `--input` or standard input. */
export function jsonlInput(common: CommonOptions, runtime: StageRuntime): Readable {
  return createJsonlSource({ runtime, maxLineBytes: common.maxLineBytes, ...(common.input === undefined ? {} : { path: common.input }) });
}

/** JSONL records to `--output` or standard output. */
export function jsonlOutput(common: CommonOptions): Writable {
  return createJsonlSink(common.output === undefined ? {} : { path: common.output });
}

/**
 * Runs one stage as a command: JSONL (or the stage's own source) in, JSONL (or the stage's own sink)
 * out, with the process behaviour every command shares (`runProcess`). Returns the exit code.
 */
export async function runStageCommand(spec: StageSpec, values: Record<string, unknown>, redactor?: Redactor): Promise<number> {
  const common: CommonOptions = parseFlags(CommonOptionsSchema, values, [...spec.flags, ...COMMON_FLAGS]);
  const options = parseFlags(spec.options, values, spec.flags);
  return runProcess({
    name: `td ${spec.name}`,
    common,
    ...(redactor === undefined ? {} : { redactor }),
    build: async (session) => {
      if (spec.kind !== 'source') assertReadable(common.input);
      const runtime = session.forStage(spec.name);
      const streams = await buildStreams(spec, options, common, runtime);
      return { streams, stages: [{ runtime, source: spec.kind === 'source' }] };
    },
  });
}

async function buildStreams(spec: StageSpec, options: unknown, common: CommonOptions, runtime: StageRuntime): Promise<Array<Readable | Duplex | Writable>> {
  // Each stage is created before its input is opened: a configuration error must stop the command before it reads.
  switch (spec.kind) {
    case 'transform': {
      const stage = await spec.create(options, runtime);
      const output = jsonlOutput(common);
      return [jsonlInput(common, runtime), createStageStream(stage, runtime), output];
    }
    case 'source':
      return [sourceStream(await spec.create(options, runtime), runtime), jsonlOutput(common)];
    case 'sink': {
      const sink = await spec.create(options, runtime);
      return [jsonlInput(common, runtime), sink];
    }
  }
}

/** A source's items as an object stream, counted as its output as they go. */
export function sourceStream(items: AsyncIterable<Item>, runtime: StageRuntime): Readable {
  return Readable.from(countOut(items, runtime), { objectMode: true });
}

async function* countOut(items: AsyncIterable<Item>, runtime: StageRuntime): AsyncGenerator<Item> {
  for await (const item of items) {
    runtime.stats.out++;
    yield item;
  }
}
