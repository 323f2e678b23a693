import { pipeline } from 'node:stream/promises';
import { createErrorSink } from '../core/errors-sink.js';
import { EXIT, exitCodeFor } from '../core/exit-codes.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { FailureKind } from '../core/outcome.js';
import { Redactor } from '../core/redact.js';
import { Session } from '../core/session.js';
import type { CommonOptions } from '../pipeline/common-options.js';
import type { StageChain } from '../pipeline/compose.js';
import { exitCodeForSignal, guardProcess } from './process-guard.js';
import { startProgress, type Progress } from './progress/progress.js';

export interface ProcessPlan {
  /** Prefix of the process's own lines: `td king`, `td run`. */
  name: string;
  common: CommonOptions;
  /**
   * The session's redactor. Pass one to print a fatal error with it afterwards: by then it knows the
   * secrets the stages registered (keys from `--api-key-env` or `.env`). @default Redactor.fromEnv()
   */
  redactor?: Redactor;
  /**
   * Builds the chain. Configuration errors (a missing key, a bad file) are thrown from here, before any
   * input is read. `stageLog(stage)` gives a stage its own `td <stage>` lines on the process's stderr.
   */
  build(session: Session, stageLog: (stage: string) => Logger): Promise<StageChain>;
}

/** Whether an error means the reader of our output went away (`td ... | head`): not a failure. */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/**
 * The process behaviour every td command shares, for one stage (`td king`) or many (`td run`): Ctrl-C
 * stops reading and lets records in flight finish (`--grace`), a closed stdout ends the run quietly,
 * progress goes to stderr, each stage prints its summary, and the exit code sums up every stage's
 * failures. Returns the exit code; never calls process.exit, so piped stdout is flushed first.
 */
export async function runProcess(plan: ProcessPlan): Promise<number> {
  const { common } = plan;
  const redactor = plan.redactor ?? Redactor.fromEnv();
  // Log lines go straight to stderr, or through live progress while it is shown (so they do not tear the bars).
  let writeLog = (text: string): void => void process.stderr.write(text);
  const logStream = { write: (text: string) => writeLog(text) } as unknown as NodeJS.WritableStream;
  const logFor = (prefix: string): Logger => createLogger({ redactor, quiet: common.quiet, prefix, stream: logStream });
  const log = logFor(plan.name);
  // Opened before the signal handlers go in: an errors file that cannot be written ends the command here (73).
  const errors = createErrorSink({ log, redactor, ...(common.errors === undefined ? {} : { path: common.errors }) });
  const guard = guardProcess(log, common.grace);
  const session = new Session(log, errors, redactor, guard.stop.signal, guard.abort.signal);
  let chain: StageChain | undefined;
  let progress: Progress | undefined;
  let brokenPipe = false;
  let failure: { error: unknown } | undefined;
  try {
    chain = await plan.build(session, (stage) => (`td ${stage}` === plan.name ? log : logFor(`td ${stage}`)));
    const live = await startProgress(
      chain.stages.map(({ runtime, source }) => ({ stats: runtime.stats, source })),
      { mode: common.progress, intervalSeconds: common.progressInterval, quiet: common.quiet },
    );
    progress = live;
    writeLog = (text) => live.log(text);
    await pipeline(chain.streams);
  } catch (error) {
    if (isBrokenPipe(error)) brokenPipe = true;
    else failure = { error };
  } finally {
    await progress?.stop();
    writeLog = (text) => void process.stderr.write(text);
    guard.dispose();
    await session.close();
  }
  // A configuration error (thrown while building): nothing ran, there is nothing to sum up.
  if (failure && chain === undefined) throw failure.error;
  const interrupted = guard.interruptedBy();
  // The reader going away is no failure (td ... | head), unless Ctrl-C took the reader and us down together.
  if (brokenPipe || chain === undefined) return interrupted ? exitCodeForSignal(interrupted) : EXIT.ok;
  const runtimes = chain.stages.map((stage) => stage.runtime);
  const kinds = new Set<FailureKind>();
  for (const runtime of runtimes) {
    for (const kind of runtime.stats.failedKinds) kinds.add(kind);
    if (!common.quiet || runtime.stats.failed > 0) {
      const where = runtime.stats.failed > 0 && common.errors ? ` (see ${common.errors})` : '';
      log.line(`td ${runtime.stage}: ${runtime.stats.summary()}${where}`);
    }
  }
  // A run that failed part-way (the Hub went away, a stage broke) still says what it did and where its
  // rejected records went, before the fatal line.
  if (failure) throw failure.error;
  if (interrupted) return exitCodeForSignal(interrupted);
  const code = exitCodeFor(kinds);
  // With no failed record, a stage's own verdict decides (td report --fail-on-gate).
  return code === EXIT.ok ? (runtimes.find((runtime) => runtime.exitCode !== undefined)?.exitCode ?? EXIT.ok) : code;
}
