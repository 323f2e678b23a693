import type { z } from 'zod';
import type { Failure, Outcome } from './outcome.js';
import type { JsonObject, Replay, StageRuntime } from './session.js';

/**
 * The stage contract: three kinds of stage, one shape each. A stage's core never counts, never checks
 * its input contract and never writes to the errors file: its adapter (`source-stream.ts`,
 * `transform-stream.ts`, `sink-stream.ts`) does all of that, the same way for every stage, so that
 * every record read ends up out or failed (in = out + failed) by construction.
 *
 * - A **source** produces records from elsewhere (parquet, a seed directory): `run(ctx)` yields each
 *   record, or each failure, with where it came from.
 * - A **transform** works on one record at a time: `run(record, ctx)` resolves with the new record or
 *   a failure (it never throws); the adapter runs several at once and keeps their order. A core never
 *   modifies the record it is given: one that resolves with that very object (td validate) passes the
 *   record on unchanged, and the adapter keeps the line it was read from to write those bytes again.
 * - A **sink** consumes records into outputs of its own (a report directory): `run(records, ctx)`
 *   reads every record and resolves with what it concluded.
 */

/** What a transform's core sees besides the record. */
export interface StageContext {
  /** Aborts when the work must stop (grace period over after SIGINT, or the output went away). */
  signal: AbortSignal;
  /** Where the record came from, for messages. */
  source: string;
  line: number;
  runtime: StageRuntime;
}

/** What a source or a sink sees for its whole run. */
export interface RunContext {
  /** Fires to stop reading new input (the first Ctrl-C): a source ends at its next record. */
  stopSignal: AbortSignal;
  /** Aborts work in flight: the grace period after Ctrl-C is over, or the stage's stream was torn down. */
  signal: AbortSignal;
  runtime: StageRuntime;
  /**
   * For a sink: the JSONL line the record it holds was read from, when no stage has changed it (see
   * `Item.raw`); undefined otherwise. Only for the record the sink took last.
   */
  rawLine?: (record: unknown) => string | undefined;
}

/** Where a record or a failure came from: an input file (or `<stdin>`) and line, or a source's own origin (a parquet file and row). */
export interface Origin {
  source: string;
  /** 1-based; 0 when no line applies (a whole file). */
  line: number;
}

/**
 * What a source yields: an Outcome with its origin. A failure may carry what the errors file keeps to
 * replay it (the record as read, or the raw line that could not be parsed).
 */
export type Sourced<O> = Origin & ({ ok: true; record: O; raw?: string } | { ok: false; failure: Failure; replay?: Replay });

/** A stage's core for one record: total (it never throws; a failure is a value). */
export type StageFn<I, O> = (record: I, ctx: StageContext) => Promise<Outcome<O>>;

/** A source ready to run. */
export interface SourceStage<O = JsonObject> {
  /**
   * Yields records and failures in output order. Ends at the next record once `ctx.stopSignal` fires;
   * configuration problems are thrown before the stage is returned (`create`), not from here.
   */
  run(ctx: RunContext): AsyncIterable<Sourced<O>>;
}

/** A transform ready to run: its input contract, its core and how many records it works on at once. */
export interface TransformStage<I = JsonObject, O = JsonObject> {
  /** Checked before `run`; a record that fails it goes to the errors file as `schema` (invalid input). */
  input: z.ZodType<I>;
  run: StageFn<I, O>;
  /**
   * Records the core works on at once (calls of `run` in flight). Not the endpoint's `--concurrency`
   * (requests in flight at the server, bounded by the endpoint's limiter): an LLM stage keeps more
   * records in progress than requests in flight, so cache reads and writes overlap the requests.
   */
  recordsInFlight: number;
  /** Records held at most (in flight + done, waiting to go out). @default max(2 * recordsInFlight, 16) */
  readAhead?: number;
  /** Called once after the last record (flush caches, print accounting). */
  close?: () => Promise<void> | void;
}

/** A sink ready to run: its input contract and its core. */
export interface SinkStage<I = JsonObject, S = unknown> {
  /** Checked before a record reaches `run`; a record that fails it goes to the errors file as `schema`. */
  input: z.ZodType<I>;
  /**
   * Consumes every record that passed the checks (contract, one per id), in input order, and resolves
   * with what it concluded (its summary). It must read `records` to the end; reading the next record
   * is what tells the adapter the previous one was taken. Throwing ends the run (a bug, or an output
   * that cannot be written): the record it held is reported as `internal`.
   */
  run(records: AsyncIterable<I>, ctx: RunContext): Promise<S>;
}
