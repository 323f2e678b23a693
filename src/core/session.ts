import type { ErrorSink } from './errors-sink.js';
import type { Logger } from './logger.js';
import type { Failure } from './outcome.js';
import { recordId } from './record-checks.js';
import type { Redactor } from './redact.js';
import { StageStats } from './stats.js';

/** A JSON object as read from one JSONL line. */
export type JsonObject = Record<string, unknown>;

/** A record on its way through the stages, with where it came from (for error messages and the errors file). */
export interface Item<R = JsonObject> {
  record: R;
  /** Input file name, `<stdin>`, or a stage-specific origin such as a parquet file. */
  source: string;
  /** 1-based line in `source`; for a parquet row (td sample), its 1-based row number; 0 when neither applies. */
  line: number;
  /**
   * The JSONL line the record was read from (without its line end and a byte-order mark), while no stage
   * has changed the record: the JSONL writer and td report's bucket files write these bytes instead of
   * serialising the record again, so a record passed on unchanged comes out as it was read. Dropped as
   * soon as a stage makes a new record; it travels only with a record in flight.
   */
  raw?: string;
}

/** What the errors file keeps of a failed input to replay it: the parsed record, or the raw line that could not be parsed (`rawBytes`: its real length when `raw` is cut). */
export interface Replay {
  record?: unknown;
  raw?: string;
  rawBytes?: number;
}

/**
 * What one td process shares between its stages: logging, the errors file, secrets, the two signals
 * and per-process resources (the LLM endpoints' limiters and the request cache are memoised here, so
 * every stage of a `td run` shares them; nothing is a module-level singleton).
 */
export class Session {
  private readonly resources = new Map<string, unknown>();
  private readonly closers: Array<() => Promise<void> | void> = [];
  /**
   * The reader of the output went away (`td ... | head`): the run ends, and the records it cuts short
   * (rejected as `interrupted`) are no failures; nobody wants them any more.
   */
  readerGone = false;

  constructor(
    readonly log: Logger,
    readonly errors: ErrorSink,
    readonly redactor: Redactor,
    /** Fires to stop reading new input (first SIGINT). Sources end cleanly when it fires. */
    readonly stopSignal: AbortSignal,
    /** Fires to abort work in flight (grace period over, or the output went away). */
    readonly signal: AbortSignal,
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Returns the resource under `key`, creating it once per session. */
  memo<T>(key: string, create: () => T): T {
    if (!this.resources.has(key)) this.resources.set(key, create());
    return this.resources.get(key) as T;
  }

  /** Registers cleanup to run (in reverse order) when the session closes. */
  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  /**
   * Runs every closer (in reverse order) and closes the errors file, even when a closer throws: one
   * failing resource must not leave the others open. The first error is thrown once all have run.
   */
  async close(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    let failure: { error: unknown } | undefined;
    try {
      for (const closer of closers) {
        try {
          await closer();
        } catch (error) {
          failure ??= { error };
        }
      }
    } finally {
      this.errors.close();
    }
    if (failure) throw failure.error;
  }

  /** A stage's runtime; `log` gives the stage lines of its own (e.g. prefixed `td king` inside `td run`). */
  forStage(stage: string, log?: Logger): StageRuntime {
    return new StageRuntime(this, stage, new StageStats(stage), log);
  }
}

/** A stage's view of the session: its name and counters, and one place to reject a record. */
export class StageRuntime {
  /**
   * A stage's own verdict on the run, used as the exit code when no record failed: e.g. `td report
   * --fail-on-gate` sets 1 when the gate fails. Undefined: the failures alone decide.
   */
  exitCode: number | undefined;

  constructor(
    readonly session: Session,
    readonly stage: string,
    readonly stats: StageStats,
    private readonly ownLog?: Logger,
  ) {}

  get log(): Logger {
    return this.ownLog ?? this.session.log;
  }

  get signal(): AbortSignal {
    return this.session.signal;
  }

  get stopSignal(): AbortSignal {
    return this.session.stopSignal;
  }

  /**
   * Counts a failure and writes it to stderr and the errors file, with the record (or raw line) to
   * replay it. Called by the stage adapters (and the JSONL decoder's intake), not by stage cores: a
   * core returns its failures as values. Once the reader has gone away, a record cut short
   * (`interrupted`) is dropped silently: the reader asked for no more.
   */
  reject(failure: Failure, where: { source: string; line: number }, payload: Replay = {}): void {
    if (this.session.readerGone && failure.reason === 'interrupted') return;
    this.stats.recordFailure(failure);
    const id = recordId(payload.record);
    this.session.errors.report({
      stage: this.stage,
      kind: failure.kind,
      reason: failure.reason,
      source: where.source,
      line: where.line,
      ...(id === undefined ? {} : { id }),
      error: failure.message,
      ...payload,
    });
  }
}
