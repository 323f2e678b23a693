import { realpathSync, readdirSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { EXIT } from '../../core/exit-codes.js';
import { TdError } from '../../core/td-error.js';

/** What a seed run directory holds, found before any record is read. */
export interface SeedLayout {
  dir: string;
  /** `dir` with symbolic links resolved: what every file td reads must resolve inside of. */
  root: string;
  /** `prompt/prompts_*.json`, relative to `dir`, in number order (prompts_2 before prompts_10). */
  promptFiles: string[];
  /** `answer_*` directories, by name. */
  answerDirs: string[];
  /** Whether `score/` exists. */
  hasScores: boolean;
}

const PROMPT_FILE = /^prompts_(.*)\.json$/;

/** Lists a seed directory. A missing directory or `prompt/` stops the command (exit 66) before any record. */
export function readSeedLayout(dir: string): SeedLayout {
  if (!isDirectory(dir)) throw new TdError(`cannot read seed directory ${dir}: no such directory`, EXIT.noInput, 'no-input');
  const root = realpathSync(dir);
  // A directory td lists must be the seed's own: a link out of it is refused before anything is read.
  for (const name of readdirSync(dir)) {
    if ((name === 'prompt' || name === 'score' || name.startsWith('answer_')) && isDirectory(join(dir, name)) && !within(root, realpathSync(join(dir, name)))) {
      throw new TdError(`${join(dir, name)} is a symbolic link out of ${dir}: td import does not follow links out of the directory it imports`, EXIT.noInput, 'no-input');
    }
  }
  if (!isDirectory(join(dir, 'prompt'))) {
    throw new TdError(`${dir} has no prompt/ directory: expected prompt/prompts_*.json (see docs/run.md, "td import")`, EXIT.noInput, 'no-input');
  }
  const promptFiles = readdirSync(join(dir, 'prompt'))
    .filter((name) => PROMPT_FILE.test(name))
    .sort(naturalOrder)
    .map((name) => join('prompt', name));
  const answerDirs = readdirSync(dir)
    .filter((name) => name.startsWith('answer_') && isDirectory(join(dir, name)))
    .sort();
  return { dir, root, promptFiles, answerDirs, hasScores: isDirectory(join(dir, 'score')) };
}

function within(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Why a file of the seed directory must not be read, or undefined: a symbolic link that resolves out
 * of the directory (to `/etc/shadow`, a key file) is not followed, so none of its bytes can reach a
 * record or an error message. A file that does not resolve is left to the read to report.
 */
export async function outsideSeed(layout: SeedLayout, path: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(join(layout.dir, path));
  } catch {
    return undefined;
  }
  return within(layout.root, real) ? undefined : `${path}: a symbolic link out of the imported directory (not followed, not read)`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `prompts_2.json` before `prompts_10.json`: digit runs compare as numbers. */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** `prompt/prompts_3.json` -> `prompts_3`: the first half of the key of its answers and scores. */
export function promptStem(file: string): string {
  return file.replace(/^.*\//, '').replace(/\.json$/, '');
}
