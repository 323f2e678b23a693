import { progressText, snapshots, type TrackedStage } from './progress-text.js';

/**
 * Progress off a terminal (a log file, CI): every `intervalSeconds`, one plain line per stage through
 * `write` (stderr). Nothing at the start, so a run shorter than the interval prints only its summary.
 */
export function startPlainProgress(stages: readonly TrackedStage[], intervalSeconds: number, write: (line: string) => void): { stop(): Promise<void> } {
  const timer = setInterval(() => {
    for (const snapshot of snapshots(stages)) write(`td ${progressText(snapshot)}`);
  }, intervalSeconds * 1000);
  // Progress alone must never keep the process alive.
  timer.unref();
  return {
    stop: async () => clearInterval(timer),
  };
}
