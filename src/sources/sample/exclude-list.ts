import { readFileSync } from 'node:fs';
import { EXIT } from '../../core/exit-codes.js';
import { TdError } from '../../core/td-error.js';

/** Instance ids from an exclude file: one per line; blank lines and `#` comments are ignored. */
export function readExcludeList(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new TdError(`--exclude: cannot read ${path}: ${why}`, EXIT.noInput, 'no-input');
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    const id = line.replace(/#.*$/, '').trim();
    if (id !== '') ids.add(id);
  }
  return ids;
}
