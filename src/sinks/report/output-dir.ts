import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT } from '../../core/exit-codes.js';
import { fileError } from '../../core/file-error.js';
import { TdError } from '../../core/td-error.js';

/** Marks a directory as td's to replace: without it, a non-empty `--out` is refused (it could be `~`). */
export const MARKER_FILE = '.td-report';
const MARKER_TEXT = 'Written by td report. td replaces this directory as a whole on every run.\n';

/**
 * The output directory of one run, written beside its target and swapped in at the end:
 * everything goes to `PARENT/.NAME.td-tmp-PID`; `commit()` moves the old DIR aside
 * (`.NAME.td-old-PID`), renames the new one into place and deletes the old. A crash or kill before
 * `commit()` leaves the previous DIR untouched; the next run removes the dead run's leftovers. The
 * only gap is between the two renames (microseconds): if a crash lands there, DIR is missing and
 * the next run renames the old copy back before it starts.
 */
export interface StagedDir {
  /** Final location. */
  readonly target: string;
  /** Where this run writes. */
  readonly path: string;
  commit(): void;
  discard(): void;
}

const TMP = '.td-tmp-';
const OLD = '.td-old-';

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeError(what: string, error: unknown): TdError {
  return fileError('cannot write', what, error, EXIT.cantCreate);
}

/** Leftovers of runs that died: returns old copies (for recovery) after deleting dead temp dirs. */
function sweepLeftovers(parent: string, name: string): string[] {
  const olds: string[] = [];
  for (const entry of readdirSync(parent)) {
    for (const kind of [TMP, OLD]) {
      const prefix = `.${name}${kind}`;
      if (!entry.startsWith(prefix)) continue;
      const pid = Number(entry.slice(prefix.length));
      if (!Number.isInteger(pid) || processAlive(pid)) continue;
      if (kind === TMP) rmSync(join(parent, entry), { recursive: true, force: true });
      else olds.push(join(parent, entry));
    }
  }
  return olds;
}

/** Checks `--out`, recovers from a crash mid-swap, and creates this run's temp dir beside it. */
export function stageOutputDir(out: string): StagedDir {
  const target = resolve(out);
  const parent = dirname(target);
  const name = basename(target);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw writeError(parent, error);
  }
  const olds = sweepLeftovers(parent, name);
  if (!existsSync(target) && olds.length > 0) renameSync(olds[0]!, target);
  for (const old of olds) if (existsSync(old)) rmSync(old, { recursive: true, force: true });

  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new TdError(`--out ${out}: expected a directory, got a file`, EXIT.usage, 'usage');
    const entries = readdirSync(target);
    if (entries.length > 0 && !entries.includes(MARKER_FILE)) {
      throw new TdError(`--out ${out}: refusing to replace a non-empty directory that td report did not write (no ${MARKER_FILE}); choose a new or empty directory`, EXIT.usage, 'usage');
    }
  }
  const path = join(parent, `.${name}${TMP}${process.pid}`);
  try {
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path);
  } catch (error) {
    throw writeError(parent, error);
  }

  return {
    target,
    path,
    commit() {
      try {
        writeFileSync(join(path, MARKER_FILE), MARKER_TEXT);
        if (existsSync(target)) {
          const old = join(parent, `.${name}${OLD}${process.pid}`);
          rmSync(old, { recursive: true, force: true });
          renameSync(target, old);
          renameSync(path, target);
          rmSync(old, { recursive: true, force: true });
        } else {
          renameSync(path, target);
        }
      } catch (error) {
        throw writeError(target, error);
      }
    },
    discard() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
