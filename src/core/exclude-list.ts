import { readFileSync } from 'node:fs';
import { EXIT } from './exit-codes.js';
import { fileError } from './file-error.js';

/**
 * Reads `--exclude FILE` (td sample and td king): one instance id per line; blank lines and `#`
 * comments are ignored, CRLF too. Read whole at start-up (a list of ids is small), before any input.
 */
export function readExcludeList(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileError('--exclude: cannot read', path, error, EXIT.noInput);
  }
  const ids = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const id = line.replace(/#.*$/, '').trim();
    if (id !== '') ids.add(id);
  }
  return ids;
}
