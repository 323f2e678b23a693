import type { ProgressMode } from '../../pipeline/common-options.js';
import { startPlainProgress } from './plain-progress.js';
import type { TrackedStage } from './progress-text.js';

export { PROGRESS_MODES, type ProgressMode } from '../../pipeline/common-options.js';

export interface ProgressSettings {
  mode: ProgressMode;
  /** Seconds between plain lines. */
  intervalSeconds: number;
  /** `--quiet` turns progress off whatever the mode. */
  quiet: boolean;
}

export interface Progress {
  /** Writes a log line (already redacted, newline-terminated) so it does not tear the bars. */
  log(text: string): void;
  stop(): Promise<void>;
}

/** Whether live bars suit this stderr: a terminal that is not `TERM=dumb`. */
export function stderrIsTerminal(stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return stderr.isTTY === true && env.TERM !== 'dumb';
}

/** The mode `auto` resolves to, and `off` under `--quiet`. */
export function resolveProgressMode(settings: ProgressSettings, stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Exclude<ProgressMode, 'auto'> {
  if (settings.quiet || settings.mode === 'off') return 'off';
  if (settings.mode !== 'auto') return settings.mode;
  return stderrIsTerminal(stderr, env) ? 'bars' : 'lines';
}

/** Starts progress for the stages of one process; every byte of it goes to `stderr`, never to stdout. */
export async function startProgress(
  stages: readonly TrackedStage[],
  settings: ProgressSettings,
  stderr: NodeJS.WriteStream = process.stderr,
  env = process.env,
): Promise<Progress> {
  const direct = (text: string): void => {
    try {
      stderr.write(text);
    } catch {
      // stderr closed: nothing sensible left to do with a progress line.
    }
  };
  switch (resolveProgressMode(settings, stderr, env)) {
    case 'bars': {
      // listr2 is loaded only when bars are drawn.
      const { startTtyProgress } = await import('./tty-progress.js');
      return startTtyProgress(stages, stderr);
    }
    case 'lines': {
      const plain = startPlainProgress(stages, settings.intervalSeconds, (line) => direct(line + '\n'));
      return { log: direct, stop: plain.stop };
    }
    case 'off':
      return { log: direct, stop: async () => undefined };
  }
}
