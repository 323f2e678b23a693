import type { Logger } from '../core/logger.js';

export interface ProcessGuard {
  /** Fires on the first SIGINT/SIGTERM: stop reading input. */
  readonly stop: AbortController;
  /** Fires when the grace period is over (or on a second signal): abort work in flight. */
  readonly abort: AbortController;
  /** The signal that interrupted the run, if any. */
  interruptedBy(): NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * Ctrl-C handling shared by every command: the first signal stops reading and lets records in flight
 * finish for `graceSeconds`, then aborts them; a second signal aborts at once. Output already done is
 * flushed either way, and the command exits 128 + signal number instead of dying mid-write.
 * `announce` words the first signal's line for a command that is not a stage (td view).
 */
export function guardProcess(log: Logger, graceSeconds: number, announce?: (signal: NodeJS.Signals) => string): ProcessGuard {
  const stop = new AbortController();
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted === undefined) {
      interrupted = signal;
      log.line(
        announce?.(signal) ??
          `td: ${signal === 'SIGINT' ? 'interrupted' : signal}: no new input is read; finishing records in flight for up to ${graceSeconds}s (Ctrl-C again to abort them)`,
      );
      stop.abort(new Error(`stopped by ${signal}`));
      timer = setTimeout(() => abort.abort(new Error('grace period over')), graceSeconds * 1000);
      timer.unref();
      return;
    }
    if (!abort.signal.aborted) {
      log.line('td: aborting records in flight');
      abort.abort(new Error(`aborted by a second ${signal}`));
    }
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop,
    abort,
    interruptedBy: () => interrupted,
    dispose() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** 128 + signal number, the shell's convention. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
