import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../core/exit-codes.js';
import { TdError } from '../../core/td-error.js';

/** What a seed run directory holds, found before any record is read. */
export interface SeedLayout {
  dir: string;
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
  return { dir, promptFiles, answerDirs, hasScores: isDirectory(join(dir, 'score')) };
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
