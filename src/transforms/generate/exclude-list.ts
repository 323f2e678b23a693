import { readFileSync } from 'node:fs';
import { EXIT } from '../../core/exit-codes.js';
import { TdError } from '../../core/td-error.js';

/**
 * Reads `--exclude FILE`: one instance id per line; blank lines and `#` comments are ignored. Read
 * whole at start-up (a list of ids is small), before any input.
 */
export function readExcludeList(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TdError(`--exclude ${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`, EXIT.noInput, 'no-input');
  }
  const ids = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const id = line.replace(/#.*$/, '').trim();
    if (id !== '') ids.add(id);
  }
  return ids;
}
