import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import { progressText, snapshots, type TrackedStage } from './progress-text.js';

/** How often the stage lines are refreshed (listr2's spinner redraws in between). */
const REFRESH_MS = 250;
/** Log lines kept while the bars are live (printed when they end); later ones are counted, not kept. */
const MAX_HELD_LINES = 10_000;
/** Recent log lines shown live under the bars. */
const LIVE_LOG_LINES = 3;

/**
 * listr2 picks its renderer by `process.stdout.isTTY`; td's stdout carries data (usually a pipe) and the
 * bars go to stderr, whose TTY-ness td checks itself. `forceTTY` would instead overwrite isTTY on both
 * process streams.
 */
class StderrRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

export interface TtyProgress {
  /** Takes a log line (already redacted, with its newline) while the bars are live. */
  log(text: string): void;
  /** Ends the bars with their final state, then prints the log lines held meanwhile. */
  stop(): Promise<void>;
}

/**
 * Live progress on a terminal: one listr2 line per stage, refreshed four times a second, with the last
 * few log lines under them.
 *
 * listr2's renderer hijacks the `write` of the streams its ProcessOutput is given, and holds whatever
 * else is written to them while it renders. It is given stderr twice, so it never touches
 * process.stdout, which carries data. td's own log lines do not go through that hold (listr2 would
 * print each with an extra blank line): they come here, show live in the bottom bar, and are printed
 * in order once the bars end. Signal listeners are off: td's process guard owns Ctrl-C.
 */
export function startTtyProgress(stages: readonly TrackedStage[], stderr: NodeJS.WriteStream): TtyProgress {
  const output = new ProcessOutput(stderr, stderr, { dump: ['stdout', 'stderr'], leaveEmptyLine: false });
  const logger = new ListrLogger({ processOutput: output, useIcons: true });
  const held: string[] = [];
  let dropped = 0;
  const tasks: Array<ListrTaskWrapper<unknown, typeof StderrRenderer, typeof StderrRenderer>> = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const refresh = (): void => {
    const lines = snapshots(stages);
    tasks.forEach((task, index) => {
      const line = lines[index];
      if (line) task.title = progressText(line);
    });
  };

  const listr = new Listr<unknown, typeof StderrRenderer, typeof StderrRenderer>(
    stages.map((stage, index) => ({
      title: stage.stats.stage,
      task: (_ctx: unknown, task: ListrTaskWrapper<unknown, typeof StderrRenderer, typeof StderrRenderer>) => {
        tasks[index] = task;
        // A run can be over before listr2 starts its tasks: the title is current from the start.
        const line = snapshots(stages)[index];
        if (line) task.title = progressText(line);
        return finished;
      },
      rendererOptions: index === 0 ? { bottomBar: LIVE_LOG_LINES, persistentOutput: false } : {},
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: StderrRenderer,
      fallbackRenderer: StderrRenderer,
      rendererOptions: { logger, collapseSubtasks: false },
    },
  );
  const running = listr.run();
  const timer = setInterval(refresh, REFRESH_MS);
  timer.unref();

  return {
    log(text) {
      const line = text.endsWith('\n') ? text.slice(0, -1) : text;
      if (held.length < MAX_HELD_LINES) held.push(line);
      else dropped++;
      const first = tasks[0];
      if (first) first.output = line;
    },
    async stop() {
      clearInterval(timer);
      refresh();
      finish();
      await running;
      for (const line of held) stderr.write(line + '\n');
      if (dropped > 0) stderr.write(`td: ${dropped} further log lines were not kept while progress was shown (the errors file has every failure)\n`);
    },
  };
}
