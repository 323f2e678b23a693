import { createErrorSink } from '../core/errors-sink.js';
import { createLogger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { Session } from '../core/session.js';
import { indexProgress } from '../view/index-progress.js';
import { openBrowser } from '../view/open-browser.js';
import { VIEW_FLAGS, ViewOptionsSchema } from '../view/options.js';
import { startView, type RunningView } from '../view/view.js';
import { exitCodeForSignal, guardProcess } from './process-guard.js';
import { stderrIsTerminal } from './progress/progress.js';
import { parseFlags } from './run-stage.js';

/** Resolves when `signal` fires. */
function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/**
 * `td view PATH`: indexes PATH, serves it until Ctrl-C (exit 130) or SIGTERM (143), and prints
 * `td view: http://127.0.0.1:PORT/?t=TOKEN` on stderr once the pages are ready. Lines left out of the
 * index are reported as every stage reports bad input (FILE:LINE on stderr, `--errors`).
 */
export async function runViewCommand(path: string, values: Record<string, unknown>, redactor: Redactor): Promise<number> {
  const options = parseFlags(ViewOptionsSchema, { ...values, path }, [{ key: 'path', flags: 'PATH', description: '' }, ...VIEW_FLAGS]);
  const log = createLogger({ redactor, quiet: options.quiet, prefix: 'td view' });
  const errors = createErrorSink({ log, redactor, ...(options.errors === undefined ? {} : { path: options.errors }) });
  const guard = guardProcess(log, 0, (signal) => `td view: ${signal === 'SIGINT' ? 'interrupted' : signal}: stopping`);
  const session = new Session(log, errors, redactor, guard.stop.signal, guard.abort.signal);
  const runtime = session.forStage('view');
  const progress = indexProgress((text) => void process.stderr.write(text), { terminal: stderrIsTerminal(process.stderr, process.env), intervalSeconds: 10, quiet: options.quiet });
  let view: RunningView | undefined;
  try {
    view = await startView(options, runtime, { onProgress: (read, total, turns) => progress.update(read, total, turns) });
    progress.stop();
    if (guard.interruptedBy() === undefined) {
      if (!options.quiet || runtime.stats.failed > 0) {
        const where = runtime.stats.failed > 0 && options.errors ? ` (see ${options.errors})` : '';
        log.line(`td view: ${runtime.stats.summary()}${where}`);
      }
      log.line(`td view: ${view.url}`);
      if (options.open) openBrowser(view.url, log);
      await stopped(guard.stop.signal);
    }
  } finally {
    progress.stop();
    await view?.close();
    guard.dispose();
    await session.close();
  }
  return exitCodeForSignal(guard.interruptedBy() ?? 'SIGINT');
}
