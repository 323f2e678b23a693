import type { z } from 'zod';
import type { StageRuntime } from './session.js';
import type { SinkStage, SourceStage, TransformStage } from './stage.js';

/** A command-line flag bound to one key of a stage's options schema. */
export interface FlagSpec {
  /** The options key (camelCase), the same key a pipeline file uses (as kebab-case or snake_case). */
  key: string;
  /** Commander syntax: `-n, --count <n>`, `--reject-leaks`. */
  flags: string;
  /** The help line, its default included: built by `flagsOf` from the option's schema (src/core/option-flags.ts). */
  description: string;
}

/** A positional argument bound to one key of a stage's options schema: `td import DIR`. */
export interface ArgumentSpec {
  key: string;
  /** Commander syntax: `<dir>`. */
  syntax: string;
  description: string;
}

interface SpecBase<O> {
  name: string;
  summary: string;
  /** A positional argument of the command (a pipeline file gives the same key by name). */
  argument?: ArgumentSpec;
  /** Parses the stage's options from CLI flags and pipeline files alike; defaults live here. */
  options: z.ZodType<O>;
  flags: readonly FlagSpec[];
}

/** JSONL in, JSONL out: king, challenge, judge, validate. */
export interface TransformSpec<O = unknown> extends SpecBase<O> {
  kind: 'transform';
  create(options: O, runtime: StageRuntime): Promise<TransformStage<any, any>> | TransformStage<any, any>;
}

/** Produces records from elsewhere (parquet, a seed directory): sample, import. */
export interface SourceSpec<O = unknown> extends SpecBase<O> {
  kind: 'source';
  create(options: O, runtime: StageRuntime): Promise<SourceStage<any>> | SourceStage<any>;
}

/** Consumes records into files of its own: report. */
export interface SinkSpec<O = unknown> extends SpecBase<O> {
  kind: 'sink';
  /** The directory the sink replaces as a whole (td report's `--out`), with its flag: an input inside it is refused (exit 64). */
  outputDir?(options: O): { path: string; flag: string };
  create(options: O, runtime: StageRuntime): Promise<SinkStage<any, unknown>> | SinkStage<any, unknown>;
}

export type StageSpec = TransformSpec<any> | SourceSpec<any> | SinkSpec<any>;
