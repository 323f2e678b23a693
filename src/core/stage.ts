import type { z } from 'zod';
import type { Outcome } from './outcome.js';
import type { JsonObject, StageRuntime } from './session.js';

/** What a stage's core sees besides the record. */
export interface StageContext {
  /** Aborts when the work must stop (grace period over after SIGINT, or the output went away). */
  signal: AbortSignal;
  /** Where the record came from, for messages. */
  source: string;
  line: number;
  runtime: StageRuntime;
}

/** A stage's core: total over one record (it never throws; a failure is a value). */
export type StageFn<I, O> = (record: I, ctx: StageContext) => Promise<Outcome<O>>;

/** A transform stage ready to run: its input contract, its core and its concurrency. */
export interface TransformStage<I = JsonObject, O = JsonObject> {
  /** Checked before `run`; a record that fails it goes to the errors file as `schema` (invalid input). */
  input: z.ZodType<I>;
  run: StageFn<I, O>;
  /** Calls of `run` in flight at most. */
  concurrency: number;
  /** Records held at most (in flight + done, waiting to go out). @default max(2 * concurrency, 16) */
  readAhead?: number;
  /** Called once after the last record (flush caches, print accounting). */
  close?: () => Promise<void> | void;
}
